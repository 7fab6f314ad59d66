//! The plain axum handlers: live events, chat sockets and file downloads. Each resolves the
//! person once through `auth::guard`, like the server functions do through `auth::with_user`.
pub mod chat_socket;
pub mod events;
pub mod exports;
pub mod files;
pub mod language;
pub mod member_sign_in;
pub mod unsubscribe;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// A refusal as these handlers answer it: the error's status and its English text. A member
/// below the tier gate gets 401 like nobody signed in: these are not pages with a polite
/// refusal to show, and there is nothing here for them.
pub fn refusal(error: AppError) -> Response {
    if matches!(error, AppError::TierTooLow { .. }) {
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    }
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, error.to_string()).into_response()
}

/// 429 for one stream or socket too many (each person may hold `APP_MAX_STREAMS_PER_USER`).
pub fn too_many_open() -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        "too many open connections; close a tab",
    )
        .into_response()
}
