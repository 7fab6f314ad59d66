//! The agent's tools in a chat: canned answers filled in for it, and passing it to another
//! online agent. Only the chat's own agent may use them (`head_for` refuses anyone else).
use super::chat::{announce, head_for, ONLINE_WINDOW_MS};
use super::db::{now_ms, TransferOutcome};
use super::state::AppState;
use crate::domain::{render_macro, ChatStatus, ChatTools, CurrentUser, MacroContext, TicketMacro};
use crate::error::AppError;

/// Answer-only macros (one that asks or closes moves a ticket; a chat has no such status), in
/// the chat's language with its member's name; and the other agents online now.
pub async fn tools(st: &AppState, user: &CurrentUser, id: i64) -> Result<ChatTools, AppError> {
    let head = head_for(st, user, id).await?;
    let ctx = MacroContext {
        member_name: head.member_name.clone(),
        ticket_number: None,
        ticket_title: head.question.clone(),
        agent_name: user.display_name.clone(),
    };
    let macros = super::macros::list(st)
        .await?
        .into_iter()
        .filter(|m| m.set_status.is_none())
        .map(|m| TicketMacro {
            text: render_macro(m.body_for(&head.language), &ctx),
            id: m.id,
            name: m.name,
            set_status: None,
        })
        .collect();
    let agents = super::ownership::staff(st)
        .await?
        .into_iter()
        .filter(|a| a.online && a.id != user.id)
        .collect();
    Ok(ChatTools { macros, agents })
}

/// Passes the chat to agent `to`. The member stays in the same chat and is told; the first
/// agent's page loses it at once (its socket is refused on the next event).
pub async fn transfer(st: &AppState, user: &CurrentUser, id: i64, to: i64) -> Result<(), AppError> {
    let head = head_for(st, user, id).await?;
    if head.status != ChatStatus::Active {
        return Err(AppError::ChatEnded);
    }
    if to == user.id {
        return Err(AppError::malformed("to", "the chat is already yours"));
    }
    super::ownership::check_assignee(st, to).await?;
    let cap = st.desk().settings.general.chat_agent_cap;
    let now = now_ms();
    let outcome = st
        .db
        .chats()
        .transfer(id, (user.id, to), cap, now - ONLINE_WINDOW_MS, now)
        .await?;
    let refused = |message: &str| {
        Err(AppError::Conflict {
            message: message.into(),
        })
    };
    match outcome {
        TransferOutcome::Transferred => {}
        TransferOutcome::NotOnline => return refused("that agent is not online"),
        TransferOutcome::AtCap => return refused("that agent has as many chats as they may"),
        TransferOutcome::NotYours => return Err(AppError::ChatEnded),
    }
    if let Some(head) = st.db.chats().head(id).await? {
        announce(st, &head, true).await;
    }
    Ok(())
}
