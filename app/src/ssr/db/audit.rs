//! The audit log: one row per staff or admin action, written in the same transaction as the
//! action itself, so a change and its record stand or fall together. Never updated or deleted.
use sqlx::{AnyPool, FromRow};

use crate::domain::{AuditEntry, AuditFilter};

/// One action about to be recorded.
pub struct Audit<'a> {
    pub actor_id: Option<i64>,
    /// `area.verb`, e.g. `ticket.assign`, `settings.save`, `member.erase`.
    pub action: &'a str,
    /// What it was done to: (`ticket` | `user` | `settings` | `macro` | …, id).
    pub target: Option<(&'a str, i64)>,
    /// The particulars (from/to values), as JSON.
    pub detail: serde_json::Value,
}

pub(super) async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    entry: &Audit<'_>,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into audit_log (at, actor_id, action, target_kind, target_id, detail) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(at)
    .bind(entry.actor_id)
    .bind(entry.action)
    .bind(entry.target.map(|(kind, _)| kind))
    .bind(entry.target.map(|(_, id)| id))
    .bind(entry.detail.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    actor_name: Option<String>,
    action: String,
    target_kind: Option<String>,
    target_id: Option<i64>,
    detail: String,
}

pub struct AuditRepo<'a>(pub &'a AnyPool);

impl AuditRepo<'_> {
    /// An action that changes nothing else (an export): recorded on its own.
    #[tracing::instrument(skip_all, err)]
    pub async fn add(&self, entry: &Audit<'_>, at: i64) -> Result<(), sqlx::Error> {
        let mut tx = self.0.begin().await?;
        record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// Newest first, at most `limit`, under the filter.
    #[tracing::instrument(skip_all, err)]
    pub async fn list(&self, f: &AuditFilter, limit: i64) -> Result<Vec<AuditEntry>, sqlx::Error> {
        let action = f.action.clone().unwrap_or_default();
        let rows: Vec<AuditRow> = sqlx::query_as(
            "select a.id, a.at, u.display_name as actor_name, a.action, a.target_kind, \
               a.target_id, a.detail \
             from audit_log a left join users u on u.id = a.actor_id \
             where ($1 = 0 or a.actor_id = $1) and ($2 = '' or a.action like $2 || '%') \
               and ($3 = 0 or a.at >= $3) and ($4 = 0 or a.at < $4) \
               and ($5 = '' or a.target_kind = $5) and ($6 = 0 or a.target_id = $6) \
             order by a.id desc limit $7",
        )
        .bind(f.actor_id.unwrap_or(0))
        .bind(action)
        .bind(f.from.unwrap_or(0))
        .bind(f.to.unwrap_or(0))
        .bind(f.target_kind.clone().unwrap_or_default())
        .bind(f.target_id.unwrap_or(0))
        .bind(limit)
        .fetch_all(self.0)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                actor_name: r.actor_name,
                action: r.action,
                target_kind: r.target_kind,
                target_id: r.target_id,
                detail: r.detail,
            })
            .collect())
    }
}
