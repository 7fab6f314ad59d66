//! The one error type every server function returns. Variants are what the UI needs to show a
//! useful message; internal causes are logged on the server and never sent.
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use super::{Invalid, TicketStatus, Tier};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("sign in first")]
    Unauthorized,
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("Technical Issues are for {required} and above")]
    TierTooLow { required: Tier, yours: Tier },
    #[error("a ticket cannot go from {from:?} to {to:?} here")]
    IllegalTransition {
        from: TicketStatus,
        to: TicketStatus,
    },
    /// The chat ended (the other side left, or it was turned into a ticket) before this action.
    #[error("this chat has ended")]
    ChatEnded,
    /// Someone else acted first (another agent took the chat...). Only agents meet these.
    #[error("{message}")]
    Conflict { message: String },
    /// Another agent took the ticket first.
    #[error("{by} already has this issue")]
    TakenBy { by: String },
    /// A field (or the form, or the files) was refused; pages word `problem` in the reader's
    /// language next to that field.
    #[error("{field}: {problem}")]
    Validation { field: String, problem: Invalid },
    #[error("too many attempts, retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("the service is unavailable, try again shortly")]
    Unavailable,
    /// The attachment disk is full: nothing was stored, the member may retry later or send
    /// without files.
    #[error("there is no room for files right now, try again later")]
    StorageFull,
    /// The request body stopped arriving (a stalled upload on a weak connection).
    #[error("the upload stalled, try again")]
    TimedOut,
    #[error("internal error")]
    Internal,
    /// Raised by the server-function machinery itself (network down, undecodable request...).
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn validation(field: &str, problem: Invalid) -> AppError {
        AppError::Validation {
            field: field.to_string(),
            problem,
        }
    }

    /// A request no page of ours sends; the reason stays in English for whoever wrote it.
    pub fn malformed(field: &str, reason: impl Into<String>) -> AppError {
        AppError::validation(field, Invalid::malformed(reason))
    }

    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::InvalidCredentials => 401,
            AppError::NotFound => 404,
            AppError::Forbidden | AppError::TierTooLow { .. } => 403,
            AppError::Validation { .. } | AppError::Transport(_) => 400,
            AppError::IllegalTransition { .. }
            | AppError::Conflict { .. }
            | AppError::TakenBy { .. }
            | AppError::ChatEnded => 409,
            AppError::TimedOut => 408,
            AppError::StorageFull => 507,
            AppError::RateLimited { .. } => 429,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
