use serde::{Deserialize, Serialize};

use super::TicketStatus;

/// One row in the member's lists. Dates are UTC milliseconds taken from the status history.
///
/// Sent as a JSON array, not an object: `[id, title, language, status, opened_at]`, then
/// `closed_at` and the question when there is one. A dashboard carries fifty of these in its
/// hydration data, which Leptos writes as a JS string escaping it character by character; field
/// names made it twice as long and each of their quotes one more escape (BENCHMARKS.md, issue 16).
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl Serialize for TicketSummary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        // Trailing absent fields are left out; a question needs its (maybe absent) date before it.
        let len = match (&self.closed_at, &self.question) {
            (_, Some(_)) => 7,
            (Some(_), None) => 6,
            (None, None) => 5,
        };
        let mut seq = serializer.serialize_seq(Some(len))?;
        seq.serialize_element(&self.id)?;
        seq.serialize_element(&self.title)?;
        seq.serialize_element(&self.language)?;
        seq.serialize_element(&self.status)?;
        seq.serialize_element(&self.opened_at)?;
        if len > 5 {
            seq.serialize_element(&self.closed_at)?;
        }
        if len > 6 {
            seq.serialize_element(&self.question)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for TicketSummary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Summary;
        impl<'de> serde::de::Visitor<'de> for Summary {
            type Value = TicketSummary;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a ticket summary [id, title, language, status, opened_at, ...]")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                use serde::de::Error;
                let missing = |i| A::Error::invalid_length(i, &self);
                Ok(TicketSummary {
                    id: seq.next_element()?.ok_or_else(|| missing(0))?,
                    title: seq.next_element()?.ok_or_else(|| missing(1))?,
                    language: seq.next_element()?.ok_or_else(|| missing(2))?,
                    status: seq.next_element()?.ok_or_else(|| missing(3))?,
                    opened_at: seq.next_element()?.ok_or_else(|| missing(4))?,
                    closed_at: seq.next_element::<Option<i64>>()?.flatten(),
                    question: seq.next_element::<Option<String>>()?.flatten(),
                })
            }
        }
        deserializer.deserialize_seq(Summary)
    }
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
    fn summaries_travel_as_short_arrays_and_read_back_the_same() {
        let open = summary(None, None);
        let json = serde_json::to_string(&open).unwrap();
        assert_eq!(json, r#"[7,"Printer","en","open",1]"#);
        assert_eq!(serde_json::from_str::<TicketSummary>(&json).unwrap(), open);
        let closed = summary(Some(9), None);
        let json = serde_json::to_string(&closed).unwrap();
        assert_eq!(json, r#"[7,"Printer","en","open",1,9]"#);
        assert_eq!(
            serde_json::from_str::<TicketSummary>(&json).unwrap(),
            closed
        );
        let asked = summary(None, Some("Which browser?"));
        let json = serde_json::to_string(&asked).unwrap();
        assert_eq!(json, r#"[7,"Printer","en","open",1,null,"Which browser?"]"#);
        assert_eq!(serde_json::from_str::<TicketSummary>(&json).unwrap(), asked);
    }

    #[test]
    fn a_summary_missing_a_required_field_is_refused() {
        let err = serde_json::from_str::<TicketSummary>(r#"[7,"Printer","en","open"]"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid length 4"), "{err}");
        assert!(serde_json::from_str::<TicketSummary>(r#"{"id":7}"#).is_err());
    }
}
