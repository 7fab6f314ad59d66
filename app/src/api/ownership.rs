//! Server functions for who handles a ticket and how urgent it is (staff only).
use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::ssr::{
    auth::{with_user, Access},
    ownership,
};

/// The agent takes the ticket (refused if another agent has it).
#[server(prefix = "/api", endpoint = "take_ticket")]
pub async fn take_ticket(id: i64) -> Result<(), AppError> {
    with_user(Access::Staff, async |st, user| {
        ownership::take(st, user, id).await
    })
    .await
}

/// Gives the ticket to a staff member by id; empty gives it to nobody.
#[server(prefix = "/api", endpoint = "assign_ticket")]
pub async fn assign_ticket(id: i64, assignee: String) -> Result<(), AppError> {
    with_user(Access::Staff, async |st, user| {
        let to =
            match assignee.trim() {
                "" => None,
                v => Some(v.parse::<i64>().map_err(|_| {
                    AppError::malformed("assignee", "expected a staff id or nothing")
                })?),
            };
        ownership::assign(st, user, id, to).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "set_priority")]
pub async fn set_priority(id: i64, priority: String) -> Result<(), AppError> {
    with_user(Access::Staff, async |st, user| {
        let priority = crate::domain::Priority::parse(&priority)
            .map_err(|e| AppError::malformed("priority", e))?;
        ownership::set_priority(st, user, id, priority).await
    })
    .await
}

/// The ticket page of a staff member says every few seconds that it is open, and whether its
/// reply box has text (the collision warning other staff see); the answer is who else has the
/// ticket open now.
#[server(prefix = "/api", endpoint = "touch_ticket")]
pub async fn touch_ticket(
    id: i64,
    #[server(default)] replying: bool,
) -> Result<Vec<crate::domain::Viewer>, AppError> {
    with_user(Access::Staff, async |st, user| {
        ownership::touch(st, user, id, replying).await
    })
    .await
}

/// One action on the tickets ticked in the queue: `ids` comma-separated, `action` one of
/// `assign:ID`, `unassign`, `priority:P`, `close`. Says which tickets changed and why others
/// did not.
#[server(prefix = "/api", endpoint = "bulk_tickets")]
pub async fn bulk_tickets(
    ids: String,
    action: String,
) -> Result<crate::domain::BulkOutcome, AppError> {
    with_user(Access::Staff, async |st, user| {
        let ids =
            crate::domain::parse_ticket_ids(&ids).map_err(|e| AppError::malformed("ids", e))?;
        let action = crate::domain::BulkAction::parse(&action)
            .map_err(|e| AppError::malformed("action", e))?;
        crate::ssr::queue_actions::bulk(st, user, &ids, action).await
    })
    .await
}

/// Merges duplicate ticket `id` into ticket `into` (same member), which the desk keeps.
#[server(prefix = "/api", endpoint = "merge_ticket")]
pub async fn merge_ticket(id: i64, into: String) -> Result<(), AppError> {
    with_user(Access::Staff, async |st, user| {
        let into = into
            .trim()
            .trim_start_matches('#')
            .parse::<i64>()
            .map_err(|_| AppError::malformed("into", "expected a ticket number"))?;
        crate::ssr::queue_actions::merge(st, user, id, into).await
    })
    .await
}
