//! Macros (canned answers): admins write them, agents read them. Each change is audited in its
//! own transaction.
use sqlx::{AnyPool, FromRow};

use super::audit::{record, Audit};
use super::is_unique_violation;
use crate::domain::{Macro, MacroInput, TicketStatus};

#[derive(FromRow)]
struct MacroRow {
    id: i64,
    name: String,
    body_en: String,
    body_es: String,
    set_status: Option<String>,
}

impl TryFrom<MacroRow> for Macro {
    type Error = sqlx::Error;
    fn try_from(r: MacroRow) -> Result<Macro, sqlx::Error> {
        let set_status = r
            .set_status
            .map(|s| TicketStatus::parse(&s))
            .transpose()
            .map_err(|e| sqlx::Error::ColumnDecode {
                index: "set_status".into(),
                source: e.into(),
            })?;
        Ok(Macro {
            id: r.id,
            name: r.name,
            body_en: r.body_en,
            body_es: r.body_es,
            set_status,
        })
    }
}

/// What a save did.
#[derive(Debug, PartialEq, Eq)]
pub enum MacroSaved {
    Saved(i64),
    /// Another macro has that name.
    NameTaken,
    NoMacro,
}

/// A ticket as the placeholders need it: (language, member name, title).
pub type MacroTicket = (String, String, String);

const COLUMNS: &str = "id, name, body_en, body_es, set_status";

pub struct MacroRepo<'a>(pub &'a AnyPool);

impl MacroRepo<'_> {
    /// Every macro, by name.
    #[tracing::instrument(skip_all, err)]
    pub async fn all(&self) -> Result<Vec<Macro>, sqlx::Error> {
        let rows: Vec<MacroRow> = sqlx::query_as(&format!(
            "select {COLUMNS} from macros order by lower(name), id"
        ))
        .fetch_all(self.0)
        .await?;
        rows.into_iter().map(Macro::try_from).collect()
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn get(&self, id: i64) -> Result<Option<Macro>, sqlx::Error> {
        let row: Option<MacroRow> =
            sqlx::query_as(&format!("select {COLUMNS} from macros where id = $1"))
                .bind(id)
                .fetch_optional(self.0)
                .await?;
        row.map(Macro::try_from).transpose()
    }

    /// Adds a macro (`id` `None`) or replaces one, with its audit entry.
    #[tracing::instrument(skip_all, err)]
    pub async fn save(
        &self,
        id: Option<i64>,
        m: &MacroInput,
        actor_id: i64,
        at: i64,
    ) -> Result<MacroSaved, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        let status = m.set_status.map(|s| s.as_str());
        let written: Result<Option<i64>, sqlx::Error> = match id {
            None => sqlx::query_scalar(
                "insert into macros (name, body_en, body_es, set_status, updated_at, updated_by) \
                 values ($1, $2, $3, $4, $5, $6) returning id",
            )
            .bind(&m.name)
            .bind(&m.body_en)
            .bind(&m.body_es)
            .bind(status)
            .bind(at)
            .bind(actor_id)
            .fetch_optional(&mut *tx)
            .await,
            Some(id) => {
                sqlx::query_scalar(
                    "update macros set name = $1, body_en = $2, body_es = $3, set_status = $4, \
                   updated_at = $5, updated_by = $6 where id = $7 returning id",
                )
                .bind(&m.name)
                .bind(&m.body_en)
                .bind(&m.body_es)
                .bind(status)
                .bind(at)
                .bind(actor_id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
            }
        };
        let saved = match written {
            Ok(Some(saved)) => saved,
            Ok(None) => return Ok(MacroSaved::NoMacro),
            Err(e) if is_unique_violation(&e) => return Ok(MacroSaved::NameTaken),
            Err(e) => return Err(e),
        };
        let audit = Audit {
            actor_id: Some(actor_id),
            action: if id.is_some() {
                "macro.update"
            } else {
                "macro.create"
            },
            target: Some(("macro", saved)),
            detail: serde_json::json!({
                "name": m.name, "set_status": status,
                "body_en": m.body_en, "body_es": m.body_es,
            }),
        };
        record(&mut tx, &audit, at).await?;
        tx.commit().await?;
        Ok(MacroSaved::Saved(saved))
    }

    /// Removes a macro; false if there was none.
    #[tracing::instrument(skip_all, err)]
    pub async fn delete(&self, id: i64, actor_id: i64, at: i64) -> Result<bool, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        let name: Option<String> =
            sqlx::query_scalar("delete from macros where id = $1 returning name")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(name) = name else {
            return Ok(false);
        };
        let audit = Audit {
            actor_id: Some(actor_id),
            action: "macro.delete",
            target: Some(("macro", id)),
            detail: serde_json::json!({ "name": name }),
        };
        record(&mut tx, &audit, at).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// What the placeholders of a ticket need.
    #[tracing::instrument(skip_all, err)]
    pub async fn ticket(&self, id: i64) -> Result<Option<MacroTicket>, sqlx::Error> {
        sqlx::query_as(
            "select t.language, u.display_name, t.title from tickets t \
             join users u on u.id = t.member_id where t.id = $1",
        )
        .bind(id)
        .fetch_optional(self.0)
        .await
    }
}
