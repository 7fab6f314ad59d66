//! Reports for the people who run the desk: figures per calendar day of the desk's time zone
//! and for the whole range, under the filters; and the same days as CSV (each export audited).
use std::collections::HashMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::ToSpan;

use super::db::{now_ms, Audit};
use super::state::AppState;
use crate::domain::{
    CurrentUser, DayFigures, Durations, Report, ReportFilter, Share, TicketStatus,
};
use crate::error::AppError;

/// The desk's time zone (the one business hours are kept in).
fn zone(st: &AppState) -> TimeZone {
    TimeZone::get(st.desk().settings.hours.time_zone.trim()).unwrap_or(TimeZone::UTC)
}

fn civil((y, m, d): (i16, i8, i8)) -> Option<Date> {
    Date::new(y, m, d).ok()
}

/// Reads the filter's form values against today's date in the desk's zone.
pub fn parse_filter(
    st: &AppState,
    [from, to, language, tier, agent]: [&str; 5],
) -> Result<ReportFilter, AppError> {
    let today = jiff::Timestamp::now().to_zoned(zone(st)).date();
    let back = |d: (i16, i8, i8), n: i64| {
        civil(d)
            .and_then(|d| d.checked_sub(n.days()).ok())
            .map_or(d, |d| (d.year(), d.month(), d.day()))
    };
    ReportFilter::parse(
        from,
        to,
        language,
        tier,
        agent,
        (today.year(), today.month(), today.day()),
        back,
    )
    .map_err(|(field, reason)| AppError::malformed(field, reason))
}

/// Each day of the range with its start and end (ms), in the desk's zone (a day across a
/// clock change is 23 or 25 hours).
fn days(f: &ReportFilter, tz: &TimeZone) -> Result<Vec<(String, i64, i64)>, AppError> {
    let bad = || AppError::malformed("from", "not a date");
    let parse = |s: &str| crate::domain::parse_date(s).and_then(civil).ok_or_else(bad);
    let (mut day, last) = (parse(&f.from)?, parse(&f.to)?);
    let start = |d: Date| -> Result<i64, AppError> {
        Ok(d.to_zoned(tz.clone())
            .map_err(|_| bad())?
            .timestamp()
            .as_millisecond())
    };
    let mut out = Vec::new();
    while day <= last {
        let next = day.tomorrow().map_err(|_| bad())?;
        out.push((day.to_string(), start(day)?, start(next)?));
        day = next;
    }
    Ok(out)
}

pub async fn report(st: &AppState, filter: ReportFilter) -> Result<Report, AppError> {
    let tz = zone(st);
    let days = days(&filter, &tz)?;
    let (from, until) = (days[0].1, days[days.len() - 1].2);
    let day_of = |at: i64| -> Option<usize> {
        (from..until)
            .contains(&at)
            .then(|| days.partition_point(|(_, _, end)| *end <= at))
    };
    let repo = st.db.reports();
    let mut figures: Vec<DayFigures> = days
        .iter()
        .map(|(day, ..)| DayFigures {
            day: day.clone(),
            ..DayFigures::default()
        })
        .collect();

    // Tickets: replay the status history to count each day and the backlog at its end.
    let events = repo.ticket_events(&filter, until).await?;
    let mut opened_at: HashMap<i64, i64> = HashMap::new();
    let mut status: HashMap<i64, bool> = HashMap::new(); // ticket -> closed?
    let mut closed_in_range: HashMap<i64, i64> = HashMap::new(); // ticket -> last closing
    let mut next_day = 0;
    let mut backlog = 0i64;
    for e in &events {
        while next_day < days.len() && e.at >= days[next_day].2 {
            figures[next_day].backlog = backlog;
            next_day += 1;
        }
        let closed = e.to_status == TicketStatus::Closed.as_str();
        let was_closed = status.insert(e.ticket_id, closed);
        match (was_closed, closed) {
            (None, false) => backlog += 1,
            (Some(true), false) => backlog += 1,
            (Some(false), true) => backlog -= 1,
            _ => {}
        }
        if e.from_status.is_none() {
            opened_at.insert(e.ticket_id, e.at);
        }
        if let Some(i) = day_of(e.at) {
            if e.from_status.is_none() {
                figures[i].opened += 1;
            }
            if closed {
                figures[i].closed += 1;
                closed_in_range.insert(e.ticket_id, e.at);
            }
        }
    }
    while next_day < days.len() {
        figures[next_day].backlog = backlog;
        next_day += 1;
    }

    let now = now_ms();
    let mut first_waits = vec![];
    let mut first_met = Share::default();
    let mut resolution_met = Share::default();
    for c in repo.ticket_clocks(&filter).await? {
        let Some(&opened) = opened_at.get(&c.id) else {
            continue;
        };
        if day_of(opened).is_some() {
            if let Some(answered) = c.first_response_at {
                first_waits.push(answered - opened);
            }
            match (c.first_response_at, c.first_response_due) {
                (Some(at), Some(due)) => {
                    first_met.total += 1;
                    first_met.part += i64::from(at <= due);
                }
                // Not answered and past its target: a miss already.
                (None, Some(due)) if due < now => first_met.total += 1,
                _ => {}
            }
        }
        if closed_in_range.contains_key(&c.id) && status.get(&c.id) == Some(&true) {
            if let Some(late) = c.resolution_breached {
                resolution_met.total += 1;
                resolution_met.part += i64::from(late == 0);
            }
        }
    }
    let resolutions = closed_in_range
        .iter()
        .filter_map(|(id, closed)| opened_at.get(id).map(|o| closed - o))
        .collect();

    let chats = repo.chats(&filter, from, until).await?;
    let mut waits = vec![];
    for c in &chats {
        if let Some(i) = day_of(c.created_at) {
            figures[i].chats += 1;
            if c.accepted_at.is_none() && c.status == "ended" {
                figures[i].abandoned += 1;
            }
        }
        if let Some(a) = c.accepted_at {
            waits.push(a - c.created_at);
        }
    }
    let mut csat = Share::default();
    for r in repo.ratings(&filter, from, until).await? {
        if let Some(i) = day_of(r.at) {
            if r.good == 1 {
                figures[i].rated_good += 1;
            } else {
                figures[i].rated_bad += 1;
            }
        }
        csat.total += 1;
        csat.part += r.good;
    }
    let report = Report {
        chats: figures.iter().map(|d| d.chats).sum(),
        chats_abandoned: figures.iter().map(|d| d.abandoned).sum(),
        days: figures,
        first_response: Durations::of(first_waits),
        resolution: Durations::of(resolutions),
        first_response_met: first_met,
        resolution_met,
        chat_wait: Durations::of(waits),
        csat,
        staff: super::ownership::staff(st).await?,
        filter,
    };
    Ok(report)
}

/// The report's days as CSV, recorded in the audit log with the filters used (an export takes
/// figures out of the desk).
pub async fn csv(
    st: &AppState,
    user: &CurrentUser,
    filter: ReportFilter,
) -> Result<String, AppError> {
    let report = report(st, filter).await?;
    let mut w = csv::Writer::from_writer(vec![]);
    let failed = |_| AppError::Internal;
    w.write_record([
        "day",
        "tickets_opened",
        "tickets_closed",
        "backlog_at_end",
        "chats",
        "chats_abandoned",
        "ratings_good",
        "ratings_bad",
    ])
    .map_err(failed)?;
    for d in &report.days {
        w.write_record([
            d.day.clone(),
            d.opened.to_string(),
            d.closed.to_string(),
            d.backlog.to_string(),
            d.chats.to_string(),
            d.abandoned.to_string(),
            d.rated_good.to_string(),
            d.rated_bad.to_string(),
        ])
        .map_err(failed)?;
    }
    let bytes = w.into_inner().map_err(|_| AppError::Internal)?;
    let audit = Audit {
        actor_id: Some(user.id),
        action: "report.export",
        target: None,
        detail: serde_json::to_value(&report.filter).unwrap_or_default(),
    };
    st.db.audit().add(&audit, now_ms()).await?;
    String::from_utf8(bytes).map_err(|_| AppError::Internal)
}
