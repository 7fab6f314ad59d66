//! Translated names for shared enums. One place, so every screen words them the same way.

use crate::domain::{Priority, TicketStatus, Tier};
use crate::i18n::*;
use crate::locale::I18n;

pub fn tier_name(i18n: I18n, tier: Tier) -> String {
    match tier {
        Tier::WellnessAdvocate => td_string!(i18n.get_locale(), tier_wellness_advocate).to_string(),
        Tier::Manager => td_string!(i18n.get_locale(), tier_manager).to_string(),
        Tier::Director => td_string!(i18n.get_locale(), tier_director).to_string(),
        Tier::Executive => td_string!(i18n.get_locale(), tier_executive).to_string(),
        Tier::Elite => td_string!(i18n.get_locale(), tier_elite).to_string(),
        Tier::Premier => td_string!(i18n.get_locale(), tier_premier).to_string(),
        Tier::Silver => td_string!(i18n.get_locale(), tier_silver).to_string(),
        Tier::Gold => td_string!(i18n.get_locale(), tier_gold).to_string(),
        Tier::Platinum => td_string!(i18n.get_locale(), tier_platinum).to_string(),
        Tier::Diamond => td_string!(i18n.get_locale(), tier_diamond).to_string(),
        Tier::BlueDiamond => td_string!(i18n.get_locale(), tier_blue_diamond).to_string(),
        Tier::PresidentialDiamond => {
            td_string!(i18n.get_locale(), tier_presidential_diamond).to_string()
        }
    }
}

pub fn status_name(i18n: I18n, status: TicketStatus) -> String {
    status_in(i18n.get_locale(), status).to_string()
}

/// A status's name in a given language, for text built outside the reactive views.
pub fn status_in(locale: Locale, status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::Open => td_string!(locale, status_open),
        TicketStatus::AwaitingFeedback => td_string!(locale, status_awaiting),
        TicketStatus::Closed => td_string!(locale, status_closed),
    }
}

/// The page's locale code ("en", "es").
pub fn lang_code(i18n: I18n) -> &'static str {
    leptos_i18n::Locale::as_str(i18n.get_locale())
}

/// The twelve short month names of a language, from its locale file.
pub fn months_in(locale: Locale) -> &'static str {
    td_string!(locale, months)
}

/// A day ("6 mar 2020") in the reader's language.
pub fn day(i18n: I18n, unix_ms: i64) -> String {
    crate::domain::format_day(unix_ms, months_in(i18n.get_locale()))
}

/// A day and time ("6 mar 2020, 14:05 UTC") in the reader's language.
pub fn day_time(i18n: I18n, unix_ms: i64) -> String {
    crate::domain::format_day_time(unix_ms, months_in(i18n.get_locale()))
}

pub fn priority_name(i18n: I18n, p: Priority) -> String {
    match p {
        Priority::Low => td_string!(i18n.get_locale(), priority_low).to_string(),
        Priority::Normal => td_string!(i18n.get_locale(), priority_normal).to_string(),
        Priority::High => td_string!(i18n.get_locale(), priority_high).to_string(),
        Priority::Urgent => td_string!(i18n.get_locale(), priority_urgent).to_string(),
    }
}
