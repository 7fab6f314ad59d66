//! The desk's reports: what the filters are and what the figures mean. Pure types and sums; the
//! server reads the rows, the page draws them.
use serde::{Deserialize, Serialize};

use super::{parse_date, parse_language, StaffMember, Tier};

/// The longest range one report covers (a year, leap day included).
pub const MAX_DAYS: i64 = 366;

/// Which tickets and chats a report counts. Dates are the desk's calendar days, both included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFilter {
    pub from: String,
    pub to: String,
    pub language: Option<String>,
    pub tier: Option<Tier>,
    pub agent: Option<i64>,
}

impl ReportFilter {
    /// Reads the form's values. Empty dates mean the 30 days up to `today`; anything else that
    /// does not parse is refused with the field it came from.
    pub fn parse(
        from: &str,
        to: &str,
        language: &str,
        tier: &str,
        agent: &str,
        today: (i16, i8, i8),
        days_before: impl Fn((i16, i8, i8), i64) -> (i16, i8, i8),
    ) -> Result<ReportFilter, (&'static str, String)> {
        let date = |field: &'static str, v: &str, default: (i16, i8, i8)| {
            if v.trim().is_empty() {
                Ok(default)
            } else {
                parse_date(v).ok_or((field, format!("'{v}' is not a date (YYYY-MM-DD)")))
            }
        };
        let to_d = date("to", to, today)?;
        let from_d = date("from", from, days_before(to_d, 29))?;
        if from_d > to_d {
            return Err(("from", "the first day comes after the last".into()));
        }
        if days_before(to_d, MAX_DAYS - 1) > from_d {
            return Err(("from", format!("at most {MAX_DAYS} days at once")));
        }
        fn opt(v: &str) -> Option<&str> {
            Some(v.trim()).filter(|v| !v.is_empty())
        }
        Ok(ReportFilter {
            from: show_date(from_d),
            to: show_date(to_d),
            language: opt(language)
                .map(|l| {
                    parse_language(l)
                        .map(str::to_string)
                        .map_err(|_| ("language", format!("unknown language '{l}'")))
                })
                .transpose()?,
            tier: opt(tier)
                .map(|t| Tier::parse(t).map_err(|e| ("tier", e)))
                .transpose()?,
            agent: opt(agent)
                .map(|a| {
                    a.parse::<i64>()
                        .map_err(|_| ("agent", format!("'{a}' is not a staff id")))
                })
                .transpose()?,
        })
    }

    /// The filters as a query string (the CSV link carries what the page shows).
    pub fn query(&self) -> String {
        let mut q = format!("from={}&to={}", self.from, self.to);
        if let Some(l) = &self.language {
            q.push_str(&format!("&language={l}"));
        }
        if let Some(t) = self.tier {
            q.push_str(&format!("&tier={}", t.as_str()));
        }
        if let Some(a) = self.agent {
            q.push_str(&format!("&agent={a}"));
        }
        q
    }
}

fn show_date((y, m, d): (i16, i8, i8)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// One calendar day of the range.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigures {
    pub day: String,
    /// Tickets filed that day.
    pub opened: i64,
    /// Tickets closed that day (a ticket closed twice counts twice).
    pub closed: i64,
    /// Tickets not closed at the end of the day.
    pub backlog: i64,
    pub chats: i64,
    /// Chats that ended before any agent took them.
    pub abandoned: i64,
    pub rated_good: i64,
    pub rated_bad: i64,
}

/// How long something took, in minutes: how many, the median and the 90th percentile.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    pub count: i64,
    pub median_min: Option<i64>,
    pub p90_min: Option<i64>,
}

impl Durations {
    /// From durations in milliseconds, in any order.
    pub fn of(mut ms: Vec<i64>) -> Durations {
        ms.sort_unstable();
        let minutes = |v: Option<i64>| v.map(|v| v / 60_000);
        Durations {
            count: ms.len() as i64,
            median_min: minutes(percentile(&ms, 50)),
            p90_min: minutes(percentile(&ms, 90)),
        }
    }
}

/// The nearest-rank percentile of sorted values: the smallest value with at least `p` % of the
/// values at or below it.
pub fn percentile(sorted: &[i64], p: u8) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() * usize::from(p)).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// `part` of `total` (targets met, good ratings).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub part: i64,
    pub total: i64,
}

impl Share {
    /// Whole percent, rounded; `None` with nothing to count.
    pub fn percent(self) -> Option<i64> {
        (self.total > 0).then(|| (self.part * 200 + self.total) / (2 * self.total))
    }
}

/// Everything the reports page shows for one filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub filter: ReportFilter,
    pub days: Vec<DayFigures>,
    /// From filing to the team's first answer, for tickets filed in the range.
    pub first_response: Durations,
    /// From filing to closing, for tickets closed in the range.
    pub resolution: Durations,
    /// First answers in time, of tickets filed in the range whose target has passed or been met.
    pub first_response_met: Share,
    /// Closings in time, of tickets closed in the range that had a resolution target.
    pub resolution_met: Share,
    /// From the member's first message to an agent joining.
    pub chat_wait: Durations,
    pub chats: i64,
    pub chats_abandoned: i64,
    /// Good ratings of all ratings given in the range (tickets and chats).
    pub csat: Share,
    /// Who can be picked in the agent filter.
    pub staff: Vec<StaffMember>,
}

impl Report {
    pub fn total(&self, f: impl Fn(&DayFigures) -> i64) -> i64 {
        self.days.iter().map(f).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn back(d: (i16, i8, i8), n: i64) -> (i16, i8, i8) {
        // Test calendar: 30-day months are enough to check the arithmetic is used.
        let total = d.0 as i64 * 360 + (d.1 as i64 - 1) * 30 + d.2 as i64 - 1 - n;
        (
            (total / 360) as i16,
            (total % 360 / 30 + 1) as i8,
            (total % 30 + 1) as i8,
        )
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 90), Some(7));
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&v, 100), Some(10));
        let d = Durations::of(vec![600_000, 60_000, 120_000]);
        assert_eq!((d.count, d.median_min, d.p90_min), (3, Some(2), Some(10)));
    }

    #[test]
    fn shares_round_to_whole_percent() {
        assert_eq!(Share { part: 0, total: 0 }.percent(), None);
        assert_eq!(Share { part: 1, total: 3 }.percent(), Some(33));
        assert_eq!(Share { part: 2, total: 3 }.percent(), Some(67));
        assert_eq!(Share { part: 3, total: 3 }.percent(), Some(100));
    }

    #[test]
    fn filters_default_to_thirty_days_and_refuse_nonsense() {
        let today = (2026, 12, 4);
        let f = ReportFilter::parse("", "", "", "", "", today, back).unwrap();
        assert_eq!(
            (f.to.as_str(), f.from.as_str()),
            ("2026-12-04", "2026-11-05")
        );
        let f = ReportFilter::parse("2026-11-01", "2026-11-30", "es", "Gold", "7", today, back)
            .unwrap();
        assert_eq!(f.language.as_deref(), Some("es"));
        assert_eq!(f.tier, Some(Tier::Gold));
        assert_eq!(f.agent, Some(7));
        assert_eq!(
            f.query(),
            "from=2026-11-01&to=2026-11-30&language=es&tier=gold&agent=7"
        );
        for (from, to, field) in [
            ("2026-12-05", "2026-12-01", "from"),
            ("yesterday", "", "from"),
            ("", "2026-13-01", "to"),
            ("2024-01-01", "2026-01-01", "from"),
        ] {
            let e = ReportFilter::parse(from, to, "", "", "", today, back).unwrap_err();
            assert_eq!(e.0, field, "{from} {to}");
        }
        assert_eq!(
            ReportFilter::parse("", "", "xx", "", "", today, back)
                .unwrap_err()
                .0,
            "language"
        );
        assert_eq!(
            ReportFilter::parse("", "", "", "bronze", "", today, back)
                .unwrap_err()
                .0,
            "tier"
        );
        assert_eq!(
            ReportFilter::parse("", "", "", "", "me", today, back)
                .unwrap_err()
                .0,
            "agent"
        );
    }
}
