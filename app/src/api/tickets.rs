use leptos::prelude::*;

use crate::domain::{CurrentUser, TicketLists};
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
