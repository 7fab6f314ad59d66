//! Day-level dates as the seed shows them ("6 Mar 2020"). Always UTC so the server-rendered HTML
//! and the hydrated client print the same text.
use time::OffsetDateTime;

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_ES: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
];

/// `lang` is a UI locale code ("en", "es").
pub fn format_day(unix_ms: i64, lang: &str) -> String {
    let Ok(dt) = OffsetDateTime::from_unix_timestamp_nanos(unix_ms as i128 * 1_000_000) else {
        return String::new();
    };
    let months = if lang == "es" { &MONTHS_ES } else { &MONTHS_EN };
    format!(
        "{} {} {}",
        dt.day(),
        months[dt.month() as usize - 1],
        dt.year()
    )
}

/// "6 Mar 2020, 14:05 UTC": for conversation entries, where the hour matters.
pub fn format_day_time(unix_ms: i64, lang: &str) -> String {
    let Ok(dt) = OffsetDateTime::from_unix_timestamp_nanos(unix_ms as i128 * 1_000_000) else {
        return String::new();
    };
    format!(
        "{}, {:02}:{:02} UTC",
        format_day(unix_ms, lang),
        dt.hour(),
        dt.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_format() {
        // 2020-03-06T12:00:00Z
        let ms = 1_583_496_000_000;
        assert_eq!(format_day(ms, "en"), "6 Mar 2020");
        assert_eq!(format_day(ms, "es"), "6 mar 2020");
        assert_eq!(format_day_time(ms, "en"), "6 Mar 2020, 12:00 UTC");
    }
}
