//! Translated names for shared enums. One place, so every screen words them the same way.
use leptos_i18n::I18nContext;

use crate::domain::{Priority, TicketStatus, Tier};
use crate::i18n::*;

pub fn tier_name(i18n: I18nContext<Locale>, tier: Tier) -> String {
    match tier {
        Tier::WellnessAdvocate => t_string!(i18n, tier_wellness_advocate).to_string(),
        Tier::Manager => t_string!(i18n, tier_manager).to_string(),
        Tier::Director => t_string!(i18n, tier_director).to_string(),
        Tier::Executive => t_string!(i18n, tier_executive).to_string(),
        Tier::Elite => t_string!(i18n, tier_elite).to_string(),
        Tier::Premier => t_string!(i18n, tier_premier).to_string(),
        Tier::Silver => t_string!(i18n, tier_silver).to_string(),
        Tier::Gold => t_string!(i18n, tier_gold).to_string(),
        Tier::Platinum => t_string!(i18n, tier_platinum).to_string(),
        Tier::Diamond => t_string!(i18n, tier_diamond).to_string(),
        Tier::BlueDiamond => t_string!(i18n, tier_blue_diamond).to_string(),
        Tier::PresidentialDiamond => t_string!(i18n, tier_presidential_diamond).to_string(),
    }
}

pub fn status_name(i18n: I18nContext<Locale>, status: TicketStatus) -> String {
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
pub fn lang_code(i18n: I18nContext<Locale>) -> &'static str {
    leptos_i18n::Locale::as_str(i18n.get_locale())
}

/// The twelve short month names of a language, from its locale file.
pub fn months_in(locale: Locale) -> &'static str {
    td_string!(locale, months)
}

/// A day ("6 mar 2020") in the reader's language.
pub fn day(i18n: I18nContext<Locale>, unix_ms: i64) -> String {
    crate::domain::format_day(unix_ms, months_in(i18n.get_locale()))
}

/// A day and time ("6 mar 2020, 14:05 UTC") in the reader's language.
pub fn day_time(i18n: I18nContext<Locale>, unix_ms: i64) -> String {
    crate::domain::format_day_time(unix_ms, months_in(i18n.get_locale()))
}

pub fn priority_name(i18n: I18nContext<Locale>, p: Priority) -> String {
    match p {
        Priority::Low => t_string!(i18n, priority_low).to_string(),
        Priority::Normal => t_string!(i18n, priority_normal).to_string(),
        Priority::High => t_string!(i18n, priority_high).to_string(),
        Priority::Urgent => t_string!(i18n, priority_urgent).to_string(),
    }
}
