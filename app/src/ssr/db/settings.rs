//! The console's settings: one JSON document per section, replaced whole, audited with it.
use sqlx::AnyPool;

use super::audit::{record, Audit};

pub struct SettingsRepo<'a>(pub &'a AnyPool);

impl SettingsRepo<'_> {
    /// Every stored section as (name, JSON).
    #[tracing::instrument(skip_all, err)]
    pub async fn all(&self) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query_as("select section, value from desk_settings")
            .fetch_all(self.0)
            .await
    }

    /// Replaces the given sections and records each change, all in one transaction.
    #[tracing::instrument(skip_all, err)]
    pub async fn save(
        &self,
        sections: &[(&str, String, Audit<'_>)],
        at: i64,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.0.begin().await?;
        for (section, value, audit) in sections {
            sqlx::query(
                "insert into desk_settings (section, value, updated_at, updated_by) \
                 values ($1, $2, $3, $4) on conflict (section) do update \
                 set value = excluded.value, updated_at = excluded.updated_at, \
                     updated_by = excluded.updated_by",
            )
            .bind(*section)
            .bind(value)
            .bind(at)
            .bind(audit.actor_id)
            .execute(&mut *tx)
            .await?;
            record(&mut tx, audit, at).await?;
        }
        tx.commit().await
    }
}
