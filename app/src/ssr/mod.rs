//! Server-only code: never compiled into the WASM bundle.
pub mod auth;
pub mod chat;
pub mod client_addr;
pub mod config;
pub mod csp;
pub mod db;
pub mod errors;
pub mod http;
pub mod hub;
pub mod limits;
pub mod mail;
pub mod members;
pub mod notifications;
pub mod passwords;
pub mod push;
pub mod quota;
pub mod ratings;
pub mod reminders;
pub mod seed;
pub mod state;
pub mod tickets;
pub mod uploads;

pub use config::Config;
pub use state::AppState;
