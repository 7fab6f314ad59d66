//! The ticket lifecycle, shared by the server (which enforces it) and the client (which only
//! offers the actions this function allows).
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Waiting for the IT team.
    Open,
    /// The IT team asked the member something and waits for the answer.
    AwaitingFeedback,
    Closed,
}

/// Who asks for a change: the member who owns the ticket, or someone from the IT team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Owner,
    Staff,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("a ticket cannot go from {from:?} to {to:?} this way")]
pub struct IllegalTransition {
    pub from: TicketStatus,
    pub to: TicketStatus,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::AwaitingFeedback => "awaiting_feedback",
            TicketStatus::Closed => "closed",
        }
    }

    pub fn parse(input: &str) -> Result<TicketStatus, String> {
        match input {
            "open" => Ok(TicketStatus::Open),
            "awaiting_feedback" => Ok(TicketStatus::AwaitingFeedback),
            "closed" => Ok(TicketStatus::Closed),
            other => Err(format!("unknown ticket status '{other}'")),
        }
    }

    /// The one place that says which moves exist and who may make them.
    pub fn transition(
        self,
        to: TicketStatus,
        actor: Actor,
    ) -> Result<TicketStatus, IllegalTransition> {
        use Actor::*;
        use TicketStatus::*;
        let allowed = match (self, to) {
            (Open, AwaitingFeedback) => actor == Staff,
            // The member's answer sends it back to the team.
            (AwaitingFeedback, Open) => actor == Owner,
            (Open | AwaitingFeedback, Closed) => true,
            // Reopen; the member's time limit is a policy checked by the caller.
            (Closed, Open) => true,
            _ => false,
        };
        if allowed {
            Ok(to)
        } else {
            Err(IllegalTransition { from: self, to })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Actor::*;
    use super::TicketStatus::*;
    use super::*;

    const ALL: [TicketStatus; 3] = [Open, AwaitingFeedback, Closed];

    #[test]
    fn legal_moves() {
        assert_eq!(
            Open.transition(AwaitingFeedback, Staff),
            Ok(AwaitingFeedback)
        );
        assert_eq!(AwaitingFeedback.transition(Open, Owner), Ok(Open));
        assert_eq!(Open.transition(Closed, Owner), Ok(Closed));
        assert_eq!(Open.transition(Closed, Staff), Ok(Closed));
        assert_eq!(AwaitingFeedback.transition(Closed, Staff), Ok(Closed));
        assert_eq!(Closed.transition(Open, Staff), Ok(Open));
        assert_eq!(Closed.transition(Open, Owner), Ok(Open));
    }

    #[test]
    fn illegal_moves_are_refused() {
        for s in ALL {
            for a in [Owner, Staff] {
                assert!(s.transition(s, a).is_err(), "{s:?} -> itself");
            }
        }
        assert!(Open.transition(AwaitingFeedback, Owner).is_err());
        assert!(AwaitingFeedback.transition(Open, Staff).is_err());
        assert!(Closed.transition(AwaitingFeedback, Staff).is_err());
    }

    /// All 18 (from, to, actor) cases against the lifecycle table in PRODUCT.md.
    #[test]
    fn every_move_against_the_table() {
        let legal = [
            (Open, AwaitingFeedback, Staff),
            (AwaitingFeedback, Open, Owner),
            (Open, Closed, Owner),
            (Open, Closed, Staff),
            (AwaitingFeedback, Closed, Owner),
            (AwaitingFeedback, Closed, Staff),
            (Closed, Open, Owner),
            (Closed, Open, Staff),
        ];
        for from in ALL {
            for to in ALL {
                for actor in [Owner, Staff] {
                    let expected = legal.contains(&(from, to, actor));
                    assert_eq!(
                        from.transition(to, actor).is_ok(),
                        expected,
                        "{from:?} -> {to:?} by {actor:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn storage_round_trip() {
        for s in ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Ok(s));
        }
        assert!(TicketStatus::parse("pending").is_err());
    }
}
