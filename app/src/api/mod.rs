//! Server functions (`verb_noun`). Thin: they guard, then call `ssr`.
mod admin;
mod agent;
mod auth;
mod chat;
mod macros;
mod notifications;
mod ownership;
mod people;
mod ratings;
mod ticket_actions;
mod tickets;

pub use admin::*;
pub use agent::*;
pub use auth::*;
pub use chat::*;
pub use macros::*;
pub use notifications::*;
pub use ownership::*;
pub use people::*;
pub use ratings::*;
pub use ticket_actions::*;
pub use tickets::*;

/// Server functions that take a multipart upload. Their decoder cannot answer a request without a
/// multipart boundary politely, so the router checks that first.
pub const MULTIPART_ENDPOINTS: &[&str] = &[
    "/api/submit_ticket",
    "/api/reply_ticket",
    "/api/send_chat_files",
];
