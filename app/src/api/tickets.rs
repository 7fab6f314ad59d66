use leptos::prelude::*;

use crate::domain::{CurrentUser, TicketLists, UploadLimits};
use crate::error::AppError;

/// The "My Technical Issues" page: the member and their own tickets, grouped by status.
#[server(prefix = "/api", endpoint = "my_tickets")]
pub async fn my_tickets() -> Result<(CurrentUser, TicketLists), AppError> {
    use crate::ssr::auth::{internal, require_desk_user, state};
    let user = require_desk_user().await?;
    let rows = state()
        .db
        .tickets()
        .list_for_member(user.id)
        .await
        .map_err(internal)?;
    Ok((user, TicketLists::from_rows(rows)))
}

/// The signed-in person if they may use Technical Issues (guards pages without other data).
#[server(prefix = "/api", endpoint = "desk_user")]
pub async fn desk_user() -> Result<CurrentUser, AppError> {
    crate::ssr::auth::require_desk_user().await
}

/// Guards the "Submit a new tech issue" page (members only) and tells it the upload limits and
/// whose draft to keep (a phone may be shared).
#[server(prefix = "/api", endpoint = "new_ticket_form")]
pub async fn new_ticket_form() -> Result<(UploadLimits, i64), AppError> {
    use crate::ssr::auth::{fail, require_desk_user, state};
    let user = require_desk_user().await?;
    if user.role.is_staff() {
        return Err(fail(AppError::Forbidden));
    }
    Ok((state().config.upload_limits, user.id))
}

/// The upload limits, for any page with a reply box.
#[server(prefix = "/api", endpoint = "get_upload_limits")]
pub async fn get_upload_limits() -> Result<UploadLimits, AppError> {
    crate::ssr::auth::require_desk_user().await?;
    Ok(crate::ssr::auth::state().config.upload_limits)
}
