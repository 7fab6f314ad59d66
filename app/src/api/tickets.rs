use leptos::prelude::*;

use crate::domain::{CurrentUser, TicketLists, UploadLimits};
use crate::error::AppError;

/// The "My Technical Issues" page: the member and their own tickets, grouped by status; with
/// `search`, only their tickets whose title, description or conversation match it.
#[server(prefix = "/api", endpoint = "my_tickets")]
pub async fn my_tickets(
    #[server(default)] search: String,
) -> Result<(CurrentUser, TicketLists), AppError> {
    use crate::ssr::auth::{with_user, Access};
    with_user(Access::DeskUser, async |st, user| {
        let search: String = search.chars().take(200).collect();
        Ok((
            user.clone(),
            crate::ssr::tickets::lists(st, user, &search).await?,
        ))
    })
    .await
}

/// Guards the "Submit a new tech issue" page (members only) and tells it the upload limits and
/// whose draft to keep (a phone may be shared).
#[server(prefix = "/api", endpoint = "new_ticket_form")]
pub async fn new_ticket_form() -> Result<(UploadLimits, i64), AppError> {
    use crate::ssr::auth::{with_user, Access};
    with_user(Access::Member, async |st, user| {
        Ok((st.config.upload_limits, user.id))
    })
    .await
}

/// The upload limits, for any page with a reply box.
#[server(prefix = "/api", endpoint = "get_upload_limits")]
pub async fn get_upload_limits() -> Result<UploadLimits, AppError> {
    use crate::ssr::auth::{with_user, Access};
    with_user(Access::DeskUser, async |st, _| Ok(st.config.upload_limits)).await
}
