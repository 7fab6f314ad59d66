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
) -> Result<(CurrentUser, AgentQueue), AppError> {
    crate::ssr::tickets::queue(&status, &language, &tier, &search).await
}
