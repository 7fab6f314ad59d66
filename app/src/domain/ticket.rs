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
    // Absent fields are left out: a dashboard carries fifty of these in its hydration data,
    // which Leptos escapes character by character (about a tenth of the page's cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<i64>,
    /// While Awaiting Feedback: the IT team's latest question, answered from the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// While it waits for the member: when the desk will close it without an answer.
    pub closes_at: Option<i64>,
    /// Staff only: owner, priority and clocks.
    pub desk: Option<TicketDesk>,
    /// A duplicate: the ticket it was merged into, where the conversation goes on.
    pub merged_into: Option<i64>,
    /// The duplicates merged into this ticket.
    pub merged_from: Vec<i64>,
}

/// What staff see of how a ticket is being handled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDesk {
    pub assignee_id: Option<i64>,
    pub sla: super::SlaView,
    /// Who it may be given to.
    pub staff: Vec<super::StaffMember>,
    /// The server's clock when read, so time left renders the same on server and client.
    pub now: i64,
    /// Who is looking (their own ticket needs no "take it").
    pub viewer_id: i64,
    /// The canned answers, filled in for this ticket.
    pub macros: Vec<super::TicketMacro>,
    /// Other staff who have the ticket open now.
    pub viewers: Vec<Viewer>,
}

/// Another staff member with the ticket open: "Ana is viewing" or "Ana is replying".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub name: String,
    pub replying: bool,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(closed_at: Option<i64>, question: Option<&str>) -> TicketSummary {
        TicketSummary {
            id: 7,
            title: "Printer".into(),
            language: "en".into(),
            status: TicketStatus::Open,
            opened_at: 1,
            closed_at,
            question: question.map(str::to_string),
        }
    }

    #[test]
    fn absent_dates_and_questions_are_left_out_and_read_back_as_absent() {
        let open = summary(None, None);
        let json = serde_json::to_string(&open).unwrap();
        assert!(
            !json.contains("closed_at") && !json.contains("question"),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<TicketSummary>(&json).unwrap(), open);
        let answered = summary(Some(9), Some("Which browser?"));
        let json = serde_json::to_string(&answered).unwrap();
        assert!(json.contains("\"closed_at\":9") && json.contains("Which browser?"));
        assert_eq!(
            serde_json::from_str::<TicketSummary>(&json).unwrap(),
            answered
        );
    }
}
