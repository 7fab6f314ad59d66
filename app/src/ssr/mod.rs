//! Server-only code: never compiled into the WASM bundle.
pub mod auth;
pub mod config;
pub mod db;
pub mod members;
pub mod passwords;
pub mod seed;
pub mod state;
pub mod tickets;

pub use config::Config;
pub use state::AppState;
