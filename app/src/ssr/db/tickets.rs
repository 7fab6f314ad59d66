use sqlx::{AnyPool, Row};

use crate::domain::{TicketStatus, TicketSummary};

pub struct TicketRepo<'a>(pub &'a AnyPool);

/// A ticket with its whole status history, for the demo seed and tests.
pub struct NewTicketSeed<'a> {
    pub member_id: i64,
    pub title: &'a str,
    pub language: &'a str,
    pub description: &'a str,
    /// `(actor, to_status, at)` in order; the first entry opens the ticket.
    pub history: Vec<(i64, TicketStatus, i64)>,
}

impl TicketRepo<'_> {
    /// The member's own tickets with the dates read from the status history.
    /// Newest first; `TicketLists::from_rows` orders the closed list by closing date.
    pub async fn list_for_member(&self, member_id: i64) -> Result<Vec<TicketSummary>, sqlx::Error> {
        let rows = sqlx::query(
            "select t.id, t.title, t.language, t.status, \
               (select min(e.at) from ticket_events e where e.ticket_id = t.id) as opened_at, \
               (select max(e.at) from ticket_events e \
                  where e.ticket_id = t.id and e.to_status = 'closed') as closed_at \
             from tickets t where t.member_id = $1 \
             order by t.id desc",
        )
        .bind(member_id)
        .fetch_all(self.0)
        .await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                Ok(TicketSummary {
                    id: r.try_get("id")?,
                    title: r.try_get("title")?,
                    language: r.try_get("language")?,
                    status: TicketStatus::parse(&status).map_err(|e| {
                        sqlx::Error::ColumnDecode {
                            index: "status".into(),
                            source: e.into(),
                        }
                    })?,
                    opened_at: r.try_get("opened_at")?,
                    closed_at: r.try_get("closed_at")?,
                })
            })
            .collect()
    }

    /// Stores a ticket and its history in one transaction; the status is the last one given.
    pub async fn insert_with_history(&self, t: &NewTicketSeed<'_>) -> Result<i64, sqlx::Error> {
        let (_, last_status, _) = *t.history.last().ok_or(sqlx::Error::RowNotFound)?;
        let created_at = t.history[0].2;
        let mut tx = self.0.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into tickets (member_id, title, language, description, status, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(t.member_id)
        .bind(t.title)
        .bind(t.language)
        .bind(t.description)
        .bind(last_status.as_str())
        .bind(created_at)
        .fetch_one(&mut *tx)
        .await?;
        let mut from: Option<&str> = None;
        for (actor, to, at) in &t.history {
            sqlx::query(
                "insert into ticket_events (ticket_id, actor_id, from_status, to_status, at) \
                 values ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(*actor)
            .bind(from.map(str::to_string))
            .bind(to.as_str())
            .bind(*at)
            .execute(&mut *tx)
            .await?;
            from = Some(to.as_str());
        }
        tx.commit().await?;
        Ok(id)
    }
}
