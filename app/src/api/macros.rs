//! Server functions for macros: admins keep the list; agents see them filled in for a ticket
//! and apply one.
use leptos::prelude::*;

use crate::domain::{CurrentUser, Macro, TicketMacro};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::ssr::{
    auth::{with_user, Access},
    macros,
};

#[server(prefix = "/api", endpoint = "list_macros")]
pub async fn list_macros() -> Result<(CurrentUser, Vec<Macro>), AppError> {
    with_user(Access::Admin, async |st, user| {
        Ok((user.clone(), macros::list(st).await?))
    })
    .await
}

/// Adds a macro (`id` empty) or replaces one. `set_status`: empty, `awaiting_feedback` or
/// `closed`.
#[server(prefix = "/api", endpoint = "save_macro")]
pub async fn save_macro(
    #[server(default)] id: String,
    name: String,
    body_en: String,
    body_es: String,
    #[server(default)] set_status: String,
) -> Result<i64, AppError> {
    with_user(Access::Admin, async |st, user| {
        let id = match id.trim() {
            "" => None,
            v => Some(
                v.parse::<i64>()
                    .map_err(|_| AppError::malformed("id", "expected a macro id or nothing"))?,
            ),
        };
        let input = crate::domain::MacroInput::parse(&name, &body_en, &body_es, &set_status)
            .map_err(|(field, why)| AppError::malformed(field, why))?;
        macros::save(st, user, id, &input).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "delete_macro")]
pub async fn delete_macro(id: i64) -> Result<(), AppError> {
    with_user(Access::Admin, async |st, user| {
        macros::delete(st, user, id).await
    })
    .await
}

/// Every macro filled in for this ticket (staff).
#[server(prefix = "/api", endpoint = "ticket_macros")]
pub async fn ticket_macros(id: i64) -> Result<Vec<TicketMacro>, AppError> {
    with_user(Access::Staff, async |st, user| {
        macros::for_ticket(st, user, id).await
    })
    .await
}

/// Answers the ticket with a macro (and moves it if the macro says so).
#[server(prefix = "/api", endpoint = "apply_macro")]
pub async fn apply_macro(id: i64, macro_id: i64) -> Result<(), AppError> {
    with_user(Access::Staff, async |st, user| {
        macros::apply(st, user, id, macro_id).await
    })
    .await
}
