//! Satisfaction ratings: one row per ticket or chat, written in place while it may change.
use sqlx::{AnyPool, FromRow};

use crate::domain::{Rated, Rating, RATING_CHANGE_DAYS};

const DAY_MS: i64 = 24 * 3600 * 1000;

#[derive(FromRow)]
struct RatingRow {
    good: i64,
    comment: String,
    created_at: i64,
    updated_at: i64,
}

impl From<RatingRow> for Rating {
    fn from(r: RatingRow) -> Rating {
        Rating {
            good: r.good == 1,
            comment: r.comment,
            rated_at: r.updated_at,
            changeable_until: r.created_at + RATING_CHANGE_DAYS * DAY_MS,
        }
    }
}

pub struct RatingRepo<'a>(pub &'a AnyPool);

fn column(what: Rated) -> &'static str {
    match what {
        Rated::Ticket(_) => "ticket_id",
        Rated::Chat(_) => "chat_id",
    }
}

impl RatingRepo<'_> {
    #[tracing::instrument(skip_all, err)]
    pub async fn of(&self, what: Rated) -> Result<Option<Rating>, sqlx::Error> {
        let col = column(what);
        let row: Option<RatingRow> = sqlx::query_as(&format!(
            "select good, comment, created_at, updated_at from ratings where {col} = $1"
        ))
        .bind(what.id())
        .fetch_optional(self.0)
        .await?;
        Ok(row.map(Rating::from))
    }

    /// The first rating, or a change to it while it may still change; false (nothing
    /// written) once it is fixed. One statement, so two at once cannot make two rows.
    #[tracing::instrument(skip_all, err)]
    pub async fn put(
        &self,
        what: Rated,
        member_id: i64,
        good: bool,
        comment: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let col = column(what);
        let done = sqlx::query(&format!(
            "insert into ratings ({col}, member_id, good, comment, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $5) \
             on conflict ({col}) where {col} is not null do update \
               set good = excluded.good, comment = excluded.comment, \
                   updated_at = excluded.updated_at \
             where ratings.created_at > $6"
        ))
        .bind(what.id())
        .bind(member_id)
        .bind(i64::from(good))
        .bind(comment)
        .bind(now)
        .bind(now - RATING_CHANGE_DAYS * DAY_MS)
        .execute(self.0)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
