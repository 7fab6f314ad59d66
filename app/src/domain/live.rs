//! What the live-updates hub carries. Events say *what* changed, never the content: a page that
//! hears one refetches through its normal, access-checked server function. One exception: a new
//! chat message rides along to that chat's own sockets (never to pages), which were checked
//! when they opened, so that each does not read it back from the database.
use serde::{Deserialize, Serialize};

/// The names of the events on `/events`, written by `ssr::http::events`, read by
/// `components::live`.
pub mod stream_event {
    /// Carries a `LiveEvent` as JSON.
    pub const LIVE: &str = "live";
    /// Sent first on every connection: after the first, it means "reconnected, refetch".
    pub const READY: &str = "ready";
    /// Something may have been missed (lagging, the database listener came back): refetch.
    pub const RESYNC: &str = "resync";
}

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
        /// Only a message was added (the chat's state did not change), so its sockets need not
        /// read the state again. Absent (older instances) means anything may have changed.
        #[serde(default)]
        message_only: bool,
        /// With `message_only`: the message, when it is small and has no files. Pages never
        /// get these events, so the browser build leaves the field out (and its decoder).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(feature = "ssr"), serde(skip))]
        next: Option<Box<crate::domain::NextMessage>>,
    },
    /// Someone is typing in a chat (only that chat's sockets pass it on).
    ChatTyping {
        chat_id: i64,
        user_id: i64,
        name: String,
    },
    /// The chat queue changed (a chat joined, left or was accepted): positions move.
    ChatQueue,
    /// Someone's sign-in changed (they logged out, their role or account changed): their open
    /// sockets and event streams check their session again and end if it no longer stands.
    Account { user_id: i64 },
    /// An admin saved the desk's settings: every instance reads them again.
    Settings,
    /// Who has a ticket open (or is replying) changed: staff pages on it show who.
    Viewers { ticket_id: i64 },
    /// This instance may have missed events (its database listener reconnected): everyone
    /// reads again what they show.
    Resync,
}

impl LiveEvent {
    /// Whether this person's pages hear the event (over `/events`). A chat's messages and typing
    /// travel over the chat's own socket; no page follows them.
    pub fn visible_to(&self, user_id: i64, is_staff: bool) -> bool {
        match self {
            _ if !self.for_pages() => false,
            LiveEvent::Ticket { member_id, .. } | LiveEvent::Chat { member_id, .. } => {
                is_staff || *member_id == user_id
            }
            LiveEvent::ChatQueue | LiveEvent::Viewers { .. } => is_staff,
            LiveEvent::ChatTyping { .. } | LiveEvent::Account { .. } | LiveEvent::Settings => false,
            LiveEvent::Resync => true,
        }
    }

    /// Whether any page follows this kind of event.
    pub fn for_pages(&self) -> bool {
        !matches!(
            self,
            LiveEvent::Chat {
                message_only: true,
                ..
            } | LiveEvent::ChatTyping { .. }
        )
    }

    /// Whether every open socket hears it (besides its own chat's events and queue moves).
    pub fn for_every_socket(&self) -> bool {
        matches!(self, LiveEvent::Account { .. } | LiveEvent::Resync)
    }

    /// The chat this event is about, if it is about one.
    pub fn chat_id(&self) -> Option<i64> {
        match self {
            LiveEvent::Chat { chat_id, .. } | LiveEvent::ChatTyping { chat_id, .. } => {
                Some(*chat_id)
            }
            _ => None,
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

    #[test]
    fn chat_messages_stay_on_the_chat_socket() {
        let message = LiveEvent::Chat {
            chat_id: 3,
            member_id: 1,
            agent_id: Some(9),
            message_only: true,
            next: None,
        };
        assert!(!message.visible_to(1, false));
        assert!(!message.visible_to(9, true));
        // An instance that does not send the flag yet: anything may have changed.
        let old: LiveEvent =
            serde_json::from_str(r#"{"type":"chat","chat_id":3,"member_id":1,"agent_id":null}"#)
                .unwrap();
        assert!(matches!(
            old,
            LiveEvent::Chat {
                message_only: false,
                ..
            }
        ));
        assert!(old.visible_to(1, false));
    }
}
