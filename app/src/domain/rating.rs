//! Satisfaction (CSAT): a member's good or bad, with an optional comment, on a closed ticket or
//! an ended chat. One per ticket or chat; the member may change it for [`RATING_CHANGE_DAYS`].
use serde::{Deserialize, Serialize};

use super::{check_length, Invalid};

pub const RATING_CHANGE_DAYS: i64 = 7;
pub const MAX_RATING_COMMENT: usize = 2000;

/// What is rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rated {
    Ticket(i64),
    Chat(i64),
}

impl Rated {
    /// From the form's `kind` ("ticket" or "chat") and id.
    pub fn parse(kind: &str, id: i64) -> Result<Rated, Invalid> {
        match kind {
            "ticket" => Ok(Rated::Ticket(id)),
            "chat" => Ok(Rated::Chat(id)),
            other => Err(Invalid::malformed(format!("unknown kind '{other}'"))),
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Rated::Ticket(_) => "ticket",
            Rated::Chat(_) => "chat",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Rated::Ticket(id) | Rated::Chat(id) => id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub good: bool,
    pub comment: String,
    pub rated_at: i64,
    /// After this the rating stays as it is.
    pub changeable_until: i64,
}

/// The rating box as the viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingState {
    pub rating: Option<Rating>,
    /// The viewer is the member, the ticket is closed (the chat ended) and the rating is not
    /// yet fixed: the page offers the form.
    pub may_rate: bool,
    pub viewer_is_staff: bool,
}

/// "good" or "bad", as the form's radio buttons send it.
pub fn parse_verdict(v: &str) -> Result<bool, Invalid> {
    match v.trim() {
        "good" => Ok(true),
        "bad" => Ok(false),
        "" => Err(Invalid::Empty),
        _ => Err(Invalid::malformed("rating must be good or bad")),
    }
}

/// An optional comment: blank is fine, too long is not.
pub fn parse_rating_comment(c: &str) -> Result<String, Invalid> {
    let c = c.trim();
    if !c.is_empty() {
        check_length(c, 1, MAX_RATING_COMMENT)?;
    }
    Ok(c.to_string())
}
