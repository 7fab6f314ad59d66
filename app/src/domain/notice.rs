//! What the desk tells people outside the app (email, Web Push), and which of those notices a
//! person can turn off, per channel.
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
    /// A chat with an agent ended without becoming a ticket (the member may rate it).
    ChatEnded,
    /// Staff: a member filed a ticket.
    NewTicket,
    /// Staff: a member answered or replied.
    MemberAnswer,
    /// The assignee: the ticket's next service deadline is near.
    SlaWarning,
    /// The assignee: the ticket's service deadline has passed.
    SlaBreached,
}

/// Who a notice goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The ticket's (or chat's) member.
    Member,
    /// Every active agent and admin.
    Staff,
    /// The staff member holding the ticket.
    Assignee,
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
    /// Staff: deadlines of the tickets they hold, near or missed.
    Deadlines,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 11] = [
        NoticeKind::Question,
        NoticeKind::Reply,
        NoticeKind::Closed,
        NoticeKind::ChatTicket,
        NoticeKind::Reminder,
        NoticeKind::AutoClosed,
        NoticeKind::ChatEnded,
        NoticeKind::NewTicket,
        NoticeKind::MemberAnswer,
        NoticeKind::SlaWarning,
        NoticeKind::SlaBreached,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Question => "question",
            NoticeKind::Reply => "reply",
            NoticeKind::Closed => "closed",
            NoticeKind::ChatTicket => "chat_ticket",
            NoticeKind::Reminder => "reminder",
            NoticeKind::AutoClosed => "auto_closed",
            NoticeKind::ChatEnded => "chat_ended",
            NoticeKind::NewTicket => "new_ticket",
            NoticeKind::MemberAnswer => "member_answer",
            NoticeKind::SlaWarning => "sla_warning",
            NoticeKind::SlaBreached => "sla_breached",
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
        self.audience() != Audience::Member
    }

    /// Who gets it.
    pub fn audience(self) -> Audience {
        match self {
            NoticeKind::NewTicket | NoticeKind::MemberAnswer => Audience::Staff,
            NoticeKind::SlaWarning | NoticeKind::SlaBreached => Audience::Assignee,
            _ => Audience::Member,
        }
    }

    pub fn topic(self) -> Topic {
        match self {
            NoticeKind::Reminder => Topic::Reminders,
            NoticeKind::NewTicket => Topic::NewTickets,
            NoticeKind::MemberAnswer => Topic::MemberAnswers,
            NoticeKind::SlaWarning | NoticeKind::SlaBreached => Topic::Deadlines,
            _ => Topic::Updates,
        }
    }
}

impl Topic {
    pub const MEMBER: [Topic; 2] = [Topic::Updates, Topic::Reminders];
    pub const STAFF: [Topic; 3] = [Topic::NewTickets, Topic::MemberAnswers, Topic::Deadlines];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Updates => "updates",
            Topic::Reminders => "reminders",
            Topic::NewTickets => "new_tickets",
            Topic::MemberAnswers => "member_answers",
            Topic::Deadlines => "deadlines",
        }
    }

    pub fn parse(s: &str) -> Result<Topic, String> {
        Topic::MEMBER
            .into_iter()
            .chain(Topic::STAFF)
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown topic '{s}'"))
    }
}

/// How a notice reaches a person: an email, or a push to each device they turned it on for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Push,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Push => "push",
        }
    }
}

/// One topic as the preferences page shows it: wanted by email, and by push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSetting {
    pub topic: Topic,
    pub on: bool,
    pub push: bool,
}

/// A device a person turned push notifications on for, as their list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushDevice {
    pub id: i64,
    /// How the browser named itself when it subscribed ("Chrome on Android").
    pub label: String,
    pub created_at: i64,
    pub last_sent_at: Option<i64>,
}

/// The notifications page's data: topics, the devices with push on, and the key a browser
/// subscribes with (`None` when push is off on this server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSettings {
    pub topics: Vec<TopicSetting>,
    pub devices: Vec<PushDevice>,
    pub push_key: Option<String>,
}

/// A device's name for the list, from its browser's user agent: "Chrome · Android". Product
/// names only, so it reads the same in every language.
pub fn device_label(user_agent: &str) -> String {
    let ua = user_agent;
    // Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(mark, _)| ua.contains(mark))
    .map_or("Browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "Mac"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(mark, _)| ua.contains(mark))
    .map(|(_, name)| name);
    match system {
        Some(system) => format!("{browser} · {system}"),
        None => browser.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_named_by_browser_and_system() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
        assert_eq!(device_label(android), "Chrome · Android");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0";
        assert_eq!(device_label(edge), "Edge · Windows");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(device_label(iphone), "Safari · iPhone");
        assert_eq!(device_label("curl/8"), "Browser");
    }

    #[test]
    fn names_round_trip_and_topics_split_by_audience() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.as_str()), Ok(k));
            let staff_topic = Topic::STAFF.contains(&k.topic());
            assert_eq!(k.for_staff(), staff_topic, "{k:?}");
        }
        for t in Topic::MEMBER.into_iter().chain(Topic::STAFF) {
            assert_eq!(Topic::parse(t.as_str()), Ok(t));
        }
        assert!(Topic::parse("everything").is_err());
    }
}
