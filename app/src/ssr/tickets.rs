//! Ticket rules on the server: who may see and change which ticket, and how.
use super::auth::{fail, internal, require_desk_user, state};
use super::db::{now_ms, TicketChange, TicketHead};
use crate::domain::{
    parse_language, Actor, CurrentUser, Description, EntryKind, MessageBody, TicketDetail,
    TicketStatus, TicketTitle,
};
use crate::error::AppError;

fn invalid(field: &str) -> impl Fn(String) -> AppError + '_ {
    move |msg| fail(AppError::validation(field, msg))
}

/// The ticket if this person may see it. Another member's ticket is "not found", exactly like a
/// ticket that does not exist, so ids reveal nothing.
async fn head_for(user: &CurrentUser, id: i64) -> Result<TicketHead, AppError> {
    let head = state().db.tickets().head(id).await.map_err(internal)?;
    match head {
        Some(h) if user.role.is_staff() || h.member_id == user.id => Ok(h),
        _ => Err(fail(AppError::NotFound)),
    }
}

fn actor(user: &CurrentUser) -> Actor {
    if user.role.is_staff() {
        Actor::Staff
    } else {
        Actor::Owner
    }
}

fn require_staff_user(user: &CurrentUser) -> Result<(), AppError> {
    if user.role.is_staff() {
        Ok(())
    } else {
        Err(fail(AppError::Forbidden))
    }
}

async fn apply(
    user: &CurrentUser,
    id: i64,
    entry: Option<(EntryKind, &str)>,
    transition: Option<(TicketStatus, TicketStatus)>,
) -> Result<(), AppError> {
    if let Some((from, to)) = transition {
        from.transition(to, actor(user)).map_err(|e| {
            fail(AppError::IllegalTransition {
                from: e.from,
                to: e.to,
            })
        })?;
    }
    let change = TicketChange {
        ticket_id: id,
        actor_id: user.id,
        entry,
        transition,
        at: now_ms(),
    };
    let applied = state()
        .db
        .tickets()
        .apply(&change)
        .await
        .map_err(internal)?;
    if applied {
        Ok(())
    } else {
        // Someone else moved it first; report against what it is now.
        let now = state().db.tickets().head(id).await.map_err(internal)?;
        let from = now.map(|h| h.status).unwrap_or(TicketStatus::Closed);
        let to = transition.map(|(_, to)| to).unwrap_or(from);
        Err(fail(AppError::IllegalTransition { from, to }))
    }
}

pub async fn submit(title: &str, language: &str, description: &str) -> Result<i64, AppError> {
    let user = require_desk_user().await?;
    if user.role.is_staff() {
        return Err(fail(AppError::Forbidden));
    }
    let title = TicketTitle::parse(title).map_err(invalid("title"))?;
    let language = parse_language(language).map_err(invalid("language"))?;
    let description = Description::parse(description).map_err(invalid("description"))?;
    state()
        .db
        .tickets()
        .create(
            user.id,
            title.as_str(),
            language,
            description.as_str(),
            now_ms(),
        )
        .await
        .map_err(internal)
}

pub async fn detail(id: i64) -> Result<TicketDetail, AppError> {
    let user = require_desk_user().await?;
    head_for(&user, id).await?;
    let detail = state()
        .db
        .tickets()
        .detail(id, user.role.is_staff())
        .await
        .map_err(internal)?;
    detail.ok_or_else(|| fail(AppError::NotFound))
}

/// A reply. The member's answer sends an Awaiting Feedback issue back to the team, and a reply
/// to a recently closed issue reopens it.
pub async fn reply(id: i64, body: &str) -> Result<(), AppError> {
    let user = require_desk_user().await?;
    let head = head_for(&user, id).await?;
    let body = MessageBody::parse(body).map_err(invalid("body"))?;
    let transition = match (actor(&user), head.status) {
        (Actor::Owner, TicketStatus::AwaitingFeedback) => Some((head.status, TicketStatus::Open)),
        (Actor::Owner, TicketStatus::Closed) => {
            let window = state().config.reopen_window.as_millis() as i64;
            let closed_at = head.closed_at.unwrap_or(0);
            if now_ms() - closed_at > window {
                return Err(fail(AppError::validation(
                    "body",
                    "this issue was closed too long ago to reopen; please submit a new tech issue",
                )));
            }
            Some((head.status, TicketStatus::Open))
        }
        (Actor::Staff, TicketStatus::Closed) => {
            return Err(fail(AppError::IllegalTransition {
                from: TicketStatus::Closed,
                to: TicketStatus::Closed,
            }))
        }
        _ => None,
    };
    apply(
        &user,
        id,
        Some((EntryKind::Message, body.as_str())),
        transition,
    )
    .await
}

pub async fn close(id: i64) -> Result<(), AppError> {
    let user = require_desk_user().await?;
    let head = head_for(&user, id).await?;
    apply(&user, id, None, Some((head.status, TicketStatus::Closed))).await
}

pub async fn reopen(id: i64) -> Result<(), AppError> {
    let user = require_desk_user().await?;
    require_staff_user(&user)?;
    let head = head_for(&user, id).await?;
    apply(&user, id, None, Some((head.status, TicketStatus::Open))).await
}

/// The agent asks the member something: the question is stored and the ticket waits for them.
pub async fn request_info(id: i64, question: &str) -> Result<(), AppError> {
    let user = require_desk_user().await?;
    require_staff_user(&user)?;
    let head = head_for(&user, id).await?;
    let question = MessageBody::parse(question).map_err(invalid("question"))?;
    let transition = Some((head.status, TicketStatus::AwaitingFeedback));
    apply(
        &user,
        id,
        Some((EntryKind::Question, question.as_str())),
        transition,
    )
    .await
}

pub async fn add_note(id: i64, body: &str) -> Result<(), AppError> {
    let user = require_desk_user().await?;
    require_staff_user(&user)?;
    head_for(&user, id).await?;
    let body = MessageBody::parse(body).map_err(invalid("body"))?;
    apply(&user, id, Some((EntryKind::Note, body.as_str())), None).await
}
