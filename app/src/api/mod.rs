//! Server functions (`verb_noun`). Thin: they guard, then call `ssr`.
mod auth;
mod tickets;

pub use auth::*;
pub use tickets::*;
