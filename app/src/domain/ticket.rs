use serde::{Deserialize, Serialize};

use super::TicketStatus;

/// One row in the member's lists. Dates are UTC milliseconds taken from the status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub id: i64,
    pub title: String,
    pub language: String,
    pub status: TicketStatus,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
}

/// Everything the "My Technical Issues" page shows, fetched in one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketLists {
    pub open: Vec<TicketSummary>,
    pub awaiting: Vec<TicketSummary>,
    pub closed: Vec<TicketSummary>,
}

impl TicketLists {
    pub fn from_rows(rows: Vec<TicketSummary>) -> TicketLists {
        let mut me = TicketLists {
            open: vec![],
            awaiting: vec![],
            closed: vec![],
        };
        for row in rows {
            match row.status {
                TicketStatus::Open => me.open.push(row),
                TicketStatus::AwaitingFeedback => me.awaiting.push(row),
                TicketStatus::Closed => me.closed.push(row),
            }
        }
        me.closed.sort_by_key(|t| std::cmp::Reverse(t.closed_at));
        me
    }
}
