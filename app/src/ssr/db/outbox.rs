//! The notification outbox: rows written inside the transaction of the change that causes them,
//! taken by a sender with a lease, and marked sent, retried later or dropped.
use sqlx::{AnyPool, FromRow};

use super::Backend;
use crate::domain::{Audience, Channel, NoticeKind, Topic};

/// What a change asks to be told, stored with it.
#[derive(Debug, Clone, Copy)]
pub struct Notice {
    pub kind: NoticeKind,
    pub ticket_id: i64,
    /// The message or status event it is about: with the kind and the recipient it names the
    /// notice, so the same one is never queued twice.
    pub ref_id: i64,
    /// Which of several notices about the same event (the first or second reminder); 0 else.
    pub nth: u8,
}

/// What a notice is about: a ticket, or a chat that ended without becoming one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    Ticket(i64),
    Chat(i64),
}

impl About {
    /// `ticket-5`, `chat-7`: threads a ticket's emails, names its notification on a device.
    pub fn key(self) -> String {
        match self {
            About::Ticket(id) => format!("ticket-{id}"),
            About::Chat(id) => format!("chat-{id}"),
        }
    }

    pub fn id(self) -> i64 {
        match self {
            About::Ticket(id) | About::Chat(id) => id,
        }
    }

    /// The outbox column that holds it.
    fn column(self) -> &'static str {
        match self {
            About::Ticket(_) => "ticket_id",
            About::Chat(_) => "chat_id",
        }
    }

    /// Who its member is, as SQL of the id in `$3`.
    fn member_sql(self) -> &'static str {
        match self {
            About::Ticket(_) => "(select member_id from tickets where id = $3)",
            About::Chat(_) => "(select member_id from chats where id = $3)",
        }
    }
}

/// Tells the member that their chat ended, with a link to rate it, inside the transaction that
/// ends it. Only a chat an agent took part in (a chat left in the queue has nobody to rate).
pub(super) async fn enqueue_chat_ended(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    chat_id: i64,
    at: i64,
) -> Result<u64, sqlx::Error> {
    let had_agent: Option<i64> = sqlx::query_scalar("select agent_id from chats where id = $1")
        .bind(chat_id)
        .fetch_optional(&mut **tx)
        .await?
        .flatten();
    if had_agent.is_none() {
        return Ok(0);
    }
    let event = Event {
        kind: NoticeKind::ChatEnded,
        about: About::Chat(chat_id),
        ref_id: 0,
        nth: 0,
    };
    enqueue_event(tx, event, at).await
}

/// Queues everything `notice` means, inside the caller's transaction: an email to everyone it
/// is for, and a push to each of their devices. A person who turned the notice's topic off for
/// a channel, or whose account is disabled, gets no row of it.
pub(super) async fn enqueue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    notice: Notice,
    at: i64,
) -> Result<u64, sqlx::Error> {
    let event = Event {
        kind: notice.kind,
        about: About::Ticket(notice.ticket_id),
        ref_id: notice.ref_id,
        nth: notice.nth,
    };
    enqueue_event(tx, event, at).await
}

/// A notice about a ticket or a chat, as the outbox stores it.
#[derive(Debug, Clone, Copy)]
struct Event {
    kind: NoticeKind,
    about: About,
    ref_id: i64,
    nth: u8,
}

/// Every channel's rows of one event.
async fn enqueue_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    event: Event,
    at: i64,
) -> Result<u64, sqlx::Error> {
    let mut queued = 0;
    for channel in [Channel::Email, Channel::Push] {
        queued += insert_rows(tx, event, channel, at).await?;
    }
    Ok(queued)
}

/// The rows of one channel for an event.
async fn insert_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    event: Event,
    channel: Channel,
    at: i64,
) -> Result<u64, sqlx::Error> {
    let Event {
        kind: notice_kind,
        about,
        ref_id,
        nth,
    } = event;
    let kind = notice_kind.as_str();
    // A ticket's part is its bare id, as before chats had notices (keys of queued rows hold).
    let about_part = match about {
        About::Ticket(id) => id.to_string(),
        About::Chat(id) => format!("chat{id}"),
    };
    let key = format!("{kind}:{about_part}:{ref_id}:{nth}:{}:", channel.as_str());
    let (column, member) = (about.column(), about.member_sql());
    let assignee = "(select assignee_id from tickets where id = $3)";
    // Email: one row per person (the key ends in their id). Push: one per device (the key
    // ends in the subscription's id), so each device is retried on its own.
    let (target, from, device) = match channel {
        Channel::Email => ("u.id", "users u", "cast(null as bigint)"),
        Channel::Push => (
            "s.id",
            "users u join push_subscriptions s on s.user_id = u.id",
            "s.id",
        ),
    };
    let done = sqlx::query(&format!(
        "insert into outbox (dedupe_key, channel, kind, recipient_id, {column}, ref_id, \
           subscription_id, created_at, next_attempt_at) \
         select $1 || cast({target} as text), $8, $2, u.id, $3, $4, {device}, $5, $5 \
         from {from} \
         where (case when $6 = 1 then u.role in ('agent', 'admin') \
                     when $6 = 2 then u.role in ('agent', 'admin') and u.id = {assignee} \
                     else u.id = {member} end) \
           and u.disabled_at is null \
           and not exists (select 1 from notification_optouts o \
                           where o.user_id = u.id and o.channel = $8 and o.topic = $7) \
         on conflict (dedupe_key) do nothing"
    ))
    .bind(key)
    .bind(kind)
    .bind(about.id())
    .bind(ref_id)
    .bind(at)
    .bind(match notice_kind.audience() {
        Audience::Member => 0i64,
        Audience::Staff => 1,
        Audience::Assignee => 2,
    })
    .bind(notice_kind.topic().as_str())
    .bind(channel.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// A held ticket whose next service deadline is near or past, as the scheduler sees it.
#[derive(Debug, Clone, FromRow)]
pub struct DueTicket {
    pub ticket_id: i64,
    pub next_due_at: i64,
}

/// A ticket waiting for its member, as the reminder scheduler sees it.
#[derive(Debug, Clone, FromRow)]
pub struct Waiting {
    pub ticket_id: i64,
    pub member_id: i64,
    /// The status event that moved it to Awaiting Feedback, and who made it (the asking agent).
    pub event_id: i64,
    pub asked_by: i64,
    pub since: i64,
}

/// A row a sender holds until `locked_until`.
#[derive(Debug, Clone, FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub channel: String,
    pub kind: String,
    pub recipient_id: i64,
    pub ticket_id: Option<i64>,
    pub chat_id: Option<i64>,
    pub ref_id: Option<i64>,
    pub attempts: i64,
    pub locked_until: i64,
    /// The device of a push row; `None` for email, or once the device is gone.
    pub subscription_id: Option<i64>,
}

impl OutboxRow {
    pub fn about(&self) -> About {
        match (self.ticket_id, self.chat_id) {
            (None, Some(chat)) => About::Chat(chat),
            (ticket, _) => About::Ticket(ticket.unwrap_or(0)),
        }
    }
}

/// Everything a notice's text needs, read when it is sent (so a retry sends today's title).
#[derive(Debug, Clone, FromRow)]
pub struct NoticeContext {
    pub recipient_email: String,
    pub recipient_name: String,
    pub recipient_role: String,
    pub recipient_disabled: Option<i64>,
    pub member_id: i64,
    pub member_name: String,
    pub title: String,
    pub language: String,
    pub status: String,
    /// The text the notice quotes: the question or reply it is about (never an internal note),
    /// or for a reminder the question still waiting.
    pub quoted: Option<String>,
    /// When the ticket entered Awaiting Feedback (reminders: the close date counts from it).
    pub awaiting_since: Option<i64>,
    pub opted_out: i64,
}

pub struct OutboxRepo<'a>(pub &'a AnyPool, pub Backend);

impl OutboxRepo<'_> {
    /// Takes up to `limit` due rows of `channel` for this sender until `now + lease_ms`. On
    /// PostgreSQL, two senders never take the same row (`for update skip locked`); SQLite has
    /// one writer.
    #[tracing::instrument(skip_all, err)]
    pub async fn claim(
        &self,
        channel: Channel,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, sqlx::Error> {
        let lock = match self.1 {
            Backend::Postgres => "for update skip locked",
            Backend::Sqlite => "",
        };
        sqlx::query_as(&format!(
            "update outbox set locked_until = $1, attempts = attempts + 1 \
             where id in (select id from outbox \
               where sent_at is null and dropped_at is null and next_attempt_at <= $2 \
                 and (locked_until is null or locked_until < $2) and channel = $4 \
               order by id limit $3 {lock}) \
             returning id, channel, kind, recipient_id, ticket_id, chat_id, ref_id, attempts, \
               locked_until, subscription_id"
        ))
        .bind(now + lease_ms)
        .bind(now)
        .bind(limit)
        .bind(channel.as_str())
        .fetch_all(self.0)
        .await
    }

    /// The text of a held row's notice. `None` when the ticket, chat or person is gone.
    #[tracing::instrument(skip_all, err)]
    pub async fn context(&self, row: &OutboxRow) -> Result<Option<NoticeContext>, sqlx::Error> {
        let topic = NoticeKind::parse(&row.kind)
            .map(NoticeKind::topic)
            .unwrap_or(Topic::Updates);
        if let About::Chat(chat_id) = row.about() {
            // A chat's notice names its question and quotes nothing.
            return sqlx::query_as(
                "select u.email as recipient_email, u.display_name as recipient_name, \
                   u.role as recipient_role, u.disabled_at as recipient_disabled, \
                   c.member_id, mu.display_name as member_name, c.question as title, \
                   c.language, c.status, cast(null as text) as quoted, \
                   cast(null as bigint) as awaiting_since, \
                   (select count(*) from notification_optouts o \
                      where o.user_id = u.id and o.topic = $3 and o.channel = $4) as opted_out \
                 from users u, chats c join users mu on mu.id = c.member_id \
                 where u.id = $1 and c.id = $2",
            )
            .bind(row.recipient_id)
            .bind(chat_id)
            .bind(topic.as_str())
            .bind(&row.channel)
            .fetch_optional(self.0)
            .await;
        }
        sqlx::query_as(
            "select u.email as recipient_email, u.display_name as recipient_name, \
               u.role as recipient_role, u.disabled_at as recipient_disabled, \
               t.member_id, mu.display_name as member_name, t.title, t.language, t.status, \
               coalesce( \
                 (select m.body from ticket_messages m where m.id = $3 and m.ticket_id = t.id \
                    and m.kind <> 'note'), \
                 (select m.body from ticket_messages m where m.ticket_id = t.id \
                    and m.kind = 'question' and $4 = 'reminder' order by m.id desc limit 1)) \
                 as quoted, \
               (select max(e.at) from ticket_events e where e.ticket_id = t.id \
                  and e.to_status = 'awaiting_feedback') as awaiting_since, \
               (select count(*) from notification_optouts o \
                  where o.user_id = u.id and o.topic = $5 and o.channel = $6) as opted_out \
             from users u, tickets t join users mu on mu.id = t.member_id \
             where u.id = $1 and t.id = $2",
        )
        .bind(row.recipient_id)
        .bind(row.ticket_id)
        .bind(row.ref_id.unwrap_or(0))
        .bind(&row.kind)
        .bind(topic.as_str())
        .bind(&row.channel)
        .fetch_optional(self.0)
        .await
    }

    /// Done, if this sender still holds it (a sender that overran its lease lost the row).
    pub async fn mark_sent(&self, row: &OutboxRow, at: i64) -> Result<(), sqlx::Error> {
        self.release(row, "sent_at = $1", at, None).await
    }

    /// Failed for now: try again at `next_at`.
    pub async fn retry_at(
        &self,
        row: &OutboxRow,
        next_at: i64,
        error: &str,
    ) -> Result<(), sqlx::Error> {
        self.release(row, "next_attempt_at = $1", next_at, Some(error))
            .await
    }

    /// Never to be sent: the last retry failed, or there is nothing to send any more.
    pub async fn drop_row(&self, row: &OutboxRow, at: i64, why: &str) -> Result<(), sqlx::Error> {
        self.release(row, "dropped_at = $1", at, Some(why)).await
    }

    /// Lets go of a held row, setting `set` (with `$1` = `at`) and the last error. Only while
    /// this sender still holds it: one whose lease ran out lost the row to another.
    async fn release(
        &self,
        row: &OutboxRow,
        set: &str,
        at: i64,
        error: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(&format!(
            "update outbox set {set}, locked_until = null, last_error = $2 \
             where id = $3 and locked_until = $4"
        ))
        .bind(at)
        .bind(error)
        .bind(row.id)
        .bind(row.locked_until)
        .execute(self.0)
        .await?;
        Ok(())
    }

    /// Rows of `channel` not yet sent nor dropped (tests, the health of the senders).
    pub async fn pending(&self, channel: Channel) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "select count(*) from outbox where sent_at is null and dropped_at is null \
             and channel = $1",
        )
        .bind(channel.as_str())
        .fetch_one(self.0)
        .await
    }
}

impl OutboxRepo<'_> {
    /// A notice on its own (a reminder), in a transaction of its own.
    pub async fn enqueue_one(&self, notice: Notice, at: i64) -> Result<u64, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        let n = enqueue(&mut tx, notice, at).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Every ticket in Awaiting Feedback with the event that put it there.
    pub async fn waiting(&self) -> Result<Vec<Waiting>, sqlx::Error> {
        sqlx::query_as(
            "select t.id as ticket_id, t.member_id, e.id as event_id, e.actor_id as asked_by, e.at as since \
             from tickets t join ticket_events e on e.ticket_id = t.id \
             where t.status = 'awaiting_feedback' and e.id = (select max(e2.id) \
               from ticket_events e2 where e2.ticket_id = t.id \
                 and e2.to_status = 'awaiting_feedback')",
        )
        .fetch_all(self.0)
        .await
    }

    /// Tickets someone holds whose next service deadline comes before `until` (or has passed
    /// by `now`) and that were not alerted yet for that deadline in that state.
    pub async fn due_before(&self, now: i64, until: i64) -> Result<Vec<DueTicket>, sqlx::Error> {
        sqlx::query_as(
            "select t.id as ticket_id, t.next_due_at from tickets t \
             where t.status <> 'closed' and t.assignee_id is not null and t.next_due_at <= $1 \
               and not exists (select 1 from outbox o where o.ticket_id = t.id \
                 and o.ref_id = t.next_due_at \
                 and o.kind = case when t.next_due_at <= $2 then 'sla_breached' \
                                   else 'sla_warning' end)",
        )
        .bind(until)
        .bind(now)
        .fetch_all(self.0)
        .await
    }

    /// Takes (or keeps) job `name` for `holder` until `until`; false while another holds it.
    pub async fn hold_job(
        &self,
        name: &str,
        holder: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "insert into job_leases (name, holder, until) values ($1, $2, $3) \
             on conflict (name) do update set holder = excluded.holder, until = excluded.until \
             where job_leases.until < $4 or job_leases.holder = excluded.holder",
        )
        .bind(name)
        .bind(holder)
        .bind(until)
        .bind(now)
        .execute(self.0)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// A person's opt-outs, and the unsubscribe link's write.
impl OutboxRepo<'_> {
    /// (channel, topic) of each notice this person turned off.
    pub async fn opted_out(&self, user_id: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query_as("select channel, topic from notification_optouts where user_id = $1")
            .bind(user_id)
            .fetch_all(self.0)
            .await
    }

    pub async fn set_topic(
        &self,
        user_id: i64,
        channel: Channel,
        topic: Topic,
        on: bool,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        let query = if on {
            sqlx::query(
                "delete from notification_optouts \
                 where user_id = $1 and channel = $2 and topic = $3",
            )
        } else {
            sqlx::query(
                "insert into notification_optouts (user_id, channel, topic, at) \
                 values ($1, $2, $3, $4) on conflict (user_id, channel, topic) do nothing",
            )
        };
        let query = query
            .bind(user_id)
            .bind(channel.as_str())
            .bind(topic.as_str());
        if on { query } else { query.bind(at) }
            .execute(self.0)
            .await?;
        Ok(())
    }
}

/// Secrets the desk keeps for itself: the first instance to start writes one, all read it.
pub async fn secret(pool: &AnyPool, name: &str, fresh: &str) -> Result<String, sqlx::Error> {
    sqlx::query(
        "insert into app_secrets (name, value) values ($1, $2) on conflict (name) do nothing",
    )
    .bind(name)
    .bind(fresh)
    .execute(pool)
    .await?;
    sqlx::query_scalar("select value from app_secrets where name = $1")
        .bind(name)
        .fetch_one(pool)
        .await
}
