use leptos::prelude::*;

use crate::api::reply_ticket;
use crate::components::error_text::action_error_text;
use crate::components::file_picker::{send_form, upload_action};
use crate::components::labels::{day, status_name};
use crate::components::submit_button::SubmitButton;
use crate::domain::{TicketStatus, TicketSummary};
use crate::i18n::*;

/// Bumped after an answer sent from the list, so the page holding the list refetches.
#[derive(Clone, Copy)]
pub struct ListChanged(pub RwSignal<u64>);

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
            let answer = t
                .question
                .clone()
                .map(|q| view! { <InlineAnswer id=t.id title=t.title.clone() question=q/> });
            let date = move || match (status, t.closed_at) {
                (TicketStatus::Closed, Some(at)) => {
                    t_string!(i18n, date_closed, date = day(i18n, at)).to_string()
                }
                _ => t_string!(i18n, date_opened, date = day(i18n, t.opened_at)).to_string(),
            };
            view! {
                <li class="ticket-row">
                    <a class="title" href=format!("/tickets/{}", t.id)>{t.title}</a>
                    <span class="date">{date}</span>
                    <span class=format!("status status-{}", status.as_str())>
                        {move || status_name(i18n, status)}
                    </span>
                    {answer}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="ticket-list">{rows}</ul> }.into_any()
}

/// Awaiting Feedback, answered right in the list: the IT team's question and a reply box. A plain
/// multipart form (works without JavaScript), sent through the same `reply_ticket` as the page.
#[component]
fn InlineAnswer(id: i64, title: String, question: String) -> impl IntoView {
    let i18n = use_i18n();
    let answer = upload_action(reply_ticket);
    let changed = use_context::<ListChanged>();
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(ListChanged(v))) = (answer.value().get(), changed) {
            v.update(|n| *n += 1);
        }
    });
    let field = format!("answer-{id}");
    let label = t_string!(i18n, answer_label, title = title).to_string();
    let on_submit = move |ev| send_form(ev, answer, None);
    view! {
        <div class="inline-answer">
            <p class="question"><strong>{t!(i18n, awaiting_intro)}</strong> " " {question}</p>
            <form method="post" action="/api/reply_ticket" enctype="multipart/form-data"
                class="stack" on:submit=on_submit>
                <input type="hidden" name="id" value=id/>
                <label for=field.clone()>{label}</label>
                <p class="hint">{t!(i18n, awaiting_reply_hint)}</p>
                <textarea id=field name="body" rows="3" required></textarea>
                <p class="form-error" role="alert">
                    {move || answer.value().get()?.err().map(|e| action_error_text(i18n, &e))}
                </p>
                <SubmitButton pending=answer.pending()
                    label=Signal::derive(move || t_string!(i18n, send_answer).to_string())
                    busy_label=Signal::derive(move || t_string!(i18n, sending).to_string())/>
            </form>
        </div>
    }
}
