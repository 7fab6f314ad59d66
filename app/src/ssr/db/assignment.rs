//! Who owns a ticket, and how urgent it is: taking, assigning, the round robin of new tickets,
//! and a new priority moving the clocks. Each change is audited in its own transaction.
use sqlx::FromRow;

use super::audit::{record, Audit};
use super::TicketRepo;
use crate::domain::{Priority, StaffMember};
use crate::ssr::sla::{SlaEvent, SlaRules};

/// What an assignment did.
#[derive(Debug, PartialEq, Eq)]
pub enum Assigned {
    /// Stored (or already so); the assignee before.
    Done {
        before: Option<i64>,
    },
    /// A take lost the race: someone else holds the ticket now.
    TakenBy(i64),
    NoTicket,
}

#[derive(FromRow)]
struct StaffRow {
    id: i64,
    display_name: String,
    role: String,
    open_tickets: i64,
    online: i64,
}

/// Holds the ticket's row for the rest of the transaction; false if there is no such ticket.
async fn hold(tx: &mut sqlx::Transaction<'_, sqlx::Any>, id: i64) -> Result<bool, sqlx::Error> {
    let held = sqlx::query("update tickets set assignee_id = assignee_id where id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(held.rows_affected() == 1)
}

impl TicketRepo<'_> {
    /// Gives the ticket to `to` (`None`: nobody). With `take`, only if nobody else holds it.
    #[tracing::instrument(skip_all, err, fields(ticket_id = id))]
    pub async fn assign(
        &self,
        id: i64,
        to: Option<i64>,
        actor_id: i64,
        take: bool,
        at: i64,
    ) -> Result<Assigned, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        if !hold(&mut tx, id).await? {
            return Ok(Assigned::NoTicket);
        }
        let before: Option<i64> =
            sqlx::query_scalar("select assignee_id from tickets where id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if let (true, Some(holder)) = (take, before) {
            if Some(holder) != to {
                return Ok(Assigned::TakenBy(holder));
            }
        }
        if before != to {
            sqlx::query("update tickets set assignee_id = $1 where id = $2")
                .bind(to)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let audit = Audit {
                actor_id: Some(actor_id),
                action: if take { "ticket.take" } else { "ticket.assign" },
                target: Some(("ticket", id)),
                detail: serde_json::json!({ "from": before, "to": to }),
            };
            record(&mut tx, &audit, at).await?;
        }
        tx.commit().await?;
        Ok(Assigned::Done { before })
    }

    /// A new priority, and the running deadlines it moves. `None`: no such ticket.
    #[tracing::instrument(skip_all, err, fields(ticket_id = id))]
    pub async fn set_priority(
        &self,
        id: i64,
        priority: Priority,
        actor_id: i64,
        rules: &SlaRules,
        at: i64,
    ) -> Result<Option<Priority>, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        if !hold(&mut tx, id).await? {
            return Ok(None);
        }
        let Some(mut clocks) = super::sla::read(&mut *tx, id).await? else {
            return Ok(None);
        };
        let before = clocks.priority.unwrap_or(Priority::Normal);
        if before != priority {
            clocks.apply(SlaEvent::Reprioritised(priority), at, rules);
            super::sla::write(&mut tx, id, &clocks).await?;
            let audit = Audit {
                actor_id: Some(actor_id),
                action: "ticket.priority",
                target: Some(("ticket", id)),
                detail: serde_json::json!({ "from": before.as_str(), "to": priority.as_str() }),
            };
            record(&mut tx, &audit, at).await?;
        }
        tx.commit().await?;
        Ok(Some(before))
    }

    /// Everyone who may hold tickets, with their load and whether they are online now.
    #[tracing::instrument(skip_all, err)]
    pub async fn staff(&self, online_since: i64) -> Result<Vec<StaffMember>, sqlx::Error> {
        let rows: Vec<StaffRow> = sqlx::query_as(
            "select u.id, u.display_name, u.role, \
               (select count(*) from tickets t where t.assignee_id = u.id \
                  and t.status <> 'closed') as open_tickets, \
               (select count(*) from agent_presence p where p.user_id = u.id \
                  and p.status = 'online' and p.seen_at >= $1) as online \
             from users u where u.role in ('agent', 'admin') and u.disabled_at is null \
             order by u.display_name, u.id",
        )
        .bind(online_since)
        .fetch_all(self.0)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| StaffMember {
                id: r.id,
                name: r.display_name,
                admin: r.role == "admin",
                open_tickets: r.open_tickets,
                online: r.online > 0,
            })
            .collect())
    }
}

/// The round robin: inside the transaction that files the ticket, gives it to the online agent
/// under `cap` who got one automatically longest ago. `None`: nobody can take it now.
pub(super) async fn auto_assign(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ticket_id: i64,
    online_since: i64,
    cap: u32,
    at: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("update assignment_lock set id = id")
        .execute(&mut **tx)
        .await?;
    let agent: Option<i64> = sqlx::query_scalar(
        "select u.id from users u \
           join agent_presence p on p.user_id = u.id \
           left join assignment_rotation r on r.agent_id = u.id \
         where u.role in ('agent', 'admin') and u.disabled_at is null \
           and p.status = 'online' and p.seen_at >= $1 \
           and (select count(*) from tickets t where t.assignee_id = u.id \
                  and t.status <> 'closed') < $2 \
         order by coalesce(r.last_assigned_at, 0), u.id limit 1",
    )
    .bind(online_since)
    .bind(cap as i64)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(agent) = agent else {
        return Ok(None);
    };
    sqlx::query("update tickets set assignee_id = $1 where id = $2")
        .bind(agent)
        .bind(ticket_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "insert into assignment_rotation (agent_id, last_assigned_at) values ($1, $2) \
         on conflict (agent_id) do update set last_assigned_at = excluded.last_assigned_at",
    )
    .bind(agent)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    let audit = Audit {
        actor_id: None,
        action: "ticket.assign",
        target: Some(("ticket", ticket_id)),
        detail: serde_json::json!({ "from": null, "to": agent, "automatic": true }),
    };
    record(tx, &audit, at).await?;
    Ok(Some(agent))
}
