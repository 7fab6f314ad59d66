use sqlx::AnyPool;

use super::attachments::{within_quota, OverQuota};
use super::outbox::{enqueue, Notice};
use super::rows::{
    self, DetailRow, EntryRow, EventRow, HeadRow, MessageFileRow, QueueRowRaw, StatusCountRow,
    SummaryRow,
};

use std::collections::HashMap;

use crate::domain::{
    AgentQueue, AttachmentInfo, ConversationEntry, Description, EntryKind, FileKind, NoticeKind,
    Priority, QueueFilter, TicketDetail, TicketStatus, TicketSummary, TicketTitle, TimelineItem,
};
use crate::ssr::sla::{SlaEvent, SlaRules, SlaState};

/// A checked, staged file about to be recorded with a ticket or a message.
pub struct NewAttachment<'a> {
    pub sha256: &'a str,
    pub file_name: &'a str,
    pub kind: FileKind,
    pub size: i64,
}

pub struct TicketRepo<'a>(pub &'a AnyPool);

/// What a member files: parsed all the way down to the SQL.
pub struct NewTicket<'a> {
    pub member_id: i64,
    pub title: &'a TicketTitle,
    pub language: &'a str,
    pub description: &'a Description,
    pub priority: Priority,
    /// The clocks to start (`None`: a ticket without service targets).
    pub sla: Option<&'a SlaRules>,
    /// Round robin: agents seen online since then, holding fewer than this many tickets.
    pub auto_assign: Option<(i64, u32)>,
}

/// A ticket with its whole status history (the demo seed, a chat's transcript).
pub struct NewTicketSeed<'a> {
    pub member_id: i64,
    pub title: &'a str,
    pub language: &'a str,
    pub description: &'a str,
    /// `(actor, to_status, at)` in order; the first entry opens the ticket.
    pub history: Vec<(i64, TicketStatus, i64)>,
    pub priority: Priority,
    pub sla: Option<&'a SlaRules>,
    /// When the team already answered (a chat with an agent becoming a ticket).
    pub answered_at: Option<i64>,
}

impl TicketRepo<'_> {
    /// The member's own tickets with the dates read from the status history.
    /// Newest first; `TicketLists::from_rows` orders the closed list by closing date.
    #[tracing::instrument(skip_all, err)]
    pub async fn list_for_member(&self, member_id: i64) -> Result<Vec<TicketSummary>, sqlx::Error> {
        let rows: Vec<SummaryRow> = sqlx::query_as(
            "select t.id, t.title, t.language, t.status, \
               (select min(e.at) from ticket_events e where e.ticket_id = t.id) as opened_at, \
               (select max(e.at) from ticket_events e \
                  where e.ticket_id = t.id and e.to_status = 'closed') as closed_at, \
               (select m.body from ticket_messages m where m.ticket_id = t.id \
                  and m.kind = 'question' order by m.id desc limit 1) as question \
             from tickets t where t.member_id = $1 \
             order by t.id desc",
        )
        .bind(member_id)
        .fetch_all(self.0)
        .await?;
        rows::all(rows)
    }

    /// Stores a ticket and its history in one transaction; the status is the last one given.
    #[tracing::instrument(skip_all, err)]
    pub async fn insert_with_history(&self, t: &NewTicketSeed<'_>) -> Result<i64, sqlx::Error> {
        self.insert_with_files(t, &[]).await
    }

    /// The ticket, its history and the files sent with its description, all or nothing.
    async fn insert_with_files(
        &self,
        t: &NewTicketSeed<'_>,
        files: &[NewAttachment<'_>],
    ) -> Result<i64, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        let id = insert_ticket(&mut tx, t, files).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// Writes a ticket, its history and its first files inside the caller's transaction (a chat
/// becoming a ticket ends the chat in the same one).
pub(super) async fn insert_ticket(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    t: &NewTicketSeed<'_>,
    files: &[NewAttachment<'_>],
) -> Result<i64, sqlx::Error> {
    let (_, last_status, _) = *t.history.last().ok_or(sqlx::Error::RowNotFound)?;
    let created_at = t.history[0].2;
    let id: i64 = sqlx::query_scalar(
        "insert into tickets (member_id, title, language, description, status, created_at, \
           priority) values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(t.member_id)
    .bind(t.title)
    .bind(t.language)
    .bind(t.description)
    .bind(last_status.as_str())
    .bind(created_at)
    .bind(t.priority.as_str())
    .fetch_one(&mut **tx)
    .await?;
    let mut from = None;
    for (actor, to, at) in &t.history {
        insert_event(tx, id, *actor, from, *to, *at).await?;
        from = Some(*to);
    }
    if let Some(rules) = t.sla {
        let mut clocks = SlaState::opened(t.priority, created_at, rules);
        if let Some(at) = t.answered_at {
            clocks.apply(SlaEvent::StaffAnswered, at, rules);
        }
        for (_, to, at) in &t.history[1..] {
            clocks.apply(SlaEvent::Moved(*to), *at, rules);
        }
        super::sla::write(tx, id, &clocks).await?;
    }
    insert_attachments(tx, (id, None), files, t.member_id, created_at).await?;
    Ok(id)
}

/// A change to a ticket, stored atomically: an optional conversation entry and an optional
/// status move. The move only applies if the ticket is still in `from` (two people acting at
/// once cannot both move it).
pub struct TicketChange<'a> {
    pub ticket_id: i64,
    pub actor_id: i64,
    pub entry: Option<(EntryKind, &'a str)>,
    /// Files sent with the entry (ignored without one).
    pub files: &'a [NewAttachment<'a>],
    pub transition: Option<(TicketStatus, TicketStatus)>,
    /// Without a move: the status the entry was decided for (a member's plain reply to an Open
    /// ticket). If the ticket moved meanwhile (closed a moment earlier), nothing is written.
    pub expect: Option<TicketStatus>,
    /// The sender's storage quota, checked with the files written (`None`: no quota).
    pub quota: Option<u64>,
    /// Who is told, queued in the same transaction: about the entry if there is one, else about
    /// the status move.
    pub notice: Option<NoticeKind>,
    pub at: i64,
    /// The actor is staff: their public entries answer the member.
    pub by_staff: bool,
    /// The clocks to move (`None`: leave them).
    pub sla: Option<&'a SlaRules>,
    /// A status move is recorded in the audit log (a staff member's; not the scheduler's).
    pub audit: bool,
}

/// What `apply` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// The status moved under it: nothing was written.
    Moved,
    /// Its files would go over the sender's quota: nothing was written.
    OverQuota,
}

/// Who owns a ticket and where it stands, for access checks.
pub struct TicketHead {
    pub id: i64,
    pub member_id: i64,
    pub status: TicketStatus,
    pub closed_at: Option<i64>,
}

/// Moves a ticket's clocks for one change: its status move first, then its entry.
async fn move_clocks(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    change: &TicketChange<'_>,
    rules: &SlaRules,
    at: i64,
) -> Result<(), sqlx::Error> {
    let Some(mut clocks) = super::sla::read(&mut **tx, change.ticket_id).await? else {
        return Ok(());
    };
    if let Some((_, to)) = change.transition {
        clocks.apply(SlaEvent::Moved(to), at, rules);
    }
    match (change.entry.map(|(kind, _)| kind), change.by_staff) {
        (Some(EntryKind::Message | EntryKind::Question), true) => {
            clocks.apply(SlaEvent::StaffAnswered, at, rules)
        }
        (Some(EntryKind::Message), false) => clocks.apply(SlaEvent::MemberWrote, at, rules),
        _ => {}
    }
    super::sla::write(tx, change.ticket_id, &clocks).await
}

/// One row of the status history; every status change goes through here.
async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ticket_id: i64,
    actor_id: i64,
    from: Option<TicketStatus>,
    to: TicketStatus,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into ticket_events (ticket_id, actor_id, from_status, to_status, at) \
         values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(ticket_id)
    .bind(actor_id)
    .bind(from.map(|f| f.as_str().to_string()))
    .bind(to.as_str())
    .bind(at)
    .fetch_one(&mut **tx)
    .await
}

async fn insert_attachments(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    (ticket_id, message_id): (i64, Option<i64>),
    files: &[NewAttachment<'_>],
    uploader_id: i64,
    at: i64,
) -> Result<(), sqlx::Error> {
    for f in files {
        sqlx::query(
            "insert into attachments (ticket_id, message_id, sha256, file_name, mime, size, \
               created_at, uploader_id) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(ticket_id)
        .bind(message_id)
        .bind(f.sha256)
        .bind(f.file_name)
        .bind(f.kind.mime())
        .bind(f.size)
        .bind(at)
        .bind(uploader_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl TicketRepo<'_> {
    /// A member's new ticket (Open) with its first files.
    #[tracing::instrument(skip_all, err, fields(member_id = new.member_id))]
    pub async fn create(
        &self,
        new: &NewTicket<'_>,
        files: &[NewAttachment<'_>],
        quota: Option<u64>,
        notice: Option<NoticeKind>,
        at: i64,
    ) -> Result<Result<i64, OverQuota>, sqlx::Error> {
        let seed = NewTicketSeed {
            member_id: new.member_id,
            title: new.title.as_str(),
            language: new.language,
            description: new.description.as_str(),
            history: vec![(new.member_id, TicketStatus::Open, at)],
            priority: new.priority,
            sla: new.sla,
            answered_at: None,
        };
        let mut tx = self.0.begin().await?;
        let id = insert_ticket(&mut tx, &seed, files).await?;
        if !files.is_empty() && !within_quota(&mut tx, new.member_id, quota).await? {
            return Ok(Err(OverQuota));
        }
        if let Some((online_since, cap)) = new.auto_assign {
            super::assignment::auto_assign(&mut tx, id, online_since, cap, at).await?;
        }
        if let Some(kind) = notice {
            let notice = Notice {
                kind,
                ticket_id: id,
                ref_id: id,
                nth: 0,
            };
            enqueue(&mut tx, notice, at).await?;
        }
        tx.commit().await?;
        Ok(Ok(id))
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn head(&self, id: i64) -> Result<Option<TicketHead>, sqlx::Error> {
        let row: Option<HeadRow> = sqlx::query_as(
            "select t.id, t.member_id, t.status, \
               (select max(e.at) from ticket_events e \
                  where e.ticket_id = t.id and e.to_status = 'closed') as closed_at \
             from tickets t where t.id = $1",
        )
        .bind(id)
        .fetch_optional(self.0)
        .await?;
        row.map(TicketHead::try_from).transpose()
    }

    /// Returns false (and writes nothing) when the status moved under us.
    #[tracing::instrument(skip_all, err)]
    pub async fn apply(&self, change: &TicketChange<'_>) -> Result<Applied, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        // The first statement writes the ticket's row, so changes to one ticket take turns (the
        // row lock on PostgreSQL, the write lock on SQLite) and a status checked here holds
        // until commit.
        let (to, from) = match (change.transition, change.expect) {
            (Some((from, to)), _) => (to, from),
            (None, Some(status)) => (status, status),
            (None, None) => (TicketStatus::Open, TicketStatus::Open),
        };
        if change.transition.is_some() || change.expect.is_some() {
            let held = sqlx::query("update tickets set status = $1 where id = $2 and status = $3")
                .bind(to.as_str())
                .bind(change.ticket_id)
                .bind(from.as_str())
                .execute(&mut *tx)
                .await?;
            if held.rows_affected() != 1 {
                return Ok(Applied::Moved);
            }
        }
        // Read after the row is held: the history's times follow the order changes were made.
        let at = super::now_ms().max(change.at);
        let mut about = 0;
        if let Some((from, to)) = change.transition {
            about = insert_event(
                &mut tx,
                change.ticket_id,
                change.actor_id,
                Some(from),
                to,
                at,
            )
            .await?;
        }
        if let Some((kind, body)) = change.entry {
            let message_id: i64 = sqlx::query_scalar(
                "insert into ticket_messages (ticket_id, author_id, kind, body, created_at) \
                 values ($1, $2, $3, $4, $5) returning id",
            )
            .bind(change.ticket_id)
            .bind(change.actor_id)
            .bind(kind.as_str())
            .bind(body)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            insert_attachments(
                &mut tx,
                (change.ticket_id, Some(message_id)),
                change.files,
                change.actor_id,
                at,
            )
            .await?;
            let files = !change.files.is_empty();
            if files && !within_quota(&mut tx, change.actor_id, change.quota).await? {
                return Ok(Applied::OverQuota);
            }
            about = message_id;
        }
        if let Some(rules) = change.sla {
            move_clocks(&mut tx, change, rules, at).await?;
        }
        if let (true, Some((from, to))) = (change.audit, change.transition) {
            let audit = super::Audit {
                actor_id: Some(change.actor_id),
                action: "ticket.status",
                target: Some(("ticket", change.ticket_id)),
                detail: serde_json::json!({ "from": from.as_str(), "to": to.as_str() }),
            };
            super::audit::record(&mut tx, &audit, at).await?;
        }
        if let Some(kind) = change.notice {
            let notice = Notice {
                kind,
                ticket_id: change.ticket_id,
                ref_id: about,
                nth: 0,
            };
            enqueue(&mut tx, notice, at).await?;
        }
        tx.commit().await?;
        Ok(Applied::Done)
    }

    /// The whole ticket. Internal notes are left out in SQL unless `with_notes`, so a member's
    /// request can never carry one.
    #[tracing::instrument(skip_all, err)]
    pub async fn detail(
        &self,
        id: i64,
        with_notes: bool,
    ) -> Result<Option<TicketDetail>, sqlx::Error> {
        let row: Option<DetailRow> = sqlx::query_as(
            "select t.id, t.title, t.language, t.status, t.description, u.display_name, u.tier, \
               t.merged_into, \
               (select min(e.at) from ticket_events e where e.ticket_id = t.id) as opened_at, \
               (select max(e.at) from ticket_events e \
                  where e.ticket_id = t.id and e.to_status = 'closed') as closed_at \
             from tickets t join users u on u.id = t.member_id where t.id = $1",
        )
        .bind(id)
        .fetch_optional(self.0)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let summary = TicketSummary::try_from(row.summary)?;
        let mut files = self.attachments_of(id).await?;
        let mut timeline = Vec::new();
        let entries: Vec<EntryRow> = sqlx::query_as(
            "select m.id, m.kind, m.body, m.created_at, u.display_name, u.role \
             from ticket_messages m join users u on u.id = m.author_id \
             where m.ticket_id = $1 and (m.kind <> 'note' or $2 = 1) order by m.id",
        )
        .bind(id)
        .bind(if with_notes { 1i64 } else { 0i64 })
        .fetch_all(self.0)
        .await?;
        for r in entries {
            timeline.push(TimelineItem::Entry(ConversationEntry {
                kind: r.kind()?,
                id: r.id,
                attachments: files.remove(&Some(r.id)).unwrap_or_default(),
                author_is_staff: r.role != "member",
                author_name: r.display_name,
                body: r.body,
                at: r.created_at,
            }));
        }
        let events: Vec<EventRow> = sqlx::query_as(
            "select e.from_status, e.to_status, e.at, u.display_name \
             from ticket_events e join users u on u.id = e.actor_id \
             where e.ticket_id = $1 order by e.id",
        )
        .bind(id)
        .fetch_all(self.0)
        .await?;
        for r in events {
            timeline.push(TimelineItem::Status {
                from: r
                    .from_status
                    .as_deref()
                    .map(|f| rows::status("from_status", f))
                    .transpose()?,
                to: rows::status("to_status", &r.to_status)?,
                actor_name: r.display_name,
                at: r.at,
            });
        }
        // Stable sort: at equal times a status change stays after the entry that caused it.
        timeline.sort_by_key(TimelineItem::at);
        Ok(Some(TicketDetail {
            summary,
            member_tier: rows::tier("tier", &row.tier)?,
            member_name: row.display_name,
            description: row.description,
            // Files of entries not fetched (internal notes for a member) are simply dropped.
            attachments: files.remove(&None).unwrap_or_default(),
            timeline,
            viewer_is_staff: with_notes,
            closes_at: None,
            desk: None,
            merged_into: row.merged_into,
            merged_from: self.merged_from(id).await?,
        }))
    }
}

impl TicketRepo<'_> {
    /// The ticket's clocks and its assignee.
    #[tracing::instrument(skip_all, err)]
    pub async fn handling(&self, id: i64) -> Result<Option<(SlaState, Option<i64>)>, sqlx::Error> {
        super::sla::read_with_assignee(self.0, id).await
    }

    /// Every attachment of a ticket, grouped by message (`None`: sent with the description).
    async fn attachments_of(
        &self,
        ticket_id: i64,
    ) -> Result<HashMap<Option<i64>, Vec<AttachmentInfo>>, sqlx::Error> {
        let rows: Vec<MessageFileRow> = sqlx::query_as(
            "select id, message_id, file_name, mime, size from attachments \
             where ticket_id = $1 order by id",
        )
        .bind(ticket_id)
        .fetch_all(self.0)
        .await?;
        let mut out: HashMap<Option<i64>, Vec<AttachmentInfo>> = HashMap::new();
        for r in rows {
            out.entry(r.message_id)
                .or_default()
                .push(AttachmentInfo::try_from(r.file)?);
        }
        Ok(out)
    }
}

impl TicketRepo<'_> {
    /// The agent queue: counts per status and the shown status's rows, all under the same
    /// filters. Open lists the nearest deadline first (tickets without one after them), Awaiting
    /// Feedback the longest waiting, Closed the newest; a search (`hits`, the matching tickets
    /// best first) lists the best match first instead.
    #[tracing::instrument(skip_all, err)]
    pub async fn queue(
        &self,
        f: &QueueFilter,
        viewer_id: i64,
        limit: i64,
        hits: Option<&[i64]>,
    ) -> Result<AgentQueue, sqlx::Error> {
        let language = f.language.clone().unwrap_or_default();
        let tier = f.tier.map(|t| t.as_str()).unwrap_or("");
        let priority = f.priority.map(|p| p.as_str()).unwrap_or("");
        // The ids are integers from our own search, so they can be written into the statement.
        let matching = match hits {
            None => "1 = 1".to_string(),
            Some([]) => "1 = 0".to_string(),
            Some(ids) => format!(
                "t.id in ({})",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            ),
        };
        let filters = format!(
            "($1 = '' or t.language = $1) and ($2 = '' or u.tier = $2) \
             and {matching} \
             and ($3 = 'all' or ($3 = 'mine' and t.assignee_id = $4) \
                  or ($3 = 'unassigned' and t.assignee_id is null)) \
             and ($5 = '' or t.priority = $5) and ($6 = 0 or t.member_id = $6)"
        );
        let counts: Vec<StatusCountRow> = sqlx::query_as(&format!(
            "select t.status, count(*) as n from tickets t join users u on u.id = t.member_id \
             where {filters} group by t.status"
        ))
        .bind(&language)
        .bind(tier)
        .bind(f.view.as_str())
        .bind(viewer_id)
        .bind(priority)
        .bind(f.member.unwrap_or(0))
        .fetch_all(self.0)
        .await?;
        let mut queue = AgentQueue {
            rows: vec![],
            open: 0,
            awaiting: 0,
            closed: 0,
            now: super::now_ms(),
            warn_ms: 0,
            staff: vec![],
        };
        for r in counts {
            match rows::status("status", &r.status)? {
                TicketStatus::Open => queue.open = r.n,
                TicketStatus::AwaitingFeedback => queue.awaiting = r.n,
                TicketStatus::Closed => queue.closed = r.n,
            }
        }
        let shown = f.shown_status();
        let order = match shown {
            TicketStatus::Open => {
                "case when t.next_due_at is null then 1 else 0 end, t.next_due_at, since"
            }
            TicketStatus::AwaitingFeedback => "since",
            TicketStatus::Closed => "since desc",
        };
        let found: Vec<QueueRowRaw> = sqlx::query_as(&format!(
            "select t.id, t.title, t.language, t.status, u.display_name, u.tier, t.priority, \
               a.display_name as assignee_name, t.next_due_at, \
               (select max(e.at) from ticket_events e where e.ticket_id = t.id) as since \
             from tickets t join users u on u.id = t.member_id \
               left join users a on a.id = t.assignee_id \
             where {filters} and t.status = $7 order by {order}, t.id limit $8"
        ))
        .bind(&language)
        .bind(tier)
        .bind(f.view.as_str())
        .bind(viewer_id)
        .bind(priority)
        .bind(f.member.unwrap_or(0))
        .bind(shown.as_str())
        // A search orders by relevance below, so it reads every match before cutting.
        .bind(if hits.is_some() {
            super::search::MAX_HITS
        } else {
            limit
        })
        .fetch_all(self.0)
        .await?;
        queue.rows = rows::all(found)?;
        if let Some(ids) = hits {
            let rank: HashMap<i64, usize> =
                ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
            queue
                .rows
                .sort_by_key(|r| rank.get(&r.id).copied().unwrap_or(usize::MAX));
            queue.rows.truncate(limit as usize);
        }
        Ok(queue)
    }
}
