//! Service clocks. `Calendar` counts business time in the desk's zone (working days, hours,
//! holidays, daylight saving); `SlaState` is a ticket's clocks and how each change moves them.
use std::collections::HashSet;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::domain::{
    parse_date, BusinessHours, DayHours, Priority, SlaPolicy, SlaView, TicketStatus,
};

/// A business week in one zone. Built from `BusinessHours` (checked first).
#[derive(Debug, Clone)]
pub struct Calendar {
    tz: TimeZone,
    week: [Option<DayHours>; 7],
    holidays: HashSet<Date>,
}

/// How far ahead a deadline is looked for before giving up (a calendar of holidays only).
const MAX_DAYS: usize = 3 * 366;

impl Calendar {
    pub fn new(hours: &BusinessHours) -> Result<Calendar, String> {
        hours.check()?;
        let tz = TimeZone::get(hours.time_zone.trim())
            .map_err(|_| format!("unknown time zone '{}'", hours.time_zone))?;
        let holidays = hours
            .holidays
            .iter()
            .filter_map(|h| parse_date(h))
            .filter_map(|(y, m, d)| Date::new(y, m, d).ok())
            .collect();
        Ok(Calendar {
            tz,
            week: hours.week,
            holidays,
        })
    }

    fn local_date(&self, ms: i64) -> Option<Date> {
        Some(
            Timestamp::from_millisecond(ms)
                .ok()?
                .to_zoned(self.tz.clone())
                .date(),
        )
    }

    /// The instant of `minutes` after local midnight of `date` (1440: the next midnight).
    fn instant(&self, date: Date, minutes: u16) -> Option<i64> {
        let (date, minutes) = if minutes >= 24 * 60 {
            (date.tomorrow().ok()?, 0)
        } else {
            (date, minutes)
        };
        let local = date.at((minutes / 60) as i8, (minutes % 60) as i8, 0, 0);
        Some(
            local
                .to_zoned(self.tz.clone())
                .ok()?
                .timestamp()
                .as_millisecond(),
        )
    }

    /// The working window of one local day, as instants.
    fn window(&self, date: Date) -> Option<(i64, i64)> {
        if self.holidays.contains(&date) {
            return None;
        }
        let day = self.week[date.weekday().to_monday_zero_offset() as usize]?;
        Some((
            self.instant(date, day.open)?,
            self.instant(date, day.close)?,
        ))
    }

    /// Working windows from the day of `from` on.
    fn windows(&self, from: i64) -> impl Iterator<Item = (i64, i64)> + '_ {
        let first = self.local_date(from);
        std::iter::successors(first, |d| d.tomorrow().ok())
            .take(MAX_DAYS)
            .filter_map(|d| self.window(d))
    }

    /// Business milliseconds between two instants (0 if `to` is not after `from`).
    pub fn business_ms(&self, from: i64, to: i64) -> i64 {
        let mut total = 0;
        for (open, close) in self.windows(from) {
            if open >= to {
                break;
            }
            total += (close.min(to) - open.max(from)).max(0);
        }
        total
    }

    /// The instant when `ms` business milliseconds after `from` have passed.
    pub fn add(&self, from: i64, ms: i64) -> i64 {
        let mut left = ms.max(0);
        for (open, close) in self.windows(from) {
            let start = open.max(from);
            if start >= close {
                continue;
            }
            if left <= close - start {
                return start + left;
            }
            left -= close - start;
        }
        // No working time ahead at all: count plain time rather than never.
        from + ms
    }
}

/// The calendar and targets every clock runs by.
#[derive(Debug, Clone)]
pub struct SlaRules {
    pub calendar: Calendar,
    pub policy: SlaPolicy,
}

const MIN: i64 = 60_000;

impl SlaRules {
    fn first_target(&self, p: Priority) -> i64 {
        self.policy.targets(p).first_response as i64 * MIN
    }
    fn next_target(&self, p: Priority) -> i64 {
        self.policy.targets(p).next_response as i64 * MIN
    }
    fn resolve_target(&self, p: Priority) -> i64 {
        self.policy.targets(p).resolution as i64 * MIN
    }
}

/// A ticket's clocks as stored on its row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlaState {
    pub priority: Option<Priority>,
    pub created_at: i64,
    pub first_response_at: Option<i64>,
    pub first_response_due: Option<i64>,
    /// Since when the team owes an answer (filing, or the member's unanswered message).
    pub response_owed_since: Option<i64>,
    pub response_due_at: Option<i64>,
    /// Answers that came after their deadline (first or next).
    pub response_breaches: i64,
    /// While Open: since when resolution time is being spent.
    pub resolve_running_since: Option<i64>,
    pub resolve_spent_ms: i64,
    pub resolve_due_at: Option<i64>,
    pub resolution_breached: Option<bool>,
}

/// What happened to a ticket, as far as its clocks care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaEvent {
    /// A public answer by staff (a reply or a request for information; not a note).
    StaffAnswered,
    /// The member wrote (the ticket is Open after it).
    MemberWrote,
    Moved(TicketStatus),
    Reprioritised(Priority),
}

impl SlaState {
    /// A ticket filed now: the first answer is owed and resolution time runs.
    pub fn opened(priority: Priority, at: i64, rules: &SlaRules) -> SlaState {
        let due = rules.calendar.add(at, rules.first_target(priority));
        SlaState {
            priority: Some(priority),
            created_at: at,
            first_response_due: Some(due),
            response_owed_since: Some(at),
            response_due_at: Some(due),
            resolve_running_since: Some(at),
            resolve_due_at: Some(rules.calendar.add(at, rules.resolve_target(priority))),
            ..SlaState::default()
        }
    }

    fn priority(&self) -> Priority {
        self.priority.unwrap_or(Priority::Normal)
    }

    /// Moves the clocks for one event at `at`.
    pub fn apply(&mut self, event: SlaEvent, at: i64, rules: &SlaRules) {
        let cal = &rules.calendar;
        let p = self.priority();
        match event {
            SlaEvent::StaffAnswered => {
                self.first_response_at.get_or_insert(at);
                if self.response_due_at.is_some_and(|due| at > due) {
                    self.response_breaches += 1;
                }
                self.response_owed_since = None;
                self.response_due_at = None;
            }
            SlaEvent::MemberWrote => {
                if self.response_owed_since.is_none() {
                    self.response_owed_since = Some(at);
                    self.response_due_at = Some(if self.first_response_at.is_none() {
                        self.first_response_due
                            .unwrap_or_else(|| cal.add(at, rules.first_target(p)))
                    } else {
                        cal.add(at, rules.next_target(p))
                    });
                }
            }
            SlaEvent::Moved(TicketStatus::Open) => {
                if self.resolve_running_since.is_none() {
                    self.resolve_running_since = Some(at);
                    let left = rules.resolve_target(p) - self.resolve_spent_ms;
                    self.resolve_due_at = Some(cal.add(at, left.max(0)));
                }
                self.resolution_breached = None;
            }
            SlaEvent::Moved(to) => {
                self.pause_resolution(at, cal);
                if to == TicketStatus::Closed {
                    let late = self.resolve_spent_ms > rules.resolve_target(p);
                    self.resolution_breached = Some(late);
                    if self.response_due_at.is_some_and(|due| at > due) {
                        self.response_breaches += 1;
                    }
                    self.response_owed_since = None;
                    self.response_due_at = None;
                }
            }
            SlaEvent::Reprioritised(new) => {
                self.priority = Some(new);
                if self.first_response_at.is_none() {
                    let due = cal.add(self.created_at, rules.first_target(new));
                    self.first_response_due = Some(due);
                    if self.response_owed_since.is_some() {
                        self.response_due_at = Some(due);
                    }
                } else if let Some(since) = self.response_owed_since {
                    self.response_due_at = Some(cal.add(since, rules.next_target(new)));
                }
                if let Some(since) = self.resolve_running_since {
                    let left = rules.resolve_target(new) - self.resolve_spent_ms;
                    self.resolve_due_at = Some(cal.add(since, left.max(0)));
                }
            }
        }
    }

    fn pause_resolution(&mut self, at: i64, cal: &Calendar) {
        if let Some(since) = self.resolve_running_since.take() {
            self.resolve_spent_ms += cal.business_ms(since, at);
        }
        self.resolve_due_at = None;
    }

    /// The nearest deadline running: what the queue sorts by.
    pub fn next_due(&self) -> Option<i64> {
        match (self.response_due_at, self.resolve_due_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// What the ticket page shows.
    pub fn view(&self, status: TicketStatus, rules: &SlaRules) -> SlaView {
        let p = self.priority();
        let paused = status == TicketStatus::AwaitingFeedback;
        SlaView {
            priority: p,
            response_due: self.response_due_at,
            first_pending: self.first_response_at.is_none() && self.response_due_at.is_some(),
            first_response: self.first_response_at.map(|at| {
                let due = self.first_response_due.unwrap_or(i64::MAX);
                (at, at <= due)
            }),
            resolve_due: self.resolve_due_at,
            resolve_left_paused: paused
                .then(|| (rules.resolve_target(p) - self.resolve_spent_ms) / MIN),
            resolved_in_time: self.resolution_breached.map(|late| !late),
            warn_ms: rules.policy.warn_minutes as i64 * MIN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 60 * MIN;

    fn ms(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_millisecond()
    }

    fn hours(zone: &str, holidays: &[&str]) -> Calendar {
        Calendar::new(&BusinessHours {
            time_zone: zone.into(),
            holidays: holidays.iter().map(|h| h.to_string()).collect(),
            ..BusinessHours::default()
        })
        .unwrap()
    }

    #[test]
    fn business_time_skips_nights_weekends_and_holidays() {
        // Mon-Fri 08:00-18:00 UTC. 2026-12-04 is a Friday.
        let cal = hours("UTC", &["2026-12-07"]);
        let fri_17 = ms("2026-12-04T17:00:00Z");
        // One hour left on Friday, Monday is a holiday: 3 business hours end Tuesday 10:00.
        assert_eq!(cal.add(fri_17, 3 * H), ms("2026-12-08T10:00:00Z"));
        assert_eq!(cal.business_ms(fri_17, ms("2026-12-08T10:00:00Z")), 3 * H);
        // Filed on Saturday night: the clock starts Monday (here Tuesday) at opening.
        let sat = ms("2026-12-05T23:00:00Z");
        assert_eq!(cal.add(sat, 30 * MIN), ms("2026-12-08T08:30:00Z"));
        assert_eq!(cal.business_ms(sat, ms("2026-12-08T08:00:00Z")), 0);
        // Within one day it is plain time.
        let wed_9 = ms("2026-12-09T09:00:00Z");
        assert_eq!(cal.add(wed_9, 2 * H), ms("2026-12-09T11:00:00Z"));
        assert_eq!(cal.business_ms(wed_9, wed_9 - H), 0);
    }

    #[test]
    fn business_time_follows_the_zone_and_daylight_saving() {
        let cal = hours("Europe/Madrid", &[]);
        // Friday 2026-03-27, 17:00 in Madrid is 16:00 UTC (winter, +01:00). Clocks go forward on
        // Sunday the 29th; Monday 08:00 in Madrid is then 06:00 UTC (+02:00).
        let fri_17 = ms("2026-03-27T16:00:00Z");
        assert_eq!(cal.add(fri_17, 2 * H), ms("2026-03-30T07:00:00Z"));
        assert!(Calendar::new(&BusinessHours {
            time_zone: "Mars/Olympus".into(),
            ..BusinessHours::default()
        })
        .is_err());
    }

    fn rules() -> SlaRules {
        SlaRules {
            calendar: hours("UTC", &[]),
            policy: SlaPolicy::default(),
        }
    }

    #[test]
    fn answers_stop_the_response_clock_and_waiting_pauses_resolution() {
        let r = rules();
        let mon_9 = ms("2026-12-07T09:00:00Z");
        // Normal: first answer 4 h, next 8 h, resolution 24 h.
        let mut s = SlaState::opened(Priority::Normal, mon_9, &r);
        assert_eq!(s.response_due_at, Some(mon_9 + 4 * H));
        assert_eq!(s.next_due(), Some(mon_9 + 4 * H));
        // Asked for information after 1 h: answered in time; resolution pauses with 1 h spent.
        s.apply(
            SlaEvent::Moved(TicketStatus::AwaitingFeedback),
            mon_9 + H,
            &r,
        );
        s.apply(SlaEvent::StaffAnswered, mon_9 + H, &r);
        assert_eq!(s.first_response_at, Some(mon_9 + H));
        assert_eq!(
            (s.response_due_at, s.resolve_due_at, s.next_due()),
            (None, None, None)
        );
        assert_eq!(s.resolve_spent_ms, H);
        // The member answers on Tuesday 9:00: 23 business hours of resolution left, and the next
        // answer is owed within 8 business hours.
        let tue_9 = ms("2026-12-08T09:00:00Z");
        s.apply(SlaEvent::Moved(TicketStatus::Open), tue_9, &r);
        s.apply(SlaEvent::MemberWrote, tue_9, &r);
        assert_eq!(s.response_due_at, Some(tue_9 + 8 * H));
        assert_eq!(s.resolve_due_at, Some(r.calendar.add(tue_9, 23 * H)));
        // A late answer counts as a breach; closing in time resolves in time.
        s.apply(SlaEvent::StaffAnswered, tue_9 + 8 * H + MIN, &r);
        assert_eq!(s.response_breaches, 1);
        s.apply(SlaEvent::Moved(TicketStatus::Closed), tue_9 + 9 * H, &r);
        assert_eq!(s.resolution_breached, Some(false));
        let view = s.view(TicketStatus::Closed, &r);
        assert_eq!(view.first_response, Some((mon_9 + H, true)));
        assert_eq!(view.resolved_in_time, Some(true));
    }

    #[test]
    fn a_new_priority_moves_the_running_deadlines() {
        let r = rules();
        let mon_9 = ms("2026-12-07T09:00:00Z");
        let mut s = SlaState::opened(Priority::Normal, mon_9, &r);
        s.apply(
            SlaEvent::Reprioritised(Priority::Urgent),
            mon_9 + 10 * MIN,
            &r,
        );
        assert_eq!(s.response_due_at, Some(mon_9 + 30 * MIN));
        assert_eq!(s.resolve_due_at, Some(mon_9 + 4 * H));
        // Closing late (5 h of Open time against 4) is a breached resolution, and the answer
        // still owed past its deadline is a breach too.
        s.apply(SlaEvent::Moved(TicketStatus::Closed), mon_9 + 5 * H, &r);
        assert_eq!(s.resolution_breached, Some(true));
        assert_eq!(s.response_breaches, 1);
    }
}
