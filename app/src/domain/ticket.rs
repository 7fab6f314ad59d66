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
    /// While Awaiting Feedback: the IT team's latest question, answered from the list.
    pub question: Option<String>,
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

/// What an entry in the conversation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A reply by the member or an agent.
    Message,
    /// An agent's request for information (moves the ticket to Awaiting Feedback).
    Question,
    /// Internal note: staff only, never sent to a member.
    Note,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Message => "message",
            EntryKind::Question => "question",
            EntryKind::Note => "note",
        }
    }
    pub fn parse(s: &str) -> Result<EntryKind, String> {
        match s {
            "message" => Ok(EntryKind::Message),
            "question" => Ok(EntryKind::Question),
            "note" => Ok(EntryKind::Note),
            other => Err(format!("unknown entry kind '{other}'")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationEntry {
    pub id: i64,
    pub author_name: String,
    pub author_is_staff: bool,
    pub kind: EntryKind,
    pub body: String,
    pub at: i64,
    pub attachments: Vec<super::AttachmentInfo>,
}

/// The conversation in time order: messages and status changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimelineItem {
    Entry(ConversationEntry),
    Status {
        from: Option<TicketStatus>,
        to: TicketStatus,
        actor_name: String,
        at: i64,
    },
}

impl TimelineItem {
    pub fn at(&self) -> i64 {
        match self {
            TimelineItem::Entry(e) => e.at,
            TimelineItem::Status { at, .. } => *at,
        }
    }
}

/// A ticket page: the summary, who filed it, the description and the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDetail {
    pub summary: TicketSummary,
    pub member_name: String,
    pub member_tier: super::Tier,
    pub description: String,
    /// Files sent with the description when the ticket was filed.
    pub attachments: Vec<super::AttachmentInfo>,
    pub timeline: Vec<TimelineItem>,
    /// The person asking is staff: the page shows the agent's actions and internal notes.
    pub viewer_is_staff: bool,
}

impl TicketDetail {
    /// The agent's latest question while the ticket waits for the member.
    pub fn pending_question(&self) -> Option<&str> {
        if self.summary.status != TicketStatus::AwaitingFeedback {
            return None;
        }
        self.timeline.iter().rev().find_map(|item| match item {
            TimelineItem::Entry(e) if e.kind == EntryKind::Question => Some(e.body.as_str()),
            _ => None,
        })
    }
}
