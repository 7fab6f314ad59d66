//! Merging a duplicate ticket into the one the desk keeps: the duplicate points at it for good.
use super::TicketRepo;

/// What a merge found.
#[derive(Debug, PartialEq, Eq)]
pub enum Merged {
    Done,
    /// The duplicate was merged already (perhaps by another agent a moment ago).
    AlreadyMerged,
    /// The ticket to keep was itself merged into another: merge into that one instead.
    TargetMerged,
}

impl TicketRepo<'_> {
    /// Points `source` at `target` and records who did it, in one transaction. The statuses are
    /// the caller's business (the duplicate is then closed through the ordinary path).
    #[tracing::instrument(skip_all, err)]
    pub async fn merge(
        &self,
        source: i64,
        target: i64,
        actor_id: i64,
        at: i64,
    ) -> Result<Merged, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        // Hold both rows, lower id first, so two merges crossing each other (A into B, B into
        // A) take turns instead of both passing the check below.
        for id in [source.min(target), source.max(target)] {
            sqlx::query("update tickets set merged_into = merged_into where id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let done = sqlx::query(
            "update tickets set merged_into = $2 where id = $1 and merged_into is null \
             and exists (select 1 from tickets k where k.id = $2 and k.merged_into is null)",
        )
        .bind(source)
        .bind(target)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            let source_merged: Option<i64> =
                sqlx::query_scalar("select merged_into from tickets where id = $1")
                    .bind(source)
                    .fetch_one(&mut *tx)
                    .await?;
            return Ok(if source_merged.is_some() {
                Merged::AlreadyMerged
            } else {
                Merged::TargetMerged
            });
        }
        let audit = super::Audit {
            actor_id: Some(actor_id),
            action: "ticket.merge",
            target: Some(("ticket", source)),
            detail: serde_json::json!({ "into": target }),
        };
        super::audit::record(&mut tx, &audit, at).await?;
        tx.commit().await?;
        Ok(Merged::Done)
    }

    /// The tickets merged into this one, oldest first.
    #[tracing::instrument(skip_all, err)]
    pub async fn merged_from(&self, target: i64) -> Result<Vec<i64>, sqlx::Error> {
        sqlx::query_scalar("select id from tickets where merged_into = $1 order by id")
            .bind(target)
            .fetch_all(self.0)
            .await
    }
}
