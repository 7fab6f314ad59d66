//! Ticket rules on the server: who may see and change which ticket, and how.
use super::auth::{fail, internal, require_desk_user, state};
use super::db::{now_ms, TicketChange, TicketHead};
use super::uploads::{read_form, Staged, UploadForm};
use crate::domain::{
    parse_language, Actor, AgentQueue, CurrentUser, Description, EntryKind, Invalid, LiveEvent,
    MessageBody, QueueFilter, TicketDetail, TicketStatus, TicketTitle,
};
use crate::error::AppError;

fn invalid(field: &str) -> impl Fn(Invalid) -> AppError + '_ {
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

/// Reads a multipart request through the upload pipeline with this server's limits. Before its
/// first file is read, the person's upload rate and quota are checked, and (for a reply) that
/// they may write to the ticket named in the `id` field that precedes the files.
async fn upload_form(
    data: server_fn::codec::MultipartData,
    user: &CurrentUser,
    needs_ticket: bool,
) -> Result<UploadForm, AppError> {
    let Some(multipart) = data.into_inner() else {
        return Err(fail(AppError::malformed("form", "expected a form upload")));
    };
    let st = state();
    let gate = {
        let (st, user) = (st.clone(), user.clone());
        Box::new(move |fields: &std::collections::HashMap<String, String>| {
            let id = fields.get("id").and_then(|v| v.trim().parse::<i64>().ok());
            Box::pin(async move {
                if needs_ticket {
                    head_for(&user, id.unwrap_or(0)).await?;
                }
                super::uploads::allowance(&st, &user).await
            }) as futures::future::BoxFuture<'static, Result<u64, AppError>>
        }) as super::uploads::Gate<'static>
    };
    read_form(multipart, st.config.upload_limits, &st.files, gate)
        .await
        .map_err(fail)
}

/// Moves committed files into place and tells the hub.
async fn finish(staged: Option<Staged>, ticket_id: i64, member_id: i64) -> Result<(), AppError> {
    if let Some(staged) = staged {
        staged.promote();
    }
    state()
        .hub
        .publish(LiveEvent::Ticket {
            ticket_id,
            member_id,
        })
        .await;
    Ok(())
}

async fn apply(
    user: &CurrentUser,
    head: &TicketHead,
    entry: Option<(EntryKind, &str)>,
    staged: Option<Staged>,
    transition: Option<(TicketStatus, TicketStatus)>,
) -> Result<(), AppError> {
    match store(user, head, entry, staged.as_ref(), transition).await? {
        true => finish(staged, head.id, head.member_id).await,
        false => {
            // Someone else moved it first; report against what it is now.
            let now = state().db.tickets().head(head.id).await.map_err(internal)?;
            let from = now.map(|h| h.status).unwrap_or(TicketStatus::Closed);
            let to = transition.map(|(_, to)| to).unwrap_or(from);
            Err(fail(AppError::IllegalTransition { from, to }))
        }
    }
}

/// Writes one change; false (nothing written) when the ticket's status moved under it.
async fn store(
    user: &CurrentUser,
    head: &TicketHead,
    entry: Option<(EntryKind, &str)>,
    staged: Option<&Staged>,
    transition: Option<(TicketStatus, TicketStatus)>,
) -> Result<bool, AppError> {
    let id = head.id;
    if let Some((from, to)) = transition {
        from.transition(to, actor(user)).map_err(|e| {
            fail(AppError::IllegalTransition {
                from: e.from,
                to: e.to,
            })
        })?;
    }
    let files = staged.map(Staged::rows).unwrap_or_default();
    let change = TicketChange {
        ticket_id: id,
        actor_id: user.id,
        entry,
        files: &files,
        transition,
        expect: transition.is_none().then_some(head.status),
        at: now_ms(),
    };
    state().db.tickets().apply(&change).await.map_err(internal)
}

/// A new ticket with its first files, stored together or not at all.
pub async fn submit(data: server_fn::codec::MultipartData) -> Result<i64, AppError> {
    let user = require_desk_user().await?;
    if user.role.is_staff() {
        return Err(fail(AppError::Forbidden));
    }
    let form = upload_form(data, &user, false).await?;
    let title = TicketTitle::parse(form.text("title")).map_err(invalid("title"))?;
    let language = parse_language(form.text("language")).map_err(invalid("language"))?;
    let description =
        Description::parse(form.text("description")).map_err(invalid("description"))?;
    let files = form.staged.rows();
    let id = state()
        .db
        .tickets()
        .create(
            user.id,
            title.as_str(),
            language,
            description.as_str(),
            &files,
            now_ms(),
        )
        .await
        .map_err(internal)?;
    drop(files);
    finish(Some(form.staged), id, user.id).await?;
    Ok(id)
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
pub async fn reply(data: server_fn::codec::MultipartData) -> Result<(), AppError> {
    let user = require_desk_user().await?;
    let form = upload_form(data, &user, true).await?;
    let id = form.text("id").trim().parse::<i64>().unwrap_or(0);
    let body = MessageBody::parse(form.text("body")).map_err(invalid("body"))?;
    // What the reply does depends on the status; if that moves while the reply is written (the
    // agent closes it that very moment), decide again on the new status.
    for _ in 0..3 {
        let head = head_for(&user, id).await?;
        let transition = reply_transition(&user, &head)?;
        let entry = Some((EntryKind::Message, body.as_str()));
        if store(&user, &head, entry, Some(&form.staged), transition).await? {
            return finish(Some(form.staged), id, head.member_id).await;
        }
    }
    Err(fail(AppError::Conflict {
        message: "the issue keeps changing; reload it and send again".into(),
    }))
}

/// The status move a reply makes: a member's answer sends Awaiting Feedback back to the team,
/// and a reply to a recently closed issue reopens it.
fn reply_transition(
    user: &CurrentUser,
    head: &TicketHead,
) -> Result<Option<(TicketStatus, TicketStatus)>, AppError> {
    Ok(match (actor(user), head.status) {
        (Actor::Owner, TicketStatus::AwaitingFeedback) => Some((head.status, TicketStatus::Open)),
        (Actor::Owner, TicketStatus::Closed) => {
            let window = state().config.reopen_window.as_millis() as i64;
            let closed_at = head.closed_at.unwrap_or(0);
            if now_ms() - closed_at > window {
                return Err(fail(AppError::validation("body", Invalid::TooLateToReopen)));
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
    })
}

pub async fn close(id: i64) -> Result<(), AppError> {
    let user = require_desk_user().await?;
    let head = head_for(&user, id).await?;
    let to_closed = Some((head.status, TicketStatus::Closed));
    apply(&user, &head, None, None, to_closed).await
}

pub async fn reopen(id: i64) -> Result<(), AppError> {
    let user = require_desk_user().await?;
    require_staff_user(&user)?;
    let head = head_for(&user, id).await?;
    let to_open = Some((head.status, TicketStatus::Open));
    apply(&user, &head, None, None, to_open).await
}

/// The agent asks the member something: the question is stored and the ticket waits for them.
pub async fn request_info(id: i64, question: &str) -> Result<(), AppError> {
    let user = require_desk_user().await?;
    require_staff_user(&user)?;
    let head = head_for(&user, id).await?;
    let question = MessageBody::parse(question).map_err(invalid("question"))?;
    let transition = Some((head.status, TicketStatus::AwaitingFeedback));
    let entry = Some((EntryKind::Question, question.as_str()));
    apply(&user, &head, entry, None, transition).await
}

pub async fn add_note(id: i64, body: &str) -> Result<(), AppError> {
    let user = require_desk_user().await?;
    require_staff_user(&user)?;
    let head = head_for(&user, id).await?;
    let body = MessageBody::parse(body).map_err(invalid("body"))?;
    apply(
        &user,
        &head,
        Some((EntryKind::Note, body.as_str())),
        None,
        None,
    )
    .await
}

/// The agent queue (staff only). At most 200 rows: filters narrow it further.
pub async fn queue(
    status: &str,
    language: &str,
    tier: &str,
    search: &str,
) -> Result<(CurrentUser, AgentQueue), AppError> {
    let user = require_desk_user().await?;
    require_staff_user(&user)?;
    let filter = QueueFilter::parse(status, language, tier, search)
        .map_err(|e| fail(AppError::malformed("filter", e)))?;
    let queue = state()
        .db
        .tickets()
        .queue(&filter, 200)
        .await
        .map_err(internal)?;
    Ok((user, queue))
}
