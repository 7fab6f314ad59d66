//! Staff looking at a ticket right now (the collision warning).
use sqlx::AnyPool;

use crate::domain::Viewer;

pub struct ViewerRepo<'a>(pub &'a AnyPool);

impl ViewerRepo<'_> {
    /// Records that `user_id` has the ticket open (replying or not) at `at`. True when this
    /// changes what others see: they were not seen since `since`, or their replying flag moved.
    #[tracing::instrument(skip_all, err)]
    pub async fn touch(
        &self,
        ticket_id: i64,
        user_id: i64,
        replying: bool,
        at: i64,
        since: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        let before: Option<(i64, i64)> = sqlx::query_as(
            "select replying, seen_at from ticket_viewers where ticket_id = $1 and user_id = $2",
        )
        .bind(ticket_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query(
            "insert into ticket_viewers (ticket_id, user_id, replying, seen_at) \
             values ($1, $2, $3, $4) on conflict (ticket_id, user_id) \
             do update set replying = excluded.replying, seen_at = excluded.seen_at",
        )
        .bind(ticket_id)
        .bind(user_id)
        .bind(i64::from(replying))
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(match before {
            Some((was, seen)) => seen < since || (was == 1) != replying,
            None => true,
        })
    }

    /// Everyone but `user_id` seen on the ticket since `since`, by name.
    #[tracing::instrument(skip_all, err)]
    pub async fn others(
        &self,
        ticket_id: i64,
        user_id: i64,
        since: i64,
    ) -> Result<Vec<Viewer>, sqlx::Error> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "select u.display_name, v.replying from ticket_viewers v \
               join users u on u.id = v.user_id \
             where v.ticket_id = $1 and v.user_id <> $2 and v.seen_at >= $3 \
             order by v.replying desc, u.display_name",
        )
        .bind(ticket_id)
        .bind(user_id)
        .bind(since)
        .fetch_all(self.0)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(name, replying)| Viewer {
                name,
                replying: replying == 1,
            })
            .collect())
    }
}
