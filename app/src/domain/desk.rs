//! How the desk runs: priorities, service targets, business hours, assignment and the limits an
//! admin may change while it runs. The environment gives the defaults; the console stores changes.
use serde::{Deserialize, Serialize};

use super::Tier;

/// How urgent a ticket is. The variant order is the business order (lowest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(input: &str) -> Result<Priority, String> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == input.trim().to_ascii_lowercase())
            .ok_or_else(|| format!("unknown priority '{input}' (low, normal, high or urgent)"))
    }
}

/// Service targets for one priority, in business minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targets {
    /// From filing to the team's first public answer.
    pub first_response: u32,
    /// From a member's message to the team's next public answer.
    pub next_response: u32,
    /// Time the ticket spends Open (not while it waits for the member) until it is closed.
    pub resolution: u32,
}

/// Targets per priority, the priority a new ticket gets from its member's tier, and how early
/// a clock counts as "about to breach".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub low: Targets,
    pub normal: Targets,
    pub high: Targets,
    pub urgent: Targets,
    /// Each tier's default priority (a tier missing here gets Normal).
    pub tier_priority: Vec<(Tier, Priority)>,
    /// Wall-clock minutes before a deadline when a clock is marked (and its assignee told).
    pub warn_minutes: u32,
}

impl SlaPolicy {
    pub fn targets(&self, p: Priority) -> Targets {
        match p {
            Priority::Low => self.low,
            Priority::Normal => self.normal,
            Priority::High => self.high,
            Priority::Urgent => self.urgent,
        }
    }

    pub fn priority_for(&self, tier: Tier) -> Priority {
        self.tier_priority
            .iter()
            .find(|(t, _)| *t == tier)
            .map_or(Priority::Normal, |(_, p)| *p)
    }
}

impl Default for SlaPolicy {
    fn default() -> Self {
        let t = |first_response, next_response, resolution| Targets {
            first_response,
            next_response,
            resolution,
        };
        let tier_priority = Tier::ALL
            .into_iter()
            .map(|tier| {
                let p = if tier >= Tier::BlueDiamond {
                    Priority::Urgent
                } else if tier >= Tier::Platinum {
                    Priority::High
                } else if tier >= Tier::Silver {
                    Priority::Normal
                } else {
                    Priority::Low
                };
                (tier, p)
            })
            .collect();
        SlaPolicy {
            low: t(8 * 60, 16 * 60, 40 * 60),
            normal: t(4 * 60, 8 * 60, 24 * 60),
            high: t(60, 2 * 60, 8 * 60),
            urgent: t(30, 60, 4 * 60),
            tier_priority,
            warn_minutes: 60,
        }
    }
}

/// The days of `BusinessHours::week` as the hours form names its fields, Monday first.
pub const WEEK_DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// One working day's hours, in minutes after local midnight (`close` after `open`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayHours {
    pub open: u16,
    pub close: u16,
}

/// The week the service clocks run in, in one time zone, with holidays off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessHours {
    /// IANA name, e.g. `Europe/Madrid`.
    pub time_zone: String,
    /// Monday first; `None` is a day off.
    pub week: [Option<DayHours>; 7],
    /// Days off, `YYYY-MM-DD` in that zone, sorted.
    pub holidays: Vec<String>,
}

impl Default for BusinessHours {
    fn default() -> Self {
        let day = Some(DayHours {
            open: 8 * 60,
            close: 18 * 60,
        });
        BusinessHours {
            time_zone: "UTC".into(),
            week: [day, day, day, day, day, None, None],
            holidays: Vec::new(),
        }
    }
}

impl BusinessHours {
    /// Checks everything but the time zone name (only the server knows the zone database).
    pub fn check(&self) -> Result<(), String> {
        if self.week.iter().all(Option::is_none) {
            return Err("at least one day must have working hours".into());
        }
        for d in self.week.iter().flatten() {
            if d.close <= d.open || d.close > 24 * 60 {
                return Err("each day closes after it opens, by midnight at the latest".into());
            }
        }
        for h in &self.holidays {
            parse_date(h).ok_or_else(|| format!("'{h}' is not a date (YYYY-MM-DD)"))?;
        }
        Ok(())
    }
}

/// `YYYY-MM-DD` as (year, month, day), if it is one.
pub fn parse_date(s: &str) -> Option<(i16, i8, i8)> {
    let mut parts = s.trim().splitn(3, '-');
    let y = parts.next()?.parse::<i16>().ok()?;
    let m = parts.next()?.parse::<i8>().ok()?;
    let d = parts.next()?.parse::<i8>().ok()?;
    ((1970..=9999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then_some((y, m, d))
}

/// "08:30" as minutes after midnight ("24:00" is the day's end).
pub fn parse_clock(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m) = (h.parse::<u16>().ok()?, m.parse::<u16>().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Minutes after midnight as "08:30", for the hours form.
pub fn format_clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Automatic assignment of new tickets: round robin among online agents under a cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentRule {
    pub automatic: bool,
    /// Open tickets an agent may hold before the rotation skips them.
    pub cap: u32,
}

impl Default for AssignmentRule {
    fn default() -> Self {
        AssignmentRule {
            automatic: false,
            cap: 20,
        }
    }
}

/// Limits that used to be environment-only and belong to the running desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneralSettings {
    pub min_tier: Tier,
    pub chat_agent_cap: i64,
    pub chat_max_wait_secs: u64,
    pub reminder_after_secs: u64,
    pub auto_close_after_secs: u64,
    /// Agents and admins must use two-step sign-in: one without it sets it up at the next
    /// sign-in before reaching the desk. (Absent in settings saved before it existed: off.)
    #[serde(default)]
    pub staff_two_step: bool,
}

impl GeneralSettings {
    pub fn reminder_after(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.reminder_after_secs)
    }

    pub fn auto_close_after(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.auto_close_after_secs)
    }

    pub fn check(&self) -> Result<(), String> {
        if !(1..=50).contains(&self.chat_agent_cap) {
            return Err("chats per agent: 1 to 50".into());
        }
        if !(60..=24 * 3600).contains(&self.chat_max_wait_secs) {
            return Err("chat wait: 1 minute to 24 hours".into());
        }
        if self.reminder_after_secs == 0 || self.auto_close_after_secs <= self.reminder_after_secs {
            return Err("closing without an answer must come after the reminder".into());
        }
        Ok(())
    }
}

/// Everything the console edits, as the desk runs with it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskSettings {
    pub general: GeneralSettings,
    pub hours: BusinessHours,
    pub sla: SlaPolicy,
    pub assignment: AssignmentRule,
}

/// Someone on the IT team, as the assignment controls list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    pub admin: bool,
    /// Tickets they hold that are not closed.
    pub open_tickets: i64,
    pub online: bool,
}

/// Where a ticket's service clocks stand, for the ticket page and the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaView {
    pub priority: Priority,
    /// The team owes an answer by then (first or next response); `None`: nothing owed.
    pub response_due: Option<i64>,
    /// Whether the owed answer is the first one.
    pub first_pending: bool,
    /// When the first answer came, and whether it was in time.
    pub first_response: Option<(i64, bool)>,
    /// Resolution deadline while the ticket is Open; `None` while paused or closed.
    pub resolve_due: Option<i64>,
    /// Business minutes of resolution time left when paused (waiting for the member).
    pub resolve_left_paused: Option<i64>,
    /// Once closed: whether it was resolved in time.
    pub resolved_in_time: Option<bool>,
    pub warn_ms: i64,
}

/// How a deadline looks from now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DueState {
    OnTrack,
    AtRisk,
    Breached,
}

pub fn due_state(due: i64, now: i64, warn_ms: i64) -> DueState {
    if due <= now {
        DueState::Breached
    } else if due - now <= warn_ms {
        DueState::AtRisk
    } else {
        DueState::OnTrack
    }
}

/// "in 2 h 5 min" / "5 min ago" style parts: minutes left (negative once past).
pub fn minutes_left(due: i64, now: i64) -> i64 {
    (due - now).div_euclid(60_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_parse_and_order() {
        assert_eq!(Priority::parse(" High"), Ok(Priority::High));
        assert!(Priority::parse("critical").is_err());
        assert!(Priority::Urgent > Priority::Normal);
    }

    #[test]
    fn tiers_map_to_priorities() {
        let p = SlaPolicy::default();
        assert_eq!(p.priority_for(Tier::Silver), Priority::Normal);
        assert_eq!(p.priority_for(Tier::Diamond), Priority::High);
        assert_eq!(p.priority_for(Tier::PresidentialDiamond), Priority::Urgent);
        assert_eq!(p.targets(Priority::Urgent).first_response, 30);
        let empty = SlaPolicy {
            tier_priority: vec![],
            ..SlaPolicy::default()
        };
        assert_eq!(empty.priority_for(Tier::Gold), Priority::Normal);
    }

    #[test]
    fn business_hours_are_checked() {
        let mut h = BusinessHours::default();
        assert!(h.check().is_ok());
        h.holidays.push("2026-12-25".into());
        assert!(h.check().is_ok());
        h.holidays.push("Christmas".into());
        assert!(h.check().is_err());
        let mut h = BusinessHours::default();
        h.week[0] = Some(DayHours {
            open: 600,
            close: 500,
        });
        assert!(h.check().is_err());
        let closed = BusinessHours {
            week: [None; 7],
            ..BusinessHours::default()
        };
        assert!(closed.check().is_err());
    }

    #[test]
    fn clocks_read_and_write() {
        assert_eq!(parse_clock("08:30"), Some(510));
        assert_eq!(parse_clock(" 24:00 "), Some(1440));
        assert_eq!(parse_clock("24:01"), None);
        assert_eq!(parse_clock("9:60"), None);
        assert_eq!(parse_clock("nine"), None);
        assert_eq!(format_clock(510), "08:30");
    }

    #[test]
    fn deadlines_read_from_now() {
        let min = 60_000;
        assert_eq!(due_state(100 * min, 0, 60 * min), DueState::OnTrack);
        assert_eq!(due_state(30 * min, 0, 60 * min), DueState::AtRisk);
        assert_eq!(due_state(0, 0, 60 * min), DueState::Breached);
        assert_eq!(minutes_left(0, 90 * 1000), -2);
        assert_eq!(minutes_left(5 * min, 0), 5);
    }
}
