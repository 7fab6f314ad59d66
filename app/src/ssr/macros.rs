//! Macros: admins keep the list (callers guard with `Access::Admin`); agents see each one
//! filled in for the ticket at hand and apply it, which answers (and may move) the ticket
//! through the same rules as a reply typed by hand.
use super::db::{now_ms, MacroSaved};
use super::state::AppState;
use super::tickets;
use super::uploads::Staged;
use crate::domain::{
    render_macro, CurrentUser, Macro, MacroContext, MacroInput, MessageBody, TicketMacro,
    TicketStatus,
};
use crate::error::AppError;

pub async fn list(st: &AppState) -> Result<Vec<Macro>, AppError> {
    Ok(st.db.macros().all().await?)
}

pub async fn save(
    st: &AppState,
    admin: &CurrentUser,
    id: Option<i64>,
    input: &MacroInput,
) -> Result<i64, AppError> {
    match st.db.macros().save(id, input, admin.id, now_ms()).await? {
        MacroSaved::Saved(id) => Ok(id),
        MacroSaved::NameTaken => Err(AppError::malformed("name", "another macro has this name")),
        MacroSaved::NoMacro => Err(AppError::NotFound),
    }
}

pub async fn delete(st: &AppState, admin: &CurrentUser, id: i64) -> Result<(), AppError> {
    match st.db.macros().delete(id, admin.id, now_ms()).await? {
        true => Ok(()),
        false => Err(AppError::NotFound),
    }
}

/// Every macro filled in for this ticket, in its member's language.
pub async fn for_ticket(
    st: &AppState,
    user: &CurrentUser,
    ticket_id: i64,
) -> Result<Vec<TicketMacro>, AppError> {
    let (language, ctx) = context(st, user, ticket_id).await?;
    Ok(list(st)
        .await?
        .into_iter()
        .map(|m| TicketMacro {
            text: render_macro(m.body_for(&language), &ctx),
            id: m.id,
            name: m.name,
            set_status: m.set_status,
        })
        .collect())
}

async fn context(
    st: &AppState,
    user: &CurrentUser,
    ticket_id: i64,
) -> Result<(String, MacroContext), AppError> {
    let (language, member_name, ticket_title) = st
        .db
        .macros()
        .ticket(ticket_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ctx = MacroContext {
        member_name,
        ticket_number: Some(ticket_id),
        ticket_title,
        agent_name: user.display_name.clone(),
    };
    Ok((language, ctx))
}

/// Answers the ticket with the macro: a plain reply, a question (the ticket then waits for the
/// member) or a last answer that closes it.
pub async fn apply(
    st: &AppState,
    user: &CurrentUser,
    ticket_id: i64,
    macro_id: i64,
) -> Result<(), AppError> {
    let m = st
        .db
        .macros()
        .get(macro_id)
        .await?
        .ok_or_else(|| AppError::malformed("macro", "no such macro"))?;
    let (language, ctx) = context(st, user, ticket_id).await?;
    let text = render_macro(m.body_for(&language), &ctx);
    // Names are long enough to push a filled-in macro over the message limit.
    let body = MessageBody::parse(&text).map_err(|e| AppError::validation("macro", e))?;
    match m.set_status {
        None => tickets::reply_with(st, user, ticket_id, &body, Staged::new(&st.files)).await,
        Some(TicketStatus::AwaitingFeedback) => {
            tickets::request_info(st, user, ticket_id, &body).await
        }
        Some(_) => tickets::answer_and_close(st, user, ticket_id, &body).await,
    }
}
