//! Who handles a ticket and how urgent it is: take, assign, unassign, priority. Staff only (the
//! callers guard with `Access::Staff`); every change is audited and announced live.
use super::db::{now_ms, Assigned};
use super::state::AppState;
use crate::domain::{
    CurrentUser, LiveEvent, Priority, StaffMember, TicketDesk, TicketStatus, Viewer,
};
use crate::error::AppError;

/// Everyone who may hold tickets, with their load and presence.
pub async fn staff(st: &AppState) -> Result<Vec<StaffMember>, AppError> {
    let online_since = now_ms() - super::chat::ONLINE_WINDOW_MS;
    Ok(st.db.tickets().staff(online_since).await?)
}

/// The staff-only part of a ticket page.
pub async fn handling(
    st: &AppState,
    user: &CurrentUser,
    id: i64,
    status: TicketStatus,
) -> Result<TicketDesk, AppError> {
    let (clocks, assignee_id) = st
        .db
        .tickets()
        .handling(id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(TicketDesk {
        assignee_id,
        sla: clocks.view(status, &st.desk().sla),
        staff: staff(st).await?,
        now: now_ms(),
        viewer_id: user.id,
        macros: super::macros::for_ticket(st, user, id).await?,
        viewers: st
            .db
            .viewers()
            .others(id, user.id, now_ms() - VIEWER_WINDOW_MS)
            .await?,
    })
}

/// How long a page's last "I have it open" counts. The page says so every 10 s.
pub const VIEWER_WINDOW_MS: i64 = 30_000;

/// The staff member has the ticket open (and is typing an answer, or not). Other staff on the
/// ticket hear of it when that changes what they should see. Returns who else has it open now,
/// so a page that only sends heartbeats still drops someone who closed their tab.
pub async fn touch(
    st: &AppState,
    user: &CurrentUser,
    id: i64,
    replying: bool,
) -> Result<Vec<Viewer>, AppError> {
    st.db.tickets().head(id).await?.ok_or(AppError::NotFound)?;
    let now = now_ms();
    let viewers = st.db.viewers();
    if viewers
        .touch(id, user.id, replying, now, now - VIEWER_WINDOW_MS)
        .await?
    {
        st.hub.publish(LiveEvent::Viewers { ticket_id: id }).await;
    }
    Ok(viewers.others(id, user.id, now - VIEWER_WINDOW_MS).await?)
}

async fn announce(st: &AppState, id: i64) -> Result<(), AppError> {
    let head = st.db.tickets().head(id).await?.ok_or(AppError::NotFound)?;
    st.hub
        .publish(LiveEvent::Ticket {
            ticket_id: id,
            member_id: head.member_id,
        })
        .await;
    Ok(())
}

/// The agent takes an unassigned ticket (or keeps their own). Someone else's is a conflict that
/// names them, so the agent knows whom to ask.
pub async fn take(st: &AppState, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    match st
        .db
        .tickets()
        .assign(id, Some(user.id), user.id, true, now_ms())
        .await?
    {
        Assigned::Done { .. } => announce(st, id).await,
        Assigned::TakenBy(holder) => {
            let holder = st.db.users().by_id(holder).await?;
            Err(AppError::TakenBy {
                by: holder.map(|u| u.display_name).unwrap_or_default(),
            })
        }
        Assigned::NoTicket => Err(AppError::NotFound),
    }
}

/// Gives the ticket to a staff member, or to nobody. Only active staff can hold tickets.
pub async fn assign(
    st: &AppState,
    user: &CurrentUser,
    id: i64,
    to: Option<i64>,
) -> Result<(), AppError> {
    if let Some(agent) = to {
        check_assignee(st, agent).await?;
    }
    match st
        .db
        .tickets()
        .assign(id, to, user.id, false, now_ms())
        .await?
    {
        Assigned::Done { .. } => announce(st, id).await,
        Assigned::TakenBy(_) | Assigned::NoTicket => Err(AppError::NotFound),
    }
}

/// Only active staff can hold tickets.
pub async fn check_assignee(st: &AppState, agent: i64) -> Result<(), AppError> {
    let holder = st.db.users().by_id(agent).await?;
    if holder.is_some_and(|u| u.role.is_staff()) {
        Ok(())
    } else {
        Err(AppError::malformed(
            "assignee",
            "not an active member of the IT team",
        ))
    }
}

pub async fn set_priority(
    st: &AppState,
    user: &CurrentUser,
    id: i64,
    priority: Priority,
) -> Result<(), AppError> {
    let desk = st.desk();
    st.db
        .tickets()
        .set_priority(id, priority, user.id, &desk.sla, now_ms())
        .await?
        .ok_or(AppError::NotFound)?;
    announce(st, id).await
}
