use leptos::prelude::*;

use crate::components::labels::{lang_code, status_name};
use crate::domain::{format_day, TicketStatus, TicketSummary};
use crate::i18n::*;

/// One list of the member's tickets: title, the date that matters for its state, and status.
#[component]
pub fn TicketList(tickets: Vec<TicketSummary>, empty: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    if tickets.is_empty() {
        return view! { <p class="empty">{move || empty.get()}</p> }.into_any();
    }
    let rows = tickets
        .into_iter()
        .map(|t| {
            let status = t.status;
            let date = move || {
                let lang = lang_code(i18n);
                match (status, t.closed_at) {
                    (TicketStatus::Closed, Some(at)) => {
                        t_string!(i18n, date_closed, date = format_day(at, lang)).to_string()
                    }
                    _ => t_string!(i18n, date_opened, date = format_day(t.opened_at, lang))
                        .to_string(),
                }
            };
            view! {
                <li class="ticket-row">
                    <a class="title" href=format!("/tickets/{}", t.id)>{t.title}</a>
                    <span class="date">{date}</span>
                    <span class=format!("status status-{}", status.as_str())>
                        {move || status_name(i18n, status)}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="ticket-list">{rows}</ul> }.into_any()
}
