//! Whether a person may send files now, and how many bytes (asked by the upload gate before a
//! single file byte is read).
use super::state::AppState;
use crate::domain::{CurrentUser, Invalid};
use crate::error::AppError;

/// One more request with files within the person's rate, and what their storage quota has left
/// (staff attach without a quota).
pub async fn allowance(st: &AppState, user: &CurrentUser) -> Result<u64, AppError> {
    if let Err(wait) = st.limits.upload(user.id) {
        return Err(AppError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    if user.role.is_staff() {
        return Ok(u64::MAX);
    }
    let used = st.db.attachments().used_by(user.id).await?;
    let left = st
        .config
        .storage_quota_bytes
        .saturating_sub(used.max(0) as u64);
    if left == 0 {
        return Err(AppError::validation("files", Invalid::QuotaExceeded));
    }
    Ok(left)
}
