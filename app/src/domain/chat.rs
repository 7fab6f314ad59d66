//! Tech Support Chat: the states of a chat, what pages show, and the frames on its WebSocket.
use serde::{Deserialize, Serialize};

use super::{AttachmentInfo, Tier};

/// Longest chat message, in characters.
pub const CHAT_MESSAGE_MAX: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatStatus {
    /// Waiting for an agent.
    Queued,
    /// An agent accepted it; messages flow both ways.
    Active,
    Ended,
}

impl ChatStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatStatus::Queued => "queued",
            ChatStatus::Active => "active",
            ChatStatus::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Result<ChatStatus, String> {
        match s {
            "queued" => Ok(ChatStatus::Queued),
            "active" => Ok(ChatStatus::Active),
            "ended" => Ok(ChatStatus::Ended),
            other => Err(format!("unknown chat status '{other}'")),
        }
    }
}

/// Why a chat ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The member left the queue or ended the chat.
    Member,
    /// The agent ended it.
    Agent,
    /// It became a ticket.
    Ticket,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Member => "member",
            EndReason::Agent => "agent",
            EndReason::Ticket => "ticket",
        }
    }

    pub fn parse(s: &str) -> Option<EndReason> {
        match s {
            "member" => Some(EndReason::Member),
            "agent" => Some(EndReason::Agent),
            "ticket" => Some(EndReason::Ticket),
            _ => None,
        }
    }
}

/// What a system message says; pages word it in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemNote {
    AgentJoined,
    AgentLeft,
    MemberLeft,
    TurnedIntoTicket,
    /// The agent's canned answer for a chat in another language.
    AskForTicket,
    /// The agent passed the chat to another agent.
    Transferred,
}

impl SystemNote {
    pub fn as_str(self) -> &'static str {
        match self {
            SystemNote::AgentJoined => "agent_joined",
            SystemNote::AgentLeft => "agent_left",
            SystemNote::MemberLeft => "member_left",
            SystemNote::TurnedIntoTicket => "turned_into_ticket",
            SystemNote::AskForTicket => "ask_for_ticket",
            SystemNote::Transferred => "transferred",
        }
    }

    pub fn parse(s: &str) -> Option<SystemNote> {
        [
            SystemNote::AgentJoined,
            SystemNote::AgentLeft,
            SystemNote::MemberLeft,
            SystemNote::TurnedIntoTicket,
            SystemNote::AskForTicket,
            SystemNote::Transferred,
        ]
        .into_iter()
        .find(|n| n.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub id: i64,
    /// `None` for system messages.
    pub author_name: Option<String>,
    pub from_staff: bool,
    pub system: Option<SystemNote>,
    pub body: String,
    pub at: i64,
    pub attachments: Vec<AttachmentInfo>,
}

/// A message as its chat's sockets pass it on: with the id of the chat's message before it, so
/// a socket that has sent exactly up to there sends this one without reading the chat again
/// (any other socket reads what it misses from the database).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextMessage {
    pub after: i64,
    pub message: ChatMessage,
}

/// A chat without its messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatHead {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub member_number: Option<String>,
    pub member_tier: Tier,
    pub email: String,
    pub question: String,
    pub language: String,
    pub status: ChatStatus,
    pub agent_id: Option<i64>,
    pub agent_name: Option<String>,
    pub created_at: i64,
    pub ended_at: Option<i64>,
    pub end_reason: Option<EndReason>,
    pub ticket_id: Option<i64>,
}

/// Where a queued chat stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueInfo {
    /// 1 = next to be answered.
    pub position: i64,
    pub agents_online: i64,
    /// `None` when no agent is online (then no honest estimate exists).
    pub estimated_wait_secs: Option<i64>,
    pub waited_secs: i64,
    /// No agent online, or waited past the maximum: offer a ticket instead.
    pub offer_ticket: bool,
}

/// A queued chat's line: its place, the agents online, the estimated wait, and whether to offer
/// a ticket instead (nobody online, or waited past the maximum).
pub fn queue_line(
    position: i64,
    agents_online: i64,
    recent_waits_secs: &[i64],
    waited_secs: i64,
    max_wait_secs: i64,
) -> QueueInfo {
    QueueInfo {
        position,
        agents_online,
        estimated_wait_secs: estimate_wait(recent_waits_secs, position, agents_online),
        waited_secs,
        offer_ticket: agents_online == 0 || waited_secs >= max_wait_secs,
    }
}

/// Estimated wait: the recent average time to answer, times the chats ahead per online agent.
pub fn estimate_wait(recent_waits_secs: &[i64], position: i64, agents_online: i64) -> Option<i64> {
    if agents_online <= 0 {
        return None;
    }
    // Saturating: the inputs come from the database, and a wild value must not panic.
    let average = if recent_waits_secs.is_empty() {
        120
    } else {
        recent_waits_secs
            .iter()
            .fold(0i64, |sum, w| sum.saturating_add(*w))
            / recent_waits_secs.len() as i64
    };
    let rounds = position.saturating_add(agents_online - 1) / agents_online;
    Some(average.max(30).saturating_mul(rounds.max(1)))
}

/// The chat page: the chat, everything said so far, and (while queued) the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatView {
    pub head: ChatHead,
    pub messages: Vec<ChatMessage>,
    pub queue: Option<QueueInfo>,
    pub viewer_is_staff: bool,
    /// The question's language when it is confidently not English (the ticket offer's language).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question_language: Option<String>,
}

/// A chat waiting in the agents' queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingChat {
    pub head: ChatHead,
    pub waited_secs: i64,
}

/// The agent's chat console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatConsole {
    pub waiting: Vec<WaitingChat>,
    pub mine: Vec<ChatHead>,
    pub agents_online: i64,
    pub me_online: bool,
    pub cap: i64,
}

/// What starting a chat led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChatStart {
    Started {
        id: i64,
    },
    /// The question is confidently not English: offer a ticket in that language instead.
    NotEnglish {
        language: String,
    },
}

/// Frames a browser sends on a chat's WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Send everything after this message id (0: all), then live updates.
    Resume {
        after: i64,
    },
    /// A message; `client_ref` comes back in the `Ack` once it is stored.
    Send {
        body: String,
        client_ref: String,
    },
    Typing,
}

/// Frames the server sends on a chat's WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    State {
        head: Box<ChatHead>,
        queue: Option<QueueInfo>,
    },
    Messages {
        messages: Vec<ChatMessage>,
    },
    Ack {
        client_ref: String,
        message_id: i64,
    },
    Typing {
        name: String,
    },
    /// A frame was refused. `message` is English (for logs and scripts); the page words `error`.
    Error {
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<super::AppError>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_are_honest() {
        assert_eq!(estimate_wait(&[60, 180], 1, 1), Some(120));
        assert_eq!(estimate_wait(&[60, 180], 3, 1), Some(360));
        assert_eq!(estimate_wait(&[60, 180], 3, 2), Some(240));
        assert_eq!(estimate_wait(&[], 1, 1), Some(120));
        assert_eq!(estimate_wait(&[60], 1, 0), None);
    }

    #[test]
    fn frames_have_a_stable_shape() {
        let f: ClientFrame =
            serde_json::from_str(r#"{"type":"send","body":"hi","client_ref":"a1"}"#).unwrap();
        assert_eq!(
            f,
            ClientFrame::Send {
                body: "hi".into(),
                client_ref: "a1".into()
            }
        );
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"shout"}"#).is_err());
    }
}

/// What the agent's side of a chat offers: canned answers filled in for this chat, and the
/// agents it can be passed to (online, not at their cap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatTools {
    pub macros: Vec<super::TicketMacro>,
    pub agents: Vec<super::StaffMember>,
}
