use leptos::prelude::*;

use crate::domain::{AgentQueue, CurrentUser};
use crate::error::AppError;

/// The agent console's queue under the given filters (query-string values; empty = any).
#[server(prefix = "/api", endpoint = "queue_page")]
pub async fn queue_page(
    status: String,
    language: String,
    tier: String,
    search: String,
    #[server(default)] view: String,
    #[server(default)] priority: String,
    #[server(default)] member: String,
) -> Result<(CurrentUser, AgentQueue), AppError> {
    use crate::ssr::auth::{with_user, Access};
    with_user(Access::Staff, async |st, user| {
        let filter = crate::domain::QueueFilter::parse_all(
            &status, &language, &tier, &search, &view, &priority,
        )
        .and_then(|f| f.with_member(&member))
        .map_err(|e| AppError::malformed("filter", e))?;
        Ok((
            user.clone(),
            crate::ssr::tickets::queue(st, user, &filter).await?,
        ))
    })
    .await
}
