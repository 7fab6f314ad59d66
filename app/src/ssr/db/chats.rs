use std::collections::HashMap;

use sqlx::{Any, AnyPool, Transaction};
use tokio::sync::MutexGuard;

use super::rows::{self, ChatHeadRow, ChatMessageRow, MessageFileRow, StoredFileRow};
use super::{lock_user, Backend, WriteGate};

use super::tickets::NewAttachment;
use crate::domain::{AttachmentInfo, ChatHead, ChatMessage, EndReason, FileKind, SystemNote};

pub struct ChatRepo<'a> {
    pub(super) pool: &'a AnyPool,
    pub(super) gate: &'a WriteGate,
    pub(super) backend: Backend,
}

pub struct NewChat<'a> {
    pub member_id: i64,
    pub display_name: &'a str,
    pub member_number: Option<&'a str>,
    pub email: &'a str,
    pub question: &'a str,
    pub language: &'a str,
    pub at: i64,
}

const HEAD_COLUMNS: &str = "c.id, c.member_id, c.display_name, c.member_number, c.email, \
    c.question, c.language, c.status, c.agent_id, c.created_at, c.ended_at, c.end_reason, \
    c.ticket_id, m.tier as member_tier, a.display_name as agent_name";
const HEAD_FROM: &str = "from chats c join users m on m.id = c.member_id \
    left join users a on a.id = c.agent_id";

/// What `start` did.
#[derive(Debug, PartialEq, Eq)]
pub enum StartOutcome {
    Started(i64),
    AlreadyOpen(i64),
    OverHourlyCap,
}

/// What `add_message` did.
#[derive(Debug, PartialEq, Eq)]
pub enum MessageOutcome {
    /// Its id, the id of the chat's message before it (0: none), and who the chat is between
    /// (for its event).
    Added {
        id: i64,
        after: i64,
        member_id: i64,
        agent_id: Option<i64>,
    },
    /// The chat ended, or is not this person's (any more).
    ChatClosed,
    /// Its files would go over the sender's quota.
    OverQuota,
}

/// What `transfer` did.
#[derive(Debug, PartialEq, Eq)]
pub enum TransferOutcome {
    Transferred,
    NotOnline,
    AtCap,
    /// It ended, or is no longer this agent's.
    NotYours,
}

/// What `accept` did.
#[derive(Debug, PartialEq, Eq)]
pub enum AcceptOutcome {
    Accepted,
    /// The agent already has `cap` chats open.
    AtCap,
    /// Someone else took it first, or it left the queue.
    NotWaiting,
}

async fn insert_chat(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    c: &NewChat<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into chats (member_id, display_name, member_number, email, question, \
           language, status, created_at) values ($1, $2, $3, $4, $5, $6, 'queued', $7) \
         returning id",
    )
    .bind(c.member_id)
    .bind(c.display_name)
    .bind(c.member_number)
    .bind(c.email)
    .bind(c.question)
    .bind(c.language)
    .bind(c.at)
    .fetch_one(&mut **tx)
    .await
}

impl ChatRepo<'_> {
    /// A write transaction, once this instance's earlier chat writes are done (see `WriteGate`).
    async fn begin(
        &self,
    ) -> Result<(Option<MutexGuard<'_, ()>>, Transaction<'_, Any>), sqlx::Error> {
        let turn = self.gate.turn().await;
        Ok((turn, self.pool.begin().await?))
    }

    /// Opens a chat unless the member has one open (then that one) or has started `max` since
    /// `since`. Atomic: the member's row is locked first, so parallel starts run one by one.
    #[tracing::instrument(skip_all, err)]
    pub async fn start(
        &self,
        c: &NewChat<'_>,
        since: i64,
        max: i64,
    ) -> Result<StartOutcome, sqlx::Error> {
        let (_turn, mut tx) = self.begin().await?;
        lock_user(&mut tx, c.member_id).await?;
        let open: Option<i64> = sqlx::query_scalar(
            "select id from chats where member_id = $1 and status <> 'ended' order by id desc limit 1",
        )
        .bind(c.member_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = open {
            return Ok(StartOutcome::AlreadyOpen(id));
        }
        let started: i64 = sqlx::query_scalar(
            "select count(*) from chats where member_id = $1 and created_at >= $2",
        )
        .bind(c.member_id)
        .bind(since)
        .fetch_one(&mut *tx)
        .await?;
        if started >= max {
            return Ok(StartOutcome::OverHourlyCap);
        }
        let id = insert_chat(&mut tx, c).await?;
        tx.commit().await?;
        Ok(StartOutcome::Started(id))
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn head(&self, id: i64) -> Result<Option<ChatHead>, sqlx::Error> {
        let row: Option<ChatHeadRow> = sqlx::query_as(&format!(
            "select {HEAD_COLUMNS} {HEAD_FROM} where c.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool)
        .await?;
        row.map(ChatHead::try_from).transpose()
    }

    /// The member's chats, newest first (their transcripts).
    #[tracing::instrument(skip_all, err)]
    pub async fn for_member(&self, member_id: i64) -> Result<Vec<ChatHead>, sqlx::Error> {
        let rows: Vec<ChatHeadRow> = sqlx::query_as(&format!(
            "select {HEAD_COLUMNS} {HEAD_FROM} where c.member_id = $1 order by c.id desc"
        ))
        .bind(member_id)
        .fetch_all(self.pool)
        .await?;
        rows::all(rows)
    }

    /// The member's chat that is still queued or active, if any.
    #[tracing::instrument(skip_all, err)]
    pub async fn open_for_member(&self, member_id: i64) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "select id from chats where member_id = $1 and status <> 'ended' \
             order by id desc limit 1",
        )
        .bind(member_id)
        .fetch_optional(self.pool)
        .await
    }

    /// Queued chats, first come first served.
    #[tracing::instrument(skip_all, err)]
    pub async fn queued(&self) -> Result<Vec<ChatHead>, sqlx::Error> {
        let rows: Vec<ChatHeadRow> = sqlx::query_as(&format!(
            "select {HEAD_COLUMNS} {HEAD_FROM} where c.status = 'queued' \
             order by c.created_at, c.id"
        ))
        .fetch_all(self.pool)
        .await?;
        rows::all(rows)
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn active_for_agent(&self, agent_id: i64) -> Result<Vec<ChatHead>, sqlx::Error> {
        let rows: Vec<ChatHeadRow> = sqlx::query_as(&format!(
            "select {HEAD_COLUMNS} {HEAD_FROM} where c.status = 'active' and c.agent_id = $1 \
             order by c.id"
        ))
        .bind(agent_id)
        .fetch_all(self.pool)
        .await?;
        rows::all(rows)
    }

    /// The queued chats' ids, first in line first.
    #[tracing::instrument(skip_all, err)]
    pub async fn queued_ids(&self) -> Result<Vec<i64>, sqlx::Error> {
        sqlx::query_scalar("select id from chats where status = 'queued' order by created_at, id")
            .fetch_all(self.pool)
            .await
    }

    /// 1-based place of a queued chat (ties broken by id, as the queue is ordered).
    #[tracing::instrument(skip_all, err)]
    pub async fn position(&self, head: &ChatHead) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "select count(*) from chats where status = 'queued' \
             and (created_at < $1 or (created_at = $1 and id <= $2))",
        )
        .bind(head.created_at)
        .bind(head.id)
        .fetch_one(self.pool)
        .await
    }

    /// Seconds from joining the queue to being answered, for the last few answered chats.
    #[tracing::instrument(skip_all, err)]
    pub async fn recent_waits(&self, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
        let ms: Vec<i64> = sqlx::query_scalar(
            "select accepted_at - created_at from chats where accepted_at is not null \
             order by accepted_at desc limit $1",
        )
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        Ok(ms.into_iter().map(|m| m / 1000).collect())
    }

    /// Takes a queued chat for an agent who has fewer than `cap` open. Atomic: the agent's row
    /// is locked first, so parallel accepts by one agent run one by one.
    #[tracing::instrument(skip_all, err)]
    pub async fn accept(
        &self,
        id: i64,
        agent_id: i64,
        cap: i64,
        at: i64,
    ) -> Result<AcceptOutcome, sqlx::Error> {
        let (_turn, mut tx) = self.begin().await?;
        lock_user(&mut tx, agent_id).await?;
        let open: i64 = sqlx::query_scalar(
            "select count(*) from chats where agent_id = $1 and status = 'active'",
        )
        .bind(agent_id)
        .fetch_one(&mut *tx)
        .await?;
        if open >= cap {
            return Ok(AcceptOutcome::AtCap);
        }
        let done = sqlx::query(
            "update chats set status = 'active', agent_id = $1, accepted_at = $2 \
             where id = $3 and status = 'queued'",
        )
        .bind(agent_id)
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(AcceptOutcome::NotWaiting);
        }
        insert_system(&mut tx, id, SystemNote::AgentJoined, at).await?;
        tx.commit().await?;
        Ok(AcceptOutcome::Accepted)
    }

    /// Ends the chat and files its transcript as a ticket, in one transaction: of two requests
    /// racing to do it, one makes the ticket and the other finds the chat already ended.
    #[tracing::instrument(skip_all, err)]
    pub async fn end_into_ticket(
        &self,
        id: i64,
        ticket: &super::NewTicketSeed<'_>,
        at: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let (_turn, mut tx) = self.begin().await?;
        let done = sqlx::query(
            "update chats set status = 'ended', ended_at = $1, end_reason = $2 \
             where id = $3 and status <> 'ended'",
        )
        .bind(at)
        .bind(EndReason::Ticket.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        let ticket_id = super::tickets::insert_ticket(&mut tx, ticket, &[]).await?;
        sqlx::query("update chats set ticket_id = $1 where id = $2")
            .bind(ticket_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_system(&mut tx, id, SystemNote::TurnedIntoTicket, at).await?;
        let notice = super::Notice {
            kind: crate::domain::NoticeKind::ChatTicket,
            ticket_id,
            ref_id: id,
            nth: 0,
        };
        super::outbox::enqueue(&mut tx, notice, at).await?;
        tx.commit().await?;
        Ok(Some(ticket_id))
    }

    /// Ends a chat (from queued or active) with a system note; optionally links the ticket it
    /// became. One that had an agent and became no ticket tells its member (rate it). False
    /// when it had already ended.
    #[tracing::instrument(skip_all, err)]
    pub async fn end(
        &self,
        id: i64,
        reason: EndReason,
        note: SystemNote,
        ticket_id: Option<i64>,
        at: i64,
    ) -> Result<bool, sqlx::Error> {
        let (_turn, mut tx) = self.begin().await?;
        let done = sqlx::query(
            "update chats set status = 'ended', ended_at = $1, end_reason = $2, ticket_id = $3 \
             where id = $4 and status <> 'ended'",
        )
        .bind(at)
        .bind(reason.as_str())
        .bind(ticket_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        insert_system(&mut tx, id, note, at).await?;
        if ticket_id.is_none() {
            super::outbox::enqueue_chat_ended(&mut tx, id, at).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Stores a message (and its files) before anyone is told about it.
    #[tracing::instrument(skip_all, err)]
    pub async fn add_message(
        &self,
        chat_id: i64,
        author_id: i64,
        body: &str,
        files: &[NewAttachment<'_>],
        quota: Option<u64>,
        at: i64,
    ) -> Result<MessageOutcome, sqlx::Error> {
        if files.is_empty() {
            return self.add_plain_message(chat_id, author_id, body, at).await;
        }
        let (_turn, mut tx) = self.begin().await?;
        // Checked where it is written: the chat still open and still this person's (a message
        // racing its end would miss the transcript; one racing a handover, the new agent).
        // Who it is between comes back with it, for the message's event.
        let Some((member_id, agent_id)) = sqlx::query_as::<_, (i64, Option<i64>)>(
            "update chats set status = status where id = $1 and status <> 'ended' \
             and (member_id = $2 or agent_id = $2) returning member_id, agent_id",
        )
        .bind(chat_id)
        .bind(author_id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(MessageOutcome::ChatClosed);
        };
        // Exact: the update above holds the chat's row, so its messages are written one at a
        // time (SQLite has one writer anyway).
        let after: i64 =
            sqlx::query_scalar("select coalesce(max(id), 0) from chat_messages where chat_id = $1")
                .bind(chat_id)
                .fetch_one(&mut *tx)
                .await?;
        let id: i64 = sqlx::query_scalar(
            "insert into chat_messages (chat_id, author_id, kind, body, created_at) \
             values ($1, $2, 'message', $3, $4) returning id",
        )
        .bind(chat_id)
        .bind(author_id)
        .bind(body)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        for f in files {
            sqlx::query(
                "insert into chat_attachments (message_id, sha256, file_name, mime, size, \
                   created_at, uploader_id) values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(f.sha256)
            .bind(f.file_name)
            .bind(f.kind.mime())
            .bind(f.size)
            .bind(at)
            .bind(author_id)
            .execute(&mut *tx)
            .await?;
        }
        if !files.is_empty() && !super::attachments::within_quota(&mut tx, author_id, quota).await?
        {
            return Ok(MessageOutcome::OverQuota);
        }
        tx.commit().await?;
        Ok(MessageOutcome::Added {
            id,
            after,
            member_id,
            agent_id,
        })
    }

    /// A message without files (nearly all of them) in one statement, so one hand-over to
    /// SQLite's thread or one round trip to PostgreSQL instead of five (begin, check, last id,
    /// insert, commit), with the same guarantees as the transaction below:
    /// - SQLite, while this instance's write turn is held: the check and the insert are one
    ///   statement, and SQLite has one writer, so the chat's last message cannot change under it.
    /// - PostgreSQL: `add_chat_message` (migration 20261205000001) runs the transaction's steps
    ///   in the database. There the chat's row lock orders a chat's messages, and each step sees
    ///   what committed while it waited for the lock.
    async fn add_plain_message(
        &self,
        chat_id: i64,
        author_id: i64,
        body: &str,
        at: i64,
    ) -> Result<MessageOutcome, sqlx::Error> {
        let _turn = self.gate.turn().await;
        let sql = match self.backend {
            Backend::Sqlite => {
                "insert into chat_messages (chat_id, author_id, kind, body, created_at) \
                 select id, $2, 'message', $3, $4 from chats where id = $1 \
                   and status <> 'ended' and (member_id = $2 or agent_id = $2) \
                 returning id, (select coalesce(max(m.id), 0) from chat_messages m \
                     where m.chat_id = $1 and m.id < chat_messages.id), \
                   (select member_id from chats where id = $1), \
                   (select agent_id from chats where id = $1)"
            }
            Backend::Postgres => {
                "select message_id, after_id, member, agent from add_chat_message($1, $2, $3, $4)"
            }
        };
        let added = sqlx::query_as::<_, (i64, i64, i64, Option<i64>)>(sql)
            .bind(chat_id)
            .bind(author_id)
            .bind(body)
            .bind(at)
            .fetch_optional(self.pool)
            .await?;
        Ok(match added {
            Some((id, after, member_id, agent_id)) => MessageOutcome::Added {
                id,
                after,
                member_id,
                agent_id,
            },
            None => MessageOutcome::ChatClosed,
        })
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn add_system(
        &self,
        chat_id: i64,
        note: SystemNote,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        let (_turn, mut tx) = self.begin().await?;
        insert_system(&mut tx, chat_id, note, at).await?;
        tx.commit().await
    }

    /// Messages after `after` (0: all), in order, with their files.
    #[tracing::instrument(skip_all, err)]
    pub async fn messages_after(
        &self,
        chat_id: i64,
        after: i64,
    ) -> Result<Vec<ChatMessage>, sqlx::Error> {
        let rows: Vec<ChatMessageRow> = sqlx::query_as(
            "select cm.id, cm.kind, cm.body, cm.created_at, u.display_name, u.role \
             from chat_messages cm left join users u on u.id = cm.author_id \
             where cm.chat_id = $1 and cm.id > $2 order by cm.id",
        )
        .bind(chat_id)
        .bind(after)
        .fetch_all(self.pool)
        .await?;
        let mut files = self.files_after(chat_id, after).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let system = (r.kind == "system")
                    .then(|| SystemNote::parse(&r.body))
                    .flatten();
                ChatMessage {
                    id: r.id,
                    author_name: r.display_name,
                    from_staff: r.role.is_some_and(|role| role != "member"),
                    system,
                    body: if system.is_some() {
                        String::new()
                    } else {
                        r.body
                    },
                    at: r.created_at,
                    attachments: files.remove(&r.id).unwrap_or_default(),
                }
            })
            .collect())
    }

    async fn files_after(
        &self,
        chat_id: i64,
        after: i64,
    ) -> Result<HashMap<i64, Vec<AttachmentInfo>>, sqlx::Error> {
        let rows: Vec<MessageFileRow> = sqlx::query_as(
            "select f.id, f.message_id, f.file_name, f.mime, f.size from chat_attachments f \
             join chat_messages cm on cm.id = f.message_id \
             where cm.chat_id = $1 and cm.id > $2 order by f.id",
        )
        .bind(chat_id)
        .bind(after)
        .fetch_all(self.pool)
        .await?;
        let mut out: HashMap<i64, Vec<AttachmentInfo>> = HashMap::new();
        for r in rows {
            out.entry(r.message_id.unwrap_or_default())
                .or_default()
                .push(AttachmentInfo::try_from(r.file)?);
        }
        Ok(out)
    }

    /// A chat file with the chat it belongs to: (chat id, sha256, file name, kind).
    #[tracing::instrument(skip_all, err)]
    pub async fn attachment(
        &self,
        id: i64,
    ) -> Result<Option<(i64, String, String, FileKind)>, sqlx::Error> {
        let row: Option<StoredFileRow> = sqlx::query_as(
            "select cm.chat_id as owner, f.sha256, f.file_name, f.mime from chat_attachments f \
             join chat_messages cm on cm.id = f.message_id where f.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool)
        .await?;
        row.map(|r| Ok((r.owner, r.kind()?, r.sha256, r.file_name)))
            .transpose()
            .map(|found| found.map(|(chat, kind, sha, name)| (chat, sha, name, kind)))
    }

    /// Marks an agent online or away, and when they were last seen.
    #[tracing::instrument(skip_all, err)]
    pub async fn set_presence(
        &self,
        user_id: i64,
        online: bool,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        let status = if online { "online" } else { "away" };
        let _turn = self.gate.turn().await;
        let updated =
            sqlx::query("update agent_presence set status = $1, seen_at = $2 where user_id = $3")
                .bind(status)
                .bind(at)
                .bind(user_id)
                .execute(self.pool)
                .await?;
        if updated.rows_affected() == 0 {
            // Two first heartbeats at once: the loser's insert fails on the key; the row exists.
            let _ = sqlx::query(
                "insert into agent_presence (user_id, status, seen_at) values ($1, $2, $3)",
            )
            .bind(user_id)
            .bind(status)
            .bind(at)
            .execute(self.pool)
            .await;
        }
        Ok(())
    }

    /// Passes an active chat from `from` to `to`, who must be online and under `cap`. Atomic:
    /// the receiving agent's row is locked first, like an accept, so two transfers (or a
    /// transfer and an accept) cannot take them over the cap.
    #[tracing::instrument(skip_all, err)]
    pub async fn transfer(
        &self,
        id: i64,
        (from, to): (i64, i64),
        cap: i64,
        online_since: i64,
        at: i64,
    ) -> Result<TransferOutcome, sqlx::Error> {
        let (_turn, mut tx) = self.begin().await?;
        lock_user(&mut tx, to).await?;
        let online: i64 = sqlx::query_scalar(
            "select count(*) from agent_presence \
             where user_id = $1 and status = 'online' and seen_at >= $2",
        )
        .bind(to)
        .bind(online_since)
        .fetch_one(&mut *tx)
        .await?;
        if online == 0 {
            return Ok(TransferOutcome::NotOnline);
        }
        let open: i64 = sqlx::query_scalar(
            "select count(*) from chats where agent_id = $1 and status = 'active'",
        )
        .bind(to)
        .fetch_one(&mut *tx)
        .await?;
        if open >= cap {
            return Ok(TransferOutcome::AtCap);
        }
        let done = sqlx::query(
            "update chats set agent_id = $1 where id = $2 and status = 'active' and agent_id = $3",
        )
        .bind(to)
        .bind(id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(TransferOutcome::NotYours);
        }
        insert_system(&mut tx, id, SystemNote::Transferred, at).await?;
        let audit = super::Audit {
            actor_id: Some(from),
            action: "chat.transfer",
            target: Some(("chat", id)),
            detail: serde_json::json!({ "from": from, "to": to }),
        };
        super::audit::record(&mut tx, &audit, at).await?;
        tx.commit().await?;
        Ok(TransferOutcome::Transferred)
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn is_online(&self, user_id: i64, since: i64) -> Result<bool, sqlx::Error> {
        let n: i64 = sqlx::query_scalar(
            "select count(*) from agent_presence where user_id = $1 and status = 'online' and seen_at >= $2",
        )
        .bind(user_id)
        .bind(since)
        .fetch_one(self.pool)
        .await?;
        Ok(n > 0)
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn agents_online(&self, since: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "select count(*) from agent_presence where status = 'online' and seen_at >= $1",
        )
        .bind(since)
        .fetch_one(self.pool)
        .await
    }
}

async fn insert_system(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    chat_id: i64,
    note: SystemNote,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into chat_messages (chat_id, author_id, kind, body, created_at) \
         values ($1, null, 'system', $2, $3)",
    )
    .bind(chat_id)
    .bind(note.as_str())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
