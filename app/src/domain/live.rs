//! What the live-updates hub carries. Events say *what* changed, never the content: a page that
//! hears one refetches through its normal, access-checked server function.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A ticket was filed, answered, or moved. `member_id` is its owner: only they and staff hear it.
    Ticket { ticket_id: i64, member_id: i64 },
    /// A chat's state or messages changed.
    Chat {
        chat_id: i64,
        member_id: i64,
        agent_id: Option<i64>,
    },
    /// Someone is typing in a chat (only that chat's sockets pass it on).
    ChatTyping {
        chat_id: i64,
        user_id: i64,
        name: String,
    },
    /// The chat queue changed (a chat joined, left or was accepted): positions move.
    ChatQueue,
}

impl LiveEvent {
    /// Whether this person may hear the event.
    pub fn visible_to(&self, user_id: i64, is_staff: bool) -> bool {
        match self {
            LiveEvent::Ticket { member_id, .. } | LiveEvent::Chat { member_id, .. } => {
                is_staff || *member_id == user_id
            }
            LiveEvent::ChatTyping { .. } => false,
            LiveEvent::ChatQueue => is_staff,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_hear_only_their_own_tickets() {
        let e = LiveEvent::Ticket {
            ticket_id: 7,
            member_id: 1,
        };
        assert!(e.visible_to(1, false));
        assert!(!e.visible_to(2, false));
        assert!(e.visible_to(2, true));
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"type":"ticket","ticket_id":7,"member_id":1}"#);
    }
}
