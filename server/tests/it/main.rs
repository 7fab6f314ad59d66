//! Every integration test in one binary (one link instead of thirteen; each binary was over 1 GB).
//! Each module drives the real server over real HTTP, WebSockets and server-sent events.
mod admin;
mod agent;
mod auth;
mod chat;
mod common;
mod concurrent_renders;
mod crash;
mod dashboard;
mod desk;
mod email;
mod fuzz;
mod hardening;
mod limits;
mod live;
mod login_abuse;
mod people;
mod platform;
mod push;
mod races;
mod ratings;
mod reliability;
mod reminders;
mod schema;
mod sessions;
mod tickets;
mod uploads;
