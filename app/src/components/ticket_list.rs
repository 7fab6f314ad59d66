use html_escape::encode_text;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::tachys::html::InertElement;

#[cfg(feature = "hydrate")]
use crate::api::reply_ticket;
#[cfg(feature = "hydrate")]
use crate::components::error_text::action_error_text;
use crate::components::labels::{months_in, status_in};
use crate::components::submit_button::SubmitButton;
use crate::domain::{format_day, TicketStatus, TicketSummary};
#[cfg(feature = "hydrate")]
use crate::error::AppError;
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
    // Read once: a language change loads the page again (`LanguageSwitcher`), so the lines need
    // no reactive closure each.
    let locale = i18n.get_locale_untracked();
    let hydrating = hydrating();
    let rows = tickets
        .into_iter()
        .map(|t| match t.question.clone() {
            None => {
                let mut html = String::new();
                if !hydrating {
                    html.reserve(LINE_CAPACITY);
                    html.push_str(r#"<li class="ticket-row">"#);
                    write_line(&mut html, locale, &t);
                    html.push_str("</li>");
                }
                Either::Left(InertElement::new(html))
            }
            Some(question) => {
                // Three elements here, not one: an inert element hydrates exactly one node.
                let mut parts = [String::new(), String::new(), String::new()];
                if !hydrating {
                    write_title(&mut parts[0], &t);
                    write_date(&mut parts[1], locale, &t);
                    write_status(&mut parts[2], locale, &t);
                }
                let line = parts.map(InertElement::new);
                let (id, title) = (t.id, t.title);
                Either::Right(view! {
                    <li class="ticket-row">{line}<InlineAnswer id title question/></li>
                })
            }
        })
        .collect_view();
    view! { <ul class="ticket-list">{rows}</ul> }.into_any()
}

/// Whether the browser is taking over the server's HTML. A line's HTML is then already on the
/// page and its inert element only claims it, so its text (dates, escaping) is not written again:
/// on a phone that was part of the dashboard's start-up (BENCHMARKS.md, issue 16). A list drawn
/// later (another tab, fresh data) writes its lines in full.
fn hydrating() -> bool {
    // Islands: the page script turns `is_hydrating` off once every island is taken over
    // (`islands_hydrated`); hydrated without islands, `during_hydration` ends with the first pass.
    cfg!(feature = "hydrate")
        && Owner::current_shared_context()
            .is_some_and(|c| c.during_hydration() && c.get_is_hydrating())
}

/// Room for one line's HTML without growing: the tags are about 120 bytes, a title up to 150.
const LINE_CAPACITY: usize = 320;

/// A ticket's line as finished HTML: its title link, its date and its status badge, written into
/// one buffer.
///
/// Built as text, not as views: a dashboard shows up to fifty lines, and in the release build
/// (`erase_components`) every `view!` child is a boxed view rendered through its own future,
/// which made these lines most of the page's rendering cost (BENCHMARKS.md, issue 16). A line
/// has nothing interactive inside.
fn write_line(html: &mut String, locale: Locale, t: &TicketSummary) {
    write_title(html, t);
    write_date(html, locale, t);
    write_status(html, locale, t);
}

fn write_title(html: &mut String, t: &TicketSummary) {
    let mut id = itoa::Buffer::new();
    html.push_str(r#"<a class="title" href="/tickets/"#);
    html.push_str(id.format(t.id));
    html.push_str(r#"">"#);
    html.push_str(&encode_text(&t.title));
    html.push_str("</a>");
}

/// The date that matters for the ticket's state: when it was closed, else when it was opened.
fn write_date(html: &mut String, locale: Locale, t: &TicketSummary) {
    let months = months_in(locale);
    let date = match (t.status, t.closed_at) {
        (TicketStatus::Closed, Some(at)) => {
            td_string!(locale, date_closed, date = format_day(at, months)).to_string()
        }
        _ => td_string!(locale, date_opened, date = format_day(t.opened_at, months)).to_string(),
    };
    html.push_str(r#"<span class="date">"#);
    html.push_str(&encode_text(&date));
    html.push_str("</span>");
}

fn write_status(html: &mut String, locale: Locale, t: &TicketSummary) {
    html.push_str(r#"<span class="status status-"#);
    html.push_str(t.status.as_str());
    html.push_str(r#"">"#);
    html.push_str(&encode_text(status_in(locale, t.status)));
    html.push_str("</span>");
}

/// Awaiting Feedback, answered right in the list: the IT team's question and a reply box. A plain
/// multipart form (works without JavaScript), sent through the same `reply_ticket` as the page.
/// With JavaScript the sending code is fetched on the first answer ([`send_answer`]): it was
/// 12.6 KB (brotli) of the dashboard's first load (BENCHMARKS.md, session 40).
#[component]
fn InlineAnswer(id: i64, title: String, question: String) -> impl IntoView {
    let i18n = use_i18n();
    let changed = use_context::<ListChanged>();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let field = format!("answer-{id}");
    let label = t_string!(i18n, answer_label, title = title).to_string();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Some(form) = crate::components::file_picker::submitted_form(&ev) {
            pending.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let sent = send_answer(send_wrapper::SendWrapper::new(form), i18n).await;
                pending.set(false);
                match (sent, changed) {
                    (Ok(()), Some(ListChanged(v))) => v.update(|n| *n += 1),
                    (Ok(()), None) => {}
                    (Err(text), _) => error.set(Some(text)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = changed;
    };
    view! {
        <div class="inline-answer">
            <p class="question"><strong>{tr!(i18n, awaiting_intro)}</strong> " " {question}</p>
            <form method="post" action="/api/reply_ticket" enctype="multipart/form-data"
                class="stack" on:submit=on_submit>
                <input type="hidden" name="id" value=id/>
                <label for=field.clone()>{label}</label>
                <p class="hint">{tr!(i18n, awaiting_reply_hint)}</p>
                <textarea id=field name="body" rows="3" required></textarea>
                <p class="form-error" role="alert">{move || error.get()}</p>
                <SubmitButton pending=Memo::new(move |_| pending.get())
                    label=Signal::derive(move || t_string!(i18n, send_answer).to_string())
                    busy_label=Signal::derive(move || t_string!(i18n, sending).to_string())/>
            </form>
        </div>
    }
}

/// Sends an answer form through `reply_ticket`; on failure, the text to show. Lazy: split out of
/// the first page's module by `cargo leptos build --split`.
#[cfg(feature = "hydrate")]
#[leptos::lazy]
async fn send_answer(
    form: send_wrapper::SendWrapper<web_sys::HtmlFormElement>,
    i18n: leptos_i18n::I18nContext<Locale>,
) -> Result<(), String> {
    let data = web_sys::FormData::new_with_form(&form)
        .map_err(|_| action_error_text(i18n, &AppError::Transport("form".into())))?;
    reply_ticket(server_fn::codec::MultipartData::from(data))
        .await
        .map_err(|e| action_error_text(i18n, &e))
}
