//! The one error type every server function returns; it lives with the shared domain types
//! (the chat socket's frames carry it), and server-side causes turn into it in `ssr::errors`.
pub use crate::domain::AppError;
