//! What the desk tells people outside the app (email, later push), and which of those notices
//! a person can turn off.
use serde::{Deserialize, Serialize};

/// Why a notice is sent. Member notices go to the ticket's member; staff notices to agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The IT team asked the member something (the ticket is Awaiting Feedback).
    Question,
    /// An agent replied.
    Reply,
    /// An agent closed the ticket.
    Closed,
    /// A chat the member left was filed as a ticket.
    ChatTicket,
    /// The ticket is still waiting for the member's answer.
    Reminder,
    /// Nobody answered, so the desk closed it.
    AutoClosed,
    /// Staff: a member filed a ticket.
    NewTicket,
    /// Staff: a member answered or replied.
    MemberAnswer,
}

/// A group of notices a person can turn off together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// Questions, replies, closings of the member's own tickets.
    Updates,
    /// "We are still waiting for your answer".
    Reminders,
    NewTickets,
    MemberAnswers,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 8] = [
        NoticeKind::Question,
        NoticeKind::Reply,
        NoticeKind::Closed,
        NoticeKind::ChatTicket,
        NoticeKind::Reminder,
        NoticeKind::AutoClosed,
        NoticeKind::NewTicket,
        NoticeKind::MemberAnswer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Question => "question",
            NoticeKind::Reply => "reply",
            NoticeKind::Closed => "closed",
            NoticeKind::ChatTicket => "chat_ticket",
            NoticeKind::Reminder => "reminder",
            NoticeKind::AutoClosed => "auto_closed",
            NoticeKind::NewTicket => "new_ticket",
            NoticeKind::MemberAnswer => "member_answer",
        }
    }

    pub fn parse(s: &str) -> Result<NoticeKind, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown notice kind '{s}'"))
    }

    /// Sent to staff rather than to the ticket's member.
    pub fn for_staff(self) -> bool {
        matches!(self, NoticeKind::NewTicket | NoticeKind::MemberAnswer)
    }

    pub fn topic(self) -> Topic {
        match self {
            NoticeKind::Reminder => Topic::Reminders,
            NoticeKind::NewTicket => Topic::NewTickets,
            NoticeKind::MemberAnswer => Topic::MemberAnswers,
            _ => Topic::Updates,
        }
    }
}

impl Topic {
    pub const MEMBER: [Topic; 2] = [Topic::Updates, Topic::Reminders];
    pub const STAFF: [Topic; 2] = [Topic::NewTickets, Topic::MemberAnswers];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Updates => "updates",
            Topic::Reminders => "reminders",
            Topic::NewTickets => "new_tickets",
            Topic::MemberAnswers => "member_answers",
        }
    }

    pub fn parse(s: &str) -> Result<Topic, String> {
        [Topic::MEMBER, Topic::STAFF]
            .concat()
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown topic '{s}'"))
    }
}

/// One topic as the preferences page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSetting {
    pub topic: Topic,
    pub on: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_topics_split_by_audience() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.as_str()), Ok(k));
            let staff_topic = Topic::STAFF.contains(&k.topic());
            assert_eq!(k.for_staff(), staff_topic, "{k:?}");
        }
        for t in [Topic::MEMBER, Topic::STAFF].concat() {
            assert_eq!(Topic::parse(t.as_str()), Ok(t));
        }
        assert!(Topic::parse("everything").is_err());
    }
}
