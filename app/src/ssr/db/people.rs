//! Accounts as the admin console manages them: find, and change role, tier, on/off or password.
//! Each change is written with its audit entry in one transaction.
use sqlx::{AnyPool, FromRow};

use super::audit::{record, Audit};
use crate::domain::{Person, Role, Tier};

#[derive(FromRow)]
struct PersonRow {
    id: i64,
    username: String,
    display_name: String,
    email: String,
    member_number: Option<String>,
    tier: String,
    role: String,
    disabled_at: Option<i64>,
    tickets: i64,
}

impl TryFrom<PersonRow> for Person {
    type Error = sqlx::Error;
    fn try_from(r: PersonRow) -> Result<Person, sqlx::Error> {
        let bad = |index: &str, e: String| sqlx::Error::ColumnDecode {
            index: index.into(),
            source: e.into(),
        };
        Ok(Person {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            email: r.email,
            member_number: r.member_number,
            tier: Tier::parse(&r.tier).map_err(|e| bad("tier", e))?,
            role: Role::parse(&r.role).map_err(|e| bad("role", e))?,
            disabled: r.disabled_at.is_some(),
            tickets: r.tickets,
        })
    }
}

/// One change to an account.
#[derive(Debug, Clone)]
pub enum AccountChange {
    Role(Role),
    Tier(Tier),
    Disabled(bool),
    /// A new password hash (the password itself is never stored or audited).
    Password(String),
}

pub struct PeopleRepo<'a>(pub &'a AnyPool);

impl PeopleRepo<'_> {
    /// Staff, or members, whose username, name, email or member number contains `search`
    /// (case-insensitive; empty: everyone), by name, at most `limit`.
    #[tracing::instrument(skip_all, err)]
    pub async fn find(
        &self,
        staff: bool,
        search: &str,
        limit: i64,
    ) -> Result<Vec<Person>, sqlx::Error> {
        let pattern = if search.trim().is_empty() {
            String::new()
        } else {
            let escaped = search
                .trim()
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        };
        let rows: Vec<PersonRow> = sqlx::query_as(
            "select u.id, u.username, u.display_name, u.email, u.member_number, u.tier, u.role, \
               u.disabled_at, (select count(*) from tickets t where t.member_id = u.id) as tickets \
             from users u \
             where (case when u.role in ('agent', 'admin') then 1 else 0 end) = $1 \
               and ($2 = '' or lower(u.username) like $2 escape '\\' \
                    or lower(u.display_name) like $2 escape '\\' \
                    or lower(u.email) like $2 escape '\\' \
                    or coalesce(u.member_number, '') like $2 escape '\\') \
             order by lower(u.display_name), u.id limit $3",
        )
        .bind(i64::from(staff))
        .bind(pattern)
        .bind(limit)
        .fetch_all(self.0)
        .await?;
        rows.into_iter().map(Person::try_from).collect()
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn get(&self, id: i64) -> Result<Option<Person>, sqlx::Error> {
        let row: Option<PersonRow> = sqlx::query_as(
            "select u.id, u.username, u.display_name, u.email, u.member_number, u.tier, u.role, \
               u.disabled_at, (select count(*) from tickets t where t.member_id = u.id) as tickets \
             from users u where u.id = $1",
        )
        .bind(id)
        .fetch_optional(self.0)
        .await?;
        row.map(Person::try_from).transpose()
    }

    /// Applies one change with its audit entry; false if there is no such account.
    #[tracing::instrument(skip_all, err, fields(user_id = id))]
    pub async fn change(
        &self,
        id: i64,
        change: &AccountChange,
        actor_id: i64,
        at: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        let before: Option<(String, String, Option<i64>)> =
            sqlx::query_as("select role, tier, disabled_at from users where id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((role, tier, disabled_at)) = before else {
            return Ok(false);
        };
        let (sql, value, action, detail) = match change {
            AccountChange::Role(r) => (
                "update users set role = $1 where id = $2",
                Some(r.as_str().to_string()),
                "user.role",
                serde_json::json!({ "from": role, "to": r.as_str() }),
            ),
            AccountChange::Tier(t) => (
                "update users set tier = $1 where id = $2",
                Some(t.as_str().to_string()),
                "user.tier",
                serde_json::json!({ "from": tier, "to": t.as_str() }),
            ),
            AccountChange::Disabled(off) => (
                "update users set disabled_at = $1 where id = $2",
                None,
                if *off { "user.disable" } else { "user.enable" },
                serde_json::json!({ "was_disabled": disabled_at.is_some() }),
            ),
            AccountChange::Password(hash) => (
                "update users set password_hash = $1 where id = $2",
                Some(hash.clone()),
                "user.password_reset",
                serde_json::json!({}),
            ),
        };
        let query = sqlx::query(sql);
        let query = match (change, value) {
            (AccountChange::Disabled(off), _) => query.bind(off.then_some(at)),
            (_, value) => query.bind(value),
        };
        query.bind(id).execute(&mut *tx).await?;
        let audit = Audit {
            actor_id: Some(actor_id),
            action,
            target: Some(("user", id)),
            detail,
        };
        record(&mut tx, &audit, at).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records the creation of accounts just inserted (by `UserRepo::insert_all`).
    #[tracing::instrument(skip_all, err)]
    pub async fn record_created(
        &self,
        id: i64,
        username: &str,
        role: Role,
        actor_id: i64,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        let audit = Audit {
            actor_id: Some(actor_id),
            action: "user.create",
            target: Some(("user", id)),
            detail: serde_json::json!({ "username": username, "role": role.as_str() }),
        };
        super::AuditRepo(self.0).add(&audit, at).await
    }
}
