//! Day-level dates as the seed shows them ("6 Mar 2020"). Always UTC so the server-rendered HTML
//! and the hydrated client print the same text. The month names come from the locale file
//! (`months`: twelve short names separated by spaces), so a language is one file.
use time::OffsetDateTime;

/// `months`: "Jan Feb Mar ... Dec" in the reader's language.
///
/// Called once per ticket line of a dashboard (fifty a page), so it avoids the formatting
/// machinery: the date is worked out once from whole seconds, the month name found by bytes,
/// and the numbers written with `itoa` (`format!` was most of this function's cost).
pub fn format_day(unix_ms: i64, months: &str) -> String {
    let Ok(dt) = OffsetDateTime::from_unix_timestamp(unix_ms.div_euclid(1000)) else {
        return String::new();
    };
    let (year, month, day) = dt.to_calendar_date();
    let mut numbers = itoa::Buffer::new();
    let name = match months.split_ascii_whitespace().nth(month as usize - 1) {
        Some(name) => name,
        None => numbers.format(month as u8),
    };
    let mut out = String::with_capacity(name.len() + 9);
    out.push_str(itoa::Buffer::new().format(day));
    out.push(' ');
    out.push_str(name);
    out.push(' ');
    out.push_str(itoa::Buffer::new().format(year));
    out
}

/// "6 Mar 2020, 14:05 UTC": for conversation entries, where the hour matters.
pub fn format_day_time(unix_ms: i64, months: &str) -> String {
    let Ok(dt) = OffsetDateTime::from_unix_timestamp_nanos(unix_ms as i128 * 1_000_000) else {
        return String::new();
    };
    format!(
        "{}, {:02}:{:02} UTC",
        format_day(unix_ms, months),
        dt.hour(),
        dt.minute()
    )
}

/// Midnight UTC of a `YYYY-MM-DD` day, in ms (form filters by day).
pub fn day_start_ms(day: &str) -> Option<i64> {
    let (y, m, d) = super::parse_date(day)?;
    let month = time::Month::try_from(m as u8).ok()?;
    let date = time::Date::from_calendar_date(y as i32, month, d as u8).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp() * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_start_at_utc_midnight() {
        assert_eq!(day_start_ms("2020-03-06"), Some(1_583_452_800_000));
        assert_eq!(day_start_ms("2020-02-30"), None);
        assert_eq!(day_start_ms("yesterday"), None);
    }

    #[test]
    fn seed_format() {
        // 2020-03-06T12:00:00Z
        let ms = 1_583_496_000_000;
        let en = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec";
        let es = "ene feb mar abr may jun jul ago sept oct nov dic";
        assert_eq!(format_day(ms, en), "6 Mar 2020");
        assert_eq!(format_day(ms, es), "6 mar 2020");
        assert_eq!(format_day_time(ms, en), "6 Mar 2020, 12:00 UTC");
        // A locale file with too few names still gives a readable date.
        assert_eq!(format_day(ms, "Jan"), "6 3 2020");
        // The last and first millisecond of a day, and before 1970, fall on the right day.
        assert_eq!(format_day(1_583_539_199_999, en), "6 Mar 2020");
        assert_eq!(format_day(1_583_539_200_000, en), "7 Mar 2020");
        assert_eq!(format_day(-1, en), "31 Dec 1969");
    }
}
