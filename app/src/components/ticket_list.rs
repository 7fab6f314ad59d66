use html_escape::encode_text;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::tachys::html::InertElement;
use leptos_i18n::I18nContext;

use crate::api::reply_ticket;
use crate::components::error_text::action_error_text;
use crate::components::file_picker::{send_form, upload_action};
use crate::components::labels::{months_in, status_in};
use crate::components::submit_button::SubmitButton;
use crate::domain::{format_day, TicketStatus, TicketSummary};
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
        .map(|t| match t.question.clone() {
            None => Either::Left(move || {
                let [title, date, status] = line_parts(i18n, &t);
                InertElement::new(format!(
                    r#"<li class="ticket-row">{title}{date}{status}</li>"#
                ))
            }),
            Some(question) => {
                let (id, title) = (t.id, t.title.clone());
                let line = move || line_parts(i18n, &t).map(InertElement::new);
                Either::Right(view! {
                    <li class="ticket-row">{line}<InlineAnswer id title question/></li>
                })
            }
        })
        .collect_view();
    view! { <ul class="ticket-list">{rows}</ul> }.into_any()
}

/// A ticket's line as finished HTML: its title link, its date and its status badge.
///
/// Built as text, not as views: a dashboard shows up to fifty lines, and in the release build
/// (`erase_components`) every `view!` child is a boxed view rendered through its own future,
/// which made these lines most of the page's rendering cost (BENCHMARKS.md, issue 16). A line
/// has nothing interactive inside; the closure around it redraws it when the language changes,
/// so it reads the locale once and its texts without tracking.
fn line_parts(i18n: I18nContext<Locale>, t: &TicketSummary) -> [String; 3] {
    let locale = i18n.get_locale();
    let months = months_in(locale);
    // `t_string!`, not `td_string!`: with an interpolated value the latter linked about 145 KB
    // of data into the browser's main module.
    let date = match (t.status, t.closed_at) {
        (TicketStatus::Closed, Some(at)) => {
            t_string!(i18n, date_closed, date = format_day(at, months)).to_string()
        }
        _ => t_string!(i18n, date_opened, date = format_day(t.opened_at, months)).to_string(),
    };
    let mut id = itoa::Buffer::new();
    let id = id.format(t.id);
    [
        element(
            &[r#"<a class="title" href="/tickets/"#, id, r#"">"#],
            &t.title,
            "</a>",
        ),
        element(&[r#"<span class="date">"#], &date, "</span>"),
        element(
            &[r#"<span class="status status-"#, t.status.as_str(), r#"">"#],
            status_in(locale, t.status),
            "</span>",
        ),
    ]
}

/// The pieces of an opening tag, the text escaped, the closing tag, in one allocation (fifty
/// lines a page: `format!` here was a tenth of the page's rendering).
fn element(open: &[&str], text: &str, close: &str) -> String {
    let text = encode_text(text);
    let open_len: usize = open.iter().map(|p| p.len()).sum();
    let mut html = String::with_capacity(open_len + text.len() + close.len());
    open.iter().for_each(|p| html.push_str(p));
    html.push_str(&text);
    html.push_str(close);
    html
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
