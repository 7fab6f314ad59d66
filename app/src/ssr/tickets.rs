//! Ticket rules on the server: who may see and change which ticket, and how. Plain functions of
//! the state, the person (already resolved by the caller's guard) and parsed input.
use std::collections::HashMap;

use super::db::{now_ms, Applied, NewTicket, SearchScope, TicketChange, TicketHead};
use super::state::AppState;
use super::uploads::{read_form, Gate, Staged, UploadForm};
use crate::domain::{
    parse_language, Actor, AgentQueue, CurrentUser, Description, EntryKind, Invalid, LiveEvent,
    MessageBody, NoticeKind, QueueFilter, SearchTerms, TicketDetail, TicketStatus, TicketTitle,
};
use crate::error::AppError;

fn invalid(field: &str) -> impl Fn(Invalid) -> AppError + '_ {
    move |msg| AppError::validation(field, msg)
}

/// The ticket if this person may see it. Another member's ticket is "not found", exactly like a
/// ticket that does not exist, so ids reveal nothing.
pub async fn head_for(st: &AppState, user: &CurrentUser, id: i64) -> Result<TicketHead, AppError> {
    match st.db.tickets().head(id).await? {
        Some(h) if user.role.is_staff() || h.member_id == user.id => Ok(h),
        _ => Err(AppError::NotFound),
    }
}

fn actor(user: &CurrentUser) -> Actor {
    if user.role.is_staff() {
        Actor::Staff
    } else {
        Actor::Owner
    }
}

/// Reads a multipart request through the upload pipeline with this server's limits. Before its
/// first file is read, the person's upload rate and quota are checked, and (for a reply) that
/// they may write to the ticket named in the `id` field that precedes the files.
async fn upload_form(
    st: &AppState,
    user: &CurrentUser,
    data: server_fn::codec::MultipartData,
    needs_ticket: bool,
) -> Result<UploadForm, AppError> {
    let Some(multipart) = data.into_inner() else {
        return Err(AppError::malformed("form", "expected a form upload"));
    };
    let gate: Gate<'_> = Box::new(move |fields: &HashMap<String, String>| {
        let id = fields.get("id").and_then(|v| v.trim().parse::<i64>().ok());
        Box::pin(async move {
            if needs_ticket {
                head_for(st, user, id.unwrap_or(0)).await?;
            }
            super::quota::allowance(st, user).await
        })
    });
    read_form(multipart, st.config.upload_limits, &st.files, gate).await
}

/// Moves committed files into place and tells the hub.
async fn finish(st: &AppState, staged: Option<Staged>, ticket_id: i64, member_id: i64) {
    if let Some(staged) = staged {
        staged.promote().await;
    }
    st.mail.wake();
    st.hub
        .publish(LiveEvent::Ticket {
            ticket_id,
            member_id,
        })
        .await;
}

/// One change with no files; a status that moved under it is reported against what it is now.
async fn apply(
    st: &AppState,
    user: &CurrentUser,
    head: &TicketHead,
    entry: Option<(EntryKind, &str)>,
    transition: Option<(TicketStatus, TicketStatus)>,
) -> Result<(), AppError> {
    if store(st, user, head, entry, None, transition).await? {
        finish(st, None, head.id, head.member_id).await;
        return Ok(());
    }
    let now = st.db.tickets().head(head.id).await?;
    let from = now.map(|h| h.status).unwrap_or(TicketStatus::Closed);
    let to = transition.map(|(_, to)| to).unwrap_or(from);
    Err(AppError::IllegalTransition { from, to })
}

/// Writes one change; false (nothing written) when the ticket's status moved under it.
async fn store(
    st: &AppState,
    user: &CurrentUser,
    head: &TicketHead,
    entry: Option<(EntryKind, &str)>,
    staged: Option<&Staged>,
    transition: Option<(TicketStatus, TicketStatus)>,
) -> Result<bool, AppError> {
    if let Some((from, to)) = transition {
        from.transition(to, actor(user))
            .map_err(|e| AppError::IllegalTransition {
                from: e.from,
                to: e.to,
            })?;
    }
    let files = staged.map(Staged::rows).unwrap_or_default();
    let desk = st.desk();
    let change = TicketChange {
        ticket_id: head.id,
        actor_id: user.id,
        entry,
        files: &files,
        transition,
        expect: transition.is_none().then_some(head.status),
        quota: quota_of(st, user),
        notice: notice_for(st, user, entry.map(|(kind, _)| kind), transition),
        at: now_ms(),
        by_staff: user.role.is_staff(),
        sla: Some(&desk.sla),
        audit: user.role.is_staff(),
    };
    match st.db.tickets().apply(&change).await? {
        Applied::Done => Ok(true),
        Applied::Moved => Ok(false),
        Applied::OverQuota => Err(over_quota()),
    }
}

/// Who a change tells outside the app. Internal notes tell nobody; a member closing their own
/// ticket needs no email about it.
fn notice_for(
    st: &AppState,
    user: &CurrentUser,
    entry: Option<EntryKind>,
    transition: Option<(TicketStatus, TicketStatus)>,
) -> Option<NoticeKind> {
    let closing = matches!(transition, Some((_, TicketStatus::Closed)));
    match (actor(user), entry) {
        (Actor::Staff, Some(EntryKind::Question)) => Some(NoticeKind::Question),
        (Actor::Staff, Some(EntryKind::Message)) => Some(NoticeKind::Reply),
        (Actor::Staff, None) if closing => Some(NoticeKind::Closed),
        (Actor::Owner, Some(EntryKind::Message)) if st.config.notify_staff => {
            Some(NoticeKind::MemberAnswer)
        }
        _ => None,
    }
}

/// The storage quota the person's files are held to (staff have none).
fn quota_of(st: &AppState, user: &CurrentUser) -> Option<u64> {
    (!user.role.is_staff()).then_some(st.config.storage_quota_bytes)
}

fn over_quota() -> AppError {
    AppError::validation("files", Invalid::QuotaExceeded)
}

/// A new ticket with its first files, stored together or not at all (members only: the caller
/// guards with `Access::Member`).
pub async fn submit(
    st: &AppState,
    user: &CurrentUser,
    data: server_fn::codec::MultipartData,
) -> Result<i64, AppError> {
    let form = upload_form(st, user, data, false).await?;
    let title = TicketTitle::parse(form.text("title")).map_err(invalid("title"))?;
    let language = parse_language(form.text("language")).map_err(invalid("language"))?;
    let description =
        Description::parse(form.text("description")).map_err(invalid("description"))?;
    let files = form.staged.rows();
    let new_ticket_notice = st.config.notify_staff.then_some(NoticeKind::NewTicket);
    let desk = st.desk();
    let new = NewTicket {
        member_id: user.id,
        title: &title,
        language,
        description: &description,
        priority: desk.sla.policy.priority_for(user.tier),
        sla: Some(&desk.sla),
        auto_assign: desk.settings.assignment.automatic.then(|| {
            let online_since = now_ms() - super::chat::ONLINE_WINDOW_MS;
            (online_since, desk.settings.assignment.cap)
        }),
    };
    let id = form
        .staged
        .commit(async {
            let created = st
                .db
                .tickets()
                .create(
                    &new,
                    &files,
                    quota_of(st, user),
                    new_ticket_notice,
                    now_ms(),
                )
                .await?;
            created.map_err(|_| over_quota())
        })
        .await?;
    drop(files);
    finish(st, Some(form.staged), id, user.id).await;
    Ok(id)
}

pub async fn detail(st: &AppState, user: &CurrentUser, id: i64) -> Result<TicketDetail, AppError> {
    head_for(st, user, id).await?;
    let mut detail = st
        .db
        .tickets()
        .detail(id, user.role.is_staff())
        .await?
        .ok_or(AppError::NotFound)?;
    if detail.summary.status == TicketStatus::AwaitingFeedback {
        // Counted like the scheduler counts: from the move into Awaiting Feedback.
        let since = detail.timeline.iter().rev().find_map(|item| match item {
            crate::domain::TimelineItem::Status {
                to: TicketStatus::AwaitingFeedback,
                at,
                ..
            } => Some(*at),
            _ => None,
        });
        let wait = st.desk().settings.general.auto_close_after().as_millis() as i64;
        detail.closes_at = since.map(|at| at + wait);
    }
    if user.role.is_staff() {
        detail.desk = Some(super::ownership::handling(st, user, id, detail.summary.status).await?);
    }
    Ok(detail)
}

/// A reply with files (multipart: id, body, files).
pub async fn reply(
    st: &AppState,
    user: &CurrentUser,
    data: server_fn::codec::MultipartData,
) -> Result<(), AppError> {
    let form = upload_form(st, user, data, true).await?;
    let id = form.text("id").trim().parse::<i64>().unwrap_or(0);
    let body = MessageBody::parse(form.text("body")).map_err(invalid("body"))?;
    reply_with(st, user, id, &body, form.staged).await
}

/// A reply whose files are already checked and staged (a form, or an email's attachments).
pub async fn reply_with(
    st: &AppState,
    user: &CurrentUser,
    id: i64,
    body: &MessageBody,
    staged: Staged,
) -> Result<(), AppError> {
    // What the reply does depends on the status; if that moves while the reply is written (the
    // agent closes it that very moment), decide again on the new status.
    for _ in 0..3 {
        let head = head_for(st, user, id).await?;
        let transition = reply_transition(st, user, &head)?;
        let entry = Some((EntryKind::Message, body.as_str()));
        let stored = store(st, user, &head, entry, Some(&staged), transition);
        if staged.commit(stored).await? {
            finish(st, Some(staged), id, head.member_id).await;
            return Ok(());
        }
    }
    staged.discard().await;
    Err(AppError::Conflict {
        message: "the issue keeps changing; reload it and send again".into(),
    })
}

/// The status move a reply makes: a member's answer sends Awaiting Feedback back to the team,
/// and a reply to a recently closed issue reopens it.
fn reply_transition(
    st: &AppState,
    user: &CurrentUser,
    head: &TicketHead,
) -> Result<Option<(TicketStatus, TicketStatus)>, AppError> {
    Ok(match (actor(user), head.status) {
        (Actor::Owner, TicketStatus::AwaitingFeedback) => Some((head.status, TicketStatus::Open)),
        (Actor::Owner, TicketStatus::Closed) => {
            let window = st.config.reopen_window.as_millis() as i64;
            let closed_at = head.closed_at.unwrap_or(0);
            if now_ms() - closed_at > window {
                return Err(AppError::validation("body", Invalid::TooLateToReopen));
            }
            Some((head.status, TicketStatus::Open))
        }
        (Actor::Staff, TicketStatus::Closed) => {
            return Err(AppError::IllegalTransition {
                from: TicketStatus::Closed,
                to: TicketStatus::Closed,
            })
        }
        _ => None,
    })
}

pub async fn close(st: &AppState, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let head = head_for(st, user, id).await?;
    let to_closed = Some((head.status, TicketStatus::Closed));
    apply(st, user, &head, None, to_closed).await
}

/// Staff only: a last public answer and the closing, in one change (a macro that closes).
pub async fn answer_and_close(
    st: &AppState,
    user: &CurrentUser,
    id: i64,
    body: &MessageBody,
) -> Result<(), AppError> {
    let head = head_for(st, user, id).await?;
    let entry = Some((EntryKind::Message, body.as_str()));
    apply(
        st,
        user,
        &head,
        entry,
        Some((head.status, TicketStatus::Closed)),
    )
    .await
}

/// Staff only (the caller guards with `Access::Staff`), like the three below.
pub async fn reopen(st: &AppState, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let head = head_for(st, user, id).await?;
    let to_open = Some((head.status, TicketStatus::Open));
    apply(st, user, &head, None, to_open).await
}

/// The agent asks the member something: the question is stored and the ticket waits for them.
pub async fn request_info(
    st: &AppState,
    user: &CurrentUser,
    id: i64,
    question: &MessageBody,
) -> Result<(), AppError> {
    let head = head_for(st, user, id).await?;
    let transition = Some((head.status, TicketStatus::AwaitingFeedback));
    let entry = Some((EntryKind::Question, question.as_str()));
    apply(st, user, &head, entry, transition).await
}

pub async fn add_note(
    st: &AppState,
    user: &CurrentUser,
    id: i64,
    body: &MessageBody,
) -> Result<(), AppError> {
    let head = head_for(st, user, id).await?;
    let entry = Some((EntryKind::Note, body.as_str()));
    apply(st, user, &head, entry, None).await
}

/// The agent queue. At most 200 rows: filters narrow it further.
pub async fn queue(
    st: &AppState,
    user: &CurrentUser,
    filter: &QueueFilter,
) -> Result<AgentQueue, AppError> {
    let hits = match &filter.search {
        Some(text) => Some(search(st, text, SearchScope::Staff).await?),
        None => None,
    };
    let mut queue = st
        .db
        .tickets()
        .queue(filter, user.id, 200, hits.as_deref())
        .await?;
    queue.warn_ms = st.desk().settings.sla.warn_minutes as i64 * 60_000;
    queue.staff = super::ownership::staff(st).await?;
    Ok(queue)
}

/// The member's own tickets, grouped by status; with a search, only those it finds.
pub async fn lists(
    st: &AppState,
    user: &CurrentUser,
    search_text: &str,
) -> Result<crate::domain::TicketLists, AppError> {
    let mut rows = st.db.tickets().list_for_member(user.id).await?;
    if !search_text.trim().is_empty() {
        let hits: std::collections::HashSet<i64> =
            search(st, search_text, SearchScope::Member(user.id))
                .await?
                .into_iter()
                .collect();
        rows.retain(|r| hits.contains(&r.id));
    }
    Ok(crate::domain::TicketLists::from_rows(rows))
}

/// Tickets matching `text` within `scope`, best first; text with no words in it finds nothing.
async fn search(st: &AppState, text: &str, scope: SearchScope) -> Result<Vec<i64>, AppError> {
    match SearchTerms::parse(text) {
        Some(terms) => Ok(st.db.search().tickets(&terms, scope).await?),
        None => Ok(vec![]),
    }
}
