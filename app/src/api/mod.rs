//! Server functions (`verb_noun`). Thin: they guard, then call `ssr`.
mod auth;
mod ticket_actions;
mod tickets;

pub use auth::*;
pub use ticket_actions::*;
pub use tickets::*;
