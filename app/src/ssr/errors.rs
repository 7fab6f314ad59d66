//! Server-side causes become the opaque variants the client may see, so `?` works on them: the
//! real cause is logged here, once, and never sent.
use crate::error::AppError;

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> AppError {
        if crate::ssr::db::is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            return AppError::Unavailable;
        }
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

/// File storage: a full disk is the member's "try again later" (507), anything else is ours.
impl From<std::io::Error> for AppError {
    fn from(err: std::io::Error) -> AppError {
        use std::io::ErrorKind::{FileTooLarge, QuotaExceeded, StorageFull};
        if matches!(err.kind(), StorageFull | QuotaExceeded | FileTooLarge) {
            tracing::error!(error = %err, "attachment storage is full");
            return AppError::StorageFull;
        }
        tracing::error!(error = %err, "storage error");
        AppError::Internal
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(err: tower_sessions::session::Error) -> AppError {
        AppError::internal(err)
    }
}

impl AppError {
    /// Any other cause: logged, and answered as `Unavailable` (503, "try again shortly")
    /// when it is the database being unreachable, `Internal` (500) otherwise.
    pub fn internal<E: std::error::Error + 'static>(err: E) -> AppError {
        if unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            return AppError::Unavailable;
        }
        tracing::error!(error = %err, "internal error");
        AppError::Internal
    }
}

fn unavailable(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(e) = cause {
        if let Some(sqlx) = e.downcast_ref::<sqlx::Error>() {
            return crate::ssr::db::is_unavailable(sqlx);
        }
        if e.to_string().contains(crate::ssr::db::UNAVAILABLE_MARK) {
            return true;
        }
        cause = e.source();
    }
    false
}
