//! One member's data: everything the desk holds about them, read for an export, and erased on
//! request. Erasure keeps the rows the desk's figures count (tickets, chats, their dates and
//! statuses) and removes what identifies the person or what they wrote: names, addresses,
//! texts, files, devices, preferences. The files themselves go after the commit (`ssr::gdpr`).
use serde_json::{Map, Value};
use sqlx::{AnyPool, Column, Row};

pub struct GdprRepo<'a>(pub &'a AnyPool);

/// What to export, by section: each query takes the member's id as `$1`.
const SECTIONS: [(&str, &str); 11] = [
    (
        "account",
        "select id, username, display_name, email, member_number, tier, role, created_at, \
           disabled_at from users where id = $1 and role = 'member'",
    ),
    (
        "tickets",
        "select id, title, language, status, description, priority, merged_into \
         from tickets where member_id = $1 order by id",
    ),
    (
        "ticket_history",
        "select e.ticket_id, e.from_status, e.to_status, e.at from ticket_events e \
         join tickets t on t.id = e.ticket_id where t.member_id = $1 order by e.id",
    ),
    (
        "ticket_messages",
        "select m.id, m.ticket_id, m.kind, m.body, m.created_at, \
           case when m.author_id = $1 then 'member' else 'staff' end as author \
         from ticket_messages m join tickets t on t.id = m.ticket_id \
         where t.member_id = $1 order by m.id",
    ),
    (
        "ticket_files",
        "select a.id, a.ticket_id, a.message_id, a.sha256, a.file_name, a.mime, a.size, \
           a.created_at from attachments a join tickets t on t.id = a.ticket_id \
         where t.member_id = $1 order by a.id",
    ),
    (
        "chats",
        "select id, display_name, member_number, email, question, language, status, \
           created_at, accepted_at, ended_at, end_reason, ticket_id \
         from chats where member_id = $1 order by id",
    ),
    (
        "chat_messages",
        "select m.id, m.chat_id, m.kind, m.body, m.created_at, \
           case when m.author_id = $1 then 'member' when m.author_id is null then 'desk' \
                else 'staff' end as author \
         from chat_messages m join chats c on c.id = m.chat_id \
         where c.member_id = $1 order by m.id",
    ),
    (
        "chat_files",
        "select a.id, m.chat_id, a.message_id, a.sha256, a.file_name, a.mime, a.size, \
           a.created_at from chat_attachments a join chat_messages m on m.id = a.message_id \
           join chats c on c.id = m.chat_id where c.member_id = $1 order by a.id",
    ),
    (
        "ratings",
        "select ticket_id, chat_id, good, comment, created_at, updated_at \
         from ratings where member_id = $1 order by id",
    ),
    (
        "notification_optouts",
        "select channel, topic, at from notification_optouts where user_id = $1 \
         order by channel, topic",
    ),
    (
        "push_devices",
        "select id, label, created_at, last_sent_at from push_subscriptions \
         where user_id = $1 order by id",
    ),
];

/// A row as a JSON object keyed by column name (numbers, text or null).
fn row_json(row: &sqlx::any::AnyRow) -> Value {
    let mut out = Map::new();
    for (i, col) in row.columns().iter().enumerate() {
        let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else {
            Value::Null
        };
        out.insert(col.name().to_string(), value);
    }
    Value::Object(out)
}

/// What erasing found and did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Erased {
    pub tickets: i64,
    pub chats: i64,
    /// The hashes of the files whose rows were removed (their bytes may be shared).
    pub files: Vec<String>,
}

impl GdprRepo<'_> {
    /// The username of a member (enabled or not); `None` for staff or nobody.
    #[tracing::instrument(skip_all, err)]
    pub async fn member_username(&self, id: i64) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("select username from users where id = $1 and role = 'member'")
            .bind(id)
            .fetch_optional(self.0)
            .await
    }

    /// Files waiting to be deleted from the disk.
    #[tracing::instrument(skip_all, err)]
    pub async fn pending_file_deletions(&self) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar("select sha256 from file_deletions order by queued_at")
            .fetch_all(self.0)
            .await
    }

    /// The file is gone from the disk (or in use again): nothing left to do for it.
    #[tracing::instrument(skip_all, err)]
    pub async fn file_deleted(&self, sha256: &str) -> Result<(), sqlx::Error> {
        sqlx::query("delete from file_deletions where sha256 = $1")
            .bind(sha256)
            .execute(self.0)
            .await
            .map(|_| ())
    }

    /// Everything about the member, by section; `None` when there is no such member.
    #[tracing::instrument(skip_all, err)]
    pub async fn export(&self, member_id: i64) -> Result<Option<Map<String, Value>>, sqlx::Error> {
        let mut out = Map::new();
        for (name, sql) in SECTIONS {
            let rows = sqlx::query(sql).bind(member_id).fetch_all(self.0).await?;
            out.insert(
                name.into(),
                Value::Array(rows.iter().map(row_json).collect()),
            );
        }
        let found = out["account"].as_array().is_some_and(|a| !a.is_empty());
        Ok(found.then_some(out))
    }

    /// Erases the member in one transaction and records it (with counts, nothing personal).
    /// `None`: no such member, or not a member (staff are not erased this way).
    #[tracing::instrument(skip_all, err)]
    pub async fn erase(
        &self,
        member_id: i64,
        actor_id: i64,
        at: i64,
    ) -> Result<Option<Erased>, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        let role: Option<String> = sqlx::query_scalar("select role from users where id = $1")
            .bind(member_id)
            .fetch_optional(&mut *tx)
            .await?;
        if role.as_deref() != Some("member") {
            return Ok(None);
        }
        let tickets = "(select id from tickets where member_id = $1)";
        let chat_messages =
            "(select m.id from chat_messages m join chats c on c.id = m.chat_id where c.member_id = $1)";
        let mut files: Vec<String> = sqlx::query_scalar(&format!(
            "select sha256 from attachments where ticket_id in {tickets} \
             union select sha256 from chat_attachments where message_id in {chat_messages}"
        ))
        .bind(member_id)
        .fetch_all(&mut *tx)
        .await?;
        files.sort();
        files.dedup();
        let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).bind(member_id);
        let n_tickets = count("select count(*) from tickets where member_id = $1")
            .fetch_one(&mut *tx)
            .await?;
        let n_chats = count("select count(*) from chats where member_id = $1")
            .fetch_one(&mut *tx)
            .await?;
        // Their open work ends as it would by hand: tickets closed (by the admin, in the
        // history), chats ended. Nothing of theirs waits in a queue or runs a clock any more.
        sqlx::query(
            "insert into ticket_events (ticket_id, actor_id, from_status, to_status, at) \
             select id, $2, status, 'closed', $3 from tickets \
             where member_id = $1 and status <> 'closed'",
        )
        .bind(member_id)
        .bind(actor_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "update tickets set status = 'closed', next_due_at = null, response_due_at = null, \
               resolve_running_since = null where member_id = $1 and status <> 'closed'",
        )
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "update chats set status = 'ended', ended_at = $2, end_reason = 'member' \
             where member_id = $1 and status <> 'ended'",
        )
        .bind(member_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        // The bytes go after the commit; this list survives a crash in between.
        for sha in &files {
            sqlx::query(
                "insert into file_deletions (sha256, queued_at) values ($1, $2) \
                 on conflict (sha256) do nothing",
            )
            .bind(sha)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        let statements = [
            format!("delete from attachments where ticket_id in {tickets}"),
            format!("delete from chat_attachments where message_id in {chat_messages}"),
            format!("update ticket_messages set body = '' where ticket_id in {tickets}"),
            "update tickets set title = '[erased]', description = '' where member_id = $1".into(),
            format!("update chat_messages set body = '' where kind = 'message' and id in {chat_messages}"),
            "update chats set display_name = '[erased]', email = '', member_number = null, \
             question = '[erased]' where member_id = $1"
                .into(),
            "update ratings set comment = '' where member_id = $1".into(),
            "delete from push_subscriptions where user_id = $1".into(),
            "delete from notification_optouts where user_id = $1".into(),
            "delete from ticket_viewers where user_id = $1".into(),
        ];
        for sql in statements {
            sqlx::query(&sql).bind(member_id).execute(&mut *tx).await?;
        }
        // Errors of sent or dropped notices may quote the member's address.
        sqlx::query("update outbox set last_error = null where recipient_id = $1")
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        // Notices not sent yet would carry the old name and texts: they go too.
        sqlx::query(
            "update outbox set dropped_at = $2, last_error = 'member erased' \
             where recipient_id = $1 and sent_at is null and dropped_at is null",
        )
        .bind(member_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "update users set username = $2, display_name = 'Erased member', email = $3, \
               member_number = null, password_hash = '!', disabled_at = $4 where id = $1",
        )
        .bind(member_id)
        .bind(format!("erased-{member_id}"))
        .bind(format!("erased-{member_id}@erased.invalid"))
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let audit = super::Audit {
            actor_id: Some(actor_id),
            action: "member.erase",
            target: Some(("user", member_id)),
            detail: serde_json::json!({
                "tickets": n_tickets, "chats": n_chats, "files": files.len()
            }),
        };
        super::audit::record(&mut tx, &audit, at).await?;
        tx.commit().await?;
        Ok(Some(Erased {
            tickets: n_tickets,
            chats: n_chats,
            files,
        }))
    }
}
