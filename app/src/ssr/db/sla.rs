//! A ticket's service clocks on its row: read and written inside the transaction that changes
//! the ticket, after its row is held, so two changes never move the clocks from the same start.
use sqlx::FromRow;

use crate::domain::Priority;
use crate::ssr::sla::SlaState;

#[derive(FromRow)]
struct SlaRow {
    priority: String,
    created_at: i64,
    first_response_at: Option<i64>,
    first_response_due: Option<i64>,
    response_owed_since: Option<i64>,
    response_due_at: Option<i64>,
    response_breaches: i64,
    resolve_running_since: Option<i64>,
    resolve_spent_ms: i64,
    resolve_due_at: Option<i64>,
    resolution_breached: Option<i64>,
}

const COLUMNS: &str = "priority, created_at, first_response_at, first_response_due, \
    response_owed_since, response_due_at, response_breaches, resolve_running_since, \
    resolve_spent_ms, resolve_due_at, resolution_breached";

impl TryFrom<SlaRow> for SlaState {
    type Error = sqlx::Error;
    fn try_from(r: SlaRow) -> Result<SlaState, sqlx::Error> {
        let priority = Priority::parse(&r.priority).map_err(|e| sqlx::Error::ColumnDecode {
            index: "priority".into(),
            source: e.into(),
        })?;
        // A ticket from before the clocks existed has no deadlines: it stays without them.
        Ok(SlaState {
            priority: Some(priority),
            created_at: r.created_at,
            first_response_at: r.first_response_at,
            first_response_due: r.first_response_due,
            response_owed_since: r.response_owed_since,
            response_due_at: r.response_due_at,
            response_breaches: r.response_breaches,
            resolve_running_since: r.resolve_running_since,
            resolve_spent_ms: r.resolve_spent_ms,
            resolve_due_at: r.resolve_due_at,
            resolution_breached: r.resolution_breached.map(|b| b == 1),
        })
    }
}

pub(super) async fn read<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    executor: E,
    ticket_id: i64,
) -> Result<Option<SlaState>, sqlx::Error> {
    let row: Option<SlaRow> =
        sqlx::query_as(&format!("select {COLUMNS} from tickets where id = $1"))
            .bind(ticket_id)
            .fetch_optional(executor)
            .await?;
    row.map(SlaState::try_from).transpose()
}

#[derive(FromRow)]
struct HandlingRow {
    #[sqlx(flatten)]
    clocks: SlaRow,
    assignee_id: Option<i64>,
}

/// The clocks and the assignee together, in one read (the staff part of a ticket page).
pub(super) async fn read_with_assignee(
    pool: &sqlx::AnyPool,
    ticket_id: i64,
) -> Result<Option<(SlaState, Option<i64>)>, sqlx::Error> {
    let row: Option<HandlingRow> = sqlx::query_as(&format!(
        "select {COLUMNS}, assignee_id from tickets where id = $1"
    ))
    .bind(ticket_id)
    .fetch_optional(pool)
    .await?;
    row.map(|r| Ok((SlaState::try_from(r.clocks)?, r.assignee_id)))
        .transpose()
}

pub(super) async fn write(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ticket_id: i64,
    s: &SlaState,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update tickets set priority = $1, first_response_at = $2, first_response_due = $3, \
           response_owed_since = $4, response_due_at = $5, response_breaches = $6, \
           resolve_running_since = $7, resolve_spent_ms = $8, resolve_due_at = $9, \
           resolution_breached = $10, next_due_at = $11 where id = $12",
    )
    .bind(s.priority.unwrap_or(Priority::Normal).as_str())
    .bind(s.first_response_at)
    .bind(s.first_response_due)
    .bind(s.response_owed_since)
    .bind(s.response_due_at)
    .bind(s.response_breaches)
    .bind(s.resolve_running_since)
    .bind(s.resolve_spent_ms)
    .bind(s.resolve_due_at)
    .bind(s.resolution_breached.map(i64::from))
    .bind(s.next_due())
    .bind(ticket_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
