//! The admin console's settings forms: each section's fields read into the settings the desk
//! runs by, then stored (audited, every instance told) through `Settings::save`. Callers guard
//! with `Access::Admin`.
use std::collections::HashMap;

use super::state::AppState;
use crate::domain::{
    parse_clock, AuditEntry, AuditFilter, CurrentUser, DayHours, DeskSettings, Priority, Targets,
    Tier, WEEK_DAYS,
};
use crate::error::AppError;

fn field<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map(|v| v.trim()).unwrap_or("")
}

fn number<T: std::str::FromStr>(form: &HashMap<String, String>, name: &str) -> Result<T, AppError> {
    field(form, name)
        .parse::<T>()
        .map_err(|_| AppError::malformed(name, "expected a whole number"))
}

/// One section changed by `change`, checked as a whole, stored if it holds.
async fn save(
    st: &AppState,
    admin: &CurrentUser,
    change: impl FnOnce(&mut DeskSettings) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let mut settings = st.desk().settings.clone();
    change(&mut settings)?;
    match st.settings.save(settings, admin.id, &st.hub).await? {
        Ok(()) => Ok(()),
        Err((section, why)) => Err(AppError::malformed(section, why)),
    }
}

/// Minimum tier, chats per agent, chat wait, reminder and auto-close.
pub async fn save_general(
    st: &AppState,
    admin: &CurrentUser,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let min_tier =
        Tier::parse(field(form, "min_tier")).map_err(|e| AppError::malformed("min_tier", e))?;
    let cap: i64 = number(form, "chat_agent_cap")?;
    let wait_minutes: u64 = number(form, "chat_max_wait_minutes")?;
    let reminder_hours: u64 = number(form, "reminder_hours")?;
    let close_hours: u64 = number(form, "auto_close_hours")?;
    // A checkbox: sent as "on" when ticked, not sent at all otherwise.
    let staff_two_step = matches!(field(form, "staff_two_step"), "on" | "true");
    save(st, admin, |s| {
        s.general.staff_two_step = staff_two_step;
        s.general.min_tier = min_tier;
        s.general.chat_agent_cap = cap;
        s.general.chat_max_wait_secs = wait_minutes.saturating_mul(60);
        s.general.reminder_after_secs = reminder_hours.saturating_mul(3600);
        s.general.auto_close_after_secs = close_hours.saturating_mul(3600);
        Ok(())
    })
    .await
}

/// The zone, each day's hours (`mon_open`/`mon_close`, both empty: a day off) and holidays
/// (one `YYYY-MM-DD` per line or separated by commas).
pub async fn save_hours(
    st: &AppState,
    admin: &CurrentUser,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let mut week = [None; 7];
    for (i, day) in WEEK_DAYS.iter().enumerate() {
        let (open, close) = (
            field(form, &format!("{day}_open")),
            field(form, &format!("{day}_close")),
        );
        week[i] = match (open, close) {
            ("", "") => None,
            _ => {
                let at = |v: &str| {
                    parse_clock(v)
                        .ok_or_else(|| AppError::malformed(day, "times are HH:MM, 00:00 to 24:00"))
                };
                Some(DayHours {
                    open: at(open)?,
                    close: at(close)?,
                })
            }
        };
    }
    let mut holidays: Vec<String> = field(form, "holidays")
        .split([',', '\n', ';'])
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(String::from)
        .collect();
    holidays.sort();
    holidays.dedup();
    let time_zone = field(form, "time_zone").to_string();
    save(st, admin, |s| {
        s.hours.time_zone = time_zone;
        s.hours.week = week;
        s.hours.holidays = holidays;
        Ok(())
    })
    .await
}

/// Targets per priority in minutes (`urgent_first`, `urgent_next`, `urgent_resolution`, ...),
/// the warning lead, and each tier's priority (`tier_silver` = `normal`).
pub async fn save_sla(
    st: &AppState,
    admin: &CurrentUser,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let targets = |p: Priority| -> Result<Targets, AppError> {
        let name = p.as_str();
        Ok(Targets {
            first_response: number(form, &format!("{name}_first"))?,
            next_response: number(form, &format!("{name}_next"))?,
            resolution: number(form, &format!("{name}_resolution"))?,
        })
    };
    let (low, normal, high, urgent) = (
        targets(Priority::Low)?,
        targets(Priority::Normal)?,
        targets(Priority::High)?,
        targets(Priority::Urgent)?,
    );
    let warn_minutes: u32 = number(form, "warn_minutes")?;
    let mut tier_priority = Vec::new();
    for tier in Tier::ALL {
        let name = format!("tier_{}", tier.as_str());
        let p = Priority::parse(field(form, &name)).map_err(|e| AppError::malformed(&name, e))?;
        tier_priority.push((tier, p));
    }
    save(st, admin, |s| {
        s.sla.low = low;
        s.sla.normal = normal;
        s.sla.high = high;
        s.sla.urgent = urgent;
        s.sla.warn_minutes = warn_minutes;
        s.sla.tier_priority = tier_priority;
        Ok(())
    })
    .await
}

/// Round robin on or off (a checkbox: present is on) and the per-agent cap.
pub async fn save_assignment(
    st: &AppState,
    admin: &CurrentUser,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let automatic = !field(form, "automatic").is_empty();
    let cap: u32 = number(form, "cap")?;
    save(st, admin, |s| {
        s.assignment.automatic = automatic;
        s.assignment.cap = cap;
        Ok(())
    })
    .await
}

/// The newest entries under the filter (at most 500).
pub async fn audit(st: &AppState, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
    Ok(st.db.audit().list(filter, 500).await?)
}
