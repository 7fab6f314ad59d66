//! A service deadline as agents read it: "in 2 h 5 min" or "overdue by 10 min", with a word
//! (not only a colour) when it is close or past.
use leptos::prelude::*;

use crate::domain::{due_state, waited, DueState};
use crate::i18n::*;
use crate::locale::{use_i18n, I18n};

/// "in 2 h 5 min" / "overdue by 10 min".
pub fn time_left(i18n: I18n, due: i64, now: i64) -> String {
    if due > now {
        td_string!(i18n.get_locale(), due_in, time = waited(now, due)).to_string()
    } else {
        td_string!(i18n.get_locale(), due_over, time = waited(due, now)).to_string()
    }
}

/// The deadline with its mark; the class colours it, the mark says it.
#[component]
pub fn Deadline(due: i64, now: i64, warn_ms: i64) -> impl IntoView {
    let i18n = use_i18n();
    let state = due_state(due, now, warn_ms);
    let class = match state {
        DueState::OnTrack => "deadline",
        DueState::AtRisk => "deadline at-risk",
        DueState::Breached => "deadline breached",
    };
    let mark = move || match state {
        DueState::OnTrack => None,
        DueState::AtRisk => Some(td_string!(i18n.get_locale(), due_soon_mark).to_string()),
        DueState::Breached => Some(td_string!(i18n.get_locale(), due_breached_mark).to_string()),
    };
    view! {
        <span class=class>
            {move || mark().map(|m| view! { <strong class="mark">{m}</strong> " " })}
            {move || time_left(i18n, due, now)}
        </span>
    }
}
