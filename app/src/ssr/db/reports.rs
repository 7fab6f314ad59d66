//! The rows a report is computed from, under its filters (language, the member's rank, the
//! agent). The sums are done in Rust (`ssr::reports`): percentiles and a backlog per day are
//! the same code on SQLite and PostgreSQL that way.
use sqlx::{AnyPool, FromRow};

use crate::domain::ReportFilter;

pub struct ReportRepo<'a>(pub &'a AnyPool);

/// A status change of a ticket that matches the filters.
#[derive(Debug, Clone, FromRow)]
pub struct TicketEvent {
    pub ticket_id: i64,
    pub from_status: Option<String>,
    pub to_status: String,
    pub at: i64,
}

/// A matching ticket's service outcome.
#[derive(Debug, Clone, FromRow)]
pub struct TicketClocks {
    pub id: i64,
    pub first_response_at: Option<i64>,
    pub first_response_due: Option<i64>,
    pub resolution_breached: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct ChatRow {
    pub created_at: i64,
    pub accepted_at: Option<i64>,
    pub status: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct RatingRow {
    pub at: i64,
    pub good: i64,
}

/// The filter values as bound parameters $1 (language), $2 (tier), $3 (agent, 0: anyone).
fn binds(f: &ReportFilter) -> (String, String, i64) {
    (
        f.language.clone().unwrap_or_default(),
        f.tier.map(|t| t.as_str().to_string()).unwrap_or_default(),
        f.agent.unwrap_or(0),
    )
}

const TICKET_FILTER: &str = "($1 = '' or t.language = $1) and ($2 = '' or u.tier = $2) \
     and ($3 = 0 or t.assignee_id = $3)";

impl ReportRepo<'_> {
    /// Every status change before `until` of the matching tickets, in order.
    #[tracing::instrument(skip_all, err)]
    pub async fn ticket_events(
        &self,
        f: &ReportFilter,
        until: i64,
    ) -> Result<Vec<TicketEvent>, sqlx::Error> {
        let (language, tier, agent) = binds(f);
        sqlx::query_as(&format!(
            "select e.ticket_id, e.from_status, e.to_status, e.at from ticket_events e \
             join tickets t on t.id = e.ticket_id join users u on u.id = t.member_id \
             where {TICKET_FILTER} and e.at < $4 order by e.at, e.id"
        ))
        .bind(language)
        .bind(tier)
        .bind(agent)
        .bind(until)
        .fetch_all(self.0)
        .await
    }

    /// The service clocks of the matching tickets.
    #[tracing::instrument(skip_all, err)]
    pub async fn ticket_clocks(&self, f: &ReportFilter) -> Result<Vec<TicketClocks>, sqlx::Error> {
        let (language, tier, agent) = binds(f);
        sqlx::query_as(&format!(
            "select t.id, t.first_response_at, t.first_response_due, t.resolution_breached \
             from tickets t join users u on u.id = t.member_id where {TICKET_FILTER}"
        ))
        .bind(language)
        .bind(tier)
        .bind(agent)
        .fetch_all(self.0)
        .await
    }

    /// Chats started in `[from, until)`.
    #[tracing::instrument(skip_all, err)]
    pub async fn chats(
        &self,
        f: &ReportFilter,
        from: i64,
        until: i64,
    ) -> Result<Vec<ChatRow>, sqlx::Error> {
        let (language, tier, agent) = binds(f);
        sqlx::query_as(
            "select c.created_at, c.accepted_at, c.status from chats c \
             join users u on u.id = c.member_id \
             where ($1 = '' or c.language = $1) and ($2 = '' or u.tier = $2) \
               and ($3 = 0 or c.agent_id = $3) and c.created_at >= $4 and c.created_at < $5",
        )
        .bind(language)
        .bind(tier)
        .bind(agent)
        .bind(from)
        .bind(until)
        .fetch_all(self.0)
        .await
    }

    /// Ratings given (or last changed) in `[from, until)`, of tickets and chats alike.
    #[tracing::instrument(skip_all, err)]
    pub async fn ratings(
        &self,
        f: &ReportFilter,
        from: i64,
        until: i64,
    ) -> Result<Vec<RatingRow>, sqlx::Error> {
        let (language, tier, agent) = binds(f);
        sqlx::query_as(
            "select r.updated_at as at, r.good from ratings r \
             join users u on u.id = r.member_id \
             left join tickets t on t.id = r.ticket_id left join chats c on c.id = r.chat_id \
             where ($1 = '' or coalesce(t.language, c.language) = $1) \
               and ($2 = '' or u.tier = $2) \
               and ($3 = 0 or coalesce(t.assignee_id, c.agent_id) = $3) \
               and r.updated_at >= $4 and r.updated_at < $5",
        )
        .bind(language)
        .bind(tier)
        .bind(agent)
        .bind(from)
        .bind(until)
        .fetch_all(self.0)
        .await
    }
}
