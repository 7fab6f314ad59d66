//! The agent console's queue: which tickets, in which order, with which filters.
use serde::{Deserialize, Serialize};

use super::{parse_language, Priority, TicketStatus, Tier};

/// Whose tickets the queue shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueView {
    #[default]
    All,
    Mine,
    Unassigned,
}

impl QueueView {
    pub const ALL: [QueueView; 3] = [QueueView::Mine, QueueView::Unassigned, QueueView::All];

    pub fn as_str(self) -> &'static str {
        match self {
            QueueView::All => "all",
            QueueView::Mine => "mine",
            QueueView::Unassigned => "unassigned",
        }
    }

    pub fn parse(s: &str) -> Result<QueueView, String> {
        QueueView::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim())
            .ok_or_else(|| format!("unknown view '{s}' (mine, unassigned or all)"))
    }
}

/// Filters as they come from the page's query string; empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    pub status: Option<TicketStatus>,
    pub language: Option<String>,
    pub tier: Option<Tier>,
    pub search: Option<String>,
    pub view: QueueView,
    pub priority: Option<Priority>,
    /// One member's tickets only (from the admin's people page).
    pub member: Option<i64>,
}

impl QueueFilter {
    /// Reads the query-string values; unknown values are errors, not silently ignored.
    pub fn parse(
        status: &str,
        language: &str,
        tier: &str,
        search: &str,
    ) -> Result<QueueFilter, String> {
        QueueFilter::parse_all(status, language, tier, search, "", "")
    }

    /// With the view (mine, unassigned, all) and the priority as well.
    pub fn parse_all(
        status: &str,
        language: &str,
        tier: &str,
        search: &str,
        view: &str,
        priority: &str,
    ) -> Result<QueueFilter, String> {
        let opt = |v: &str| {
            let v = v.trim();
            (!v.is_empty()).then(|| v.to_string())
        };
        Ok(QueueFilter {
            status: opt(status).map(|s| TicketStatus::parse(&s)).transpose()?,
            language: opt(language)
                .map(|l| {
                    parse_language(&l)
                        .map(str::to_string)
                        .map_err(|_| format!("unknown language '{l}'"))
                })
                .transpose()?,
            tier: opt(tier).map(|t| Tier::parse(&t)).transpose()?,
            search: opt(search).map(|s| s.chars().take(100).collect()),
            view: opt(view)
                .map(|v| QueueView::parse(&v))
                .transpose()?
                .unwrap_or_default(),
            priority: opt(priority).map(|p| Priority::parse(&p)).transpose()?,
            member: None,
        })
    }

    /// Narrowed to one member by id (empty: everyone's).
    pub fn with_member(mut self, member: &str) -> Result<QueueFilter, String> {
        let member = member.trim();
        self.member = (!member.is_empty())
            .then(|| {
                member
                    .parse::<i64>()
                    .map_err(|_| format!("'{member}' is not a member id"))
            })
            .transpose()?;
        Ok(self)
    }

    /// The status shown: Open unless another is asked for.
    pub fn shown_status(&self) -> TicketStatus {
        self.status.unwrap_or(TicketStatus::Open)
    }
}

/// One row of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub id: i64,
    pub title: String,
    pub member_name: String,
    pub member_tier: Tier,
    pub language: String,
    pub status: TicketStatus,
    /// When the ticket entered its current status (the wait an agent cares about).
    pub since: i64,
    pub priority: Priority,
    pub assignee: Option<String>,
    /// The nearest service deadline running (`None`: no clock runs, e.g. waiting for the member).
    pub due: Option<i64>,
}

/// The rows of the shown status and how many tickets each status has under the same filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentQueue {
    pub rows: Vec<QueueRow>,
    pub open: i64,
    pub awaiting: i64,
    pub closed: i64,
    /// The server's clock when read, so waiting times render the same on server and client.
    pub now: i64,
    /// How close to a deadline counts as "about to breach".
    pub warn_ms: i64,
    /// Who may hold tickets (for assigning from the queue).
    pub staff: Vec<super::StaffMember>,
}

/// What an agent does to the tickets ticked in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkAction {
    /// To this staff member, or to nobody.
    Assign(Option<i64>),
    Priority(Priority),
    Close,
}

/// At most this many tickets per bulk action (a screenful and more).
pub const MAX_BULK: usize = 100;

impl BulkAction {
    /// The form's value: `assign:7`, `unassign`, `priority:high` or `close`.
    pub fn parse(s: &str) -> Result<BulkAction, String> {
        let s = s.trim();
        match s.split_once(':') {
            None if s == "close" => Ok(BulkAction::Close),
            None if s == "unassign" => Ok(BulkAction::Assign(None)),
            Some(("assign", id)) => id
                .parse::<i64>()
                .map(|id| BulkAction::Assign(Some(id)))
                .map_err(|_| format!("unknown staff id '{id}'")),
            Some(("priority", p)) => Priority::parse(p).map(BulkAction::Priority),
            _ => Err(format!(
                "unknown action '{s}' (assign:ID, unassign, priority:P or close)"
            )),
        }
    }

    pub fn as_value(self) -> String {
        match self {
            BulkAction::Assign(Some(id)) => format!("assign:{id}"),
            BulkAction::Assign(None) => "unassign".into(),
            BulkAction::Priority(p) => format!("priority:{}", p.as_str()),
            BulkAction::Close => "close".into(),
        }
    }
}

/// The ticket ids of a bulk action: comma-separated, each once, at most [`MAX_BULK`].
pub fn parse_ticket_ids(s: &str) -> Result<Vec<i64>, String> {
    let mut ids = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id = part
            .parse::<i64>()
            .map_err(|_| format!("'{part}' is not a ticket number"))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    match ids.len() {
        0 => Err("no ticket chosen".into()),
        n if n > MAX_BULK => Err(format!("at most {MAX_BULK} tickets at once")),
        _ => Ok(ids),
    }
}

/// What a bulk action did: the tickets changed and, for each one refused, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub done: Vec<i64>,
    pub refused: Vec<(i64, super::AppError)>,
}

/// "3 d 4 h", "2 h 5 min", "7 min": how long something has waited.
pub fn waited(since: i64, now: i64) -> String {
    let mins = ((now - since).max(0) / 60_000) as u64;
    let (d, h, m) = (mins / 1440, mins / 60 % 24, mins % 60);
    if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else {
        format!("{m} min")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_or_refuse() {
        let f = QueueFilter::parse("awaiting_feedback", "es", "Gold", "  login ").unwrap();
        assert_eq!(f.status, Some(TicketStatus::AwaitingFeedback));
        assert_eq!(f.language.as_deref(), Some("es"));
        assert_eq!(f.tier, Some(Tier::Gold));
        assert_eq!(f.search.as_deref(), Some("login"));
        assert_eq!(
            QueueFilter::parse("", "", "", "").unwrap(),
            QueueFilter::default()
        );
        assert!(QueueFilter::parse("pending", "", "", "").is_err());
        assert!(QueueFilter::parse("", "xx", "", "").is_err());
        assert!(QueueFilter::parse("", "", "bronze", "").is_err());
        let f = QueueFilter::default().with_member(" 12 ").unwrap();
        assert_eq!(f.member, Some(12));
        assert_eq!(QueueFilter::default().with_member("").unwrap().member, None);
        assert!(QueueFilter::default().with_member("sofia").is_err());
    }

    #[test]
    fn bulk_actions_and_ids_parse_or_refuse() {
        for a in [
            BulkAction::Assign(Some(7)),
            BulkAction::Assign(None),
            BulkAction::Priority(Priority::Urgent),
            BulkAction::Close,
        ] {
            assert_eq!(BulkAction::parse(&a.as_value()), Ok(a));
        }
        assert!(BulkAction::parse("assign:x").is_err());
        assert!(BulkAction::parse("priority:asap").is_err());
        assert!(BulkAction::parse("delete").is_err());
        assert_eq!(parse_ticket_ids(" 3, 4,3,,").unwrap(), vec![3, 4]);
        assert!(parse_ticket_ids("").is_err());
        assert!(parse_ticket_ids("3,x").is_err());
        let many = (1..=101)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert!(parse_ticket_ids(&many).is_err());
    }

    #[test]
    fn waits_read_naturally() {
        let min = 60_000;
        assert_eq!(waited(0, 7 * min), "7 min");
        assert_eq!(waited(0, 125 * min), "2 h 5 min");
        assert_eq!(waited(0, (3 * 1440 + 4 * 60) * min), "3 d 4 h");
        assert_eq!(waited(10, 0), "0 min");
    }
}
