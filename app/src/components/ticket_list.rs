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
use crate::locale::use_i18n;

/// The window event an answer sent from a list raises once it is saved, so the page holding the
/// list fetches it again. An event rather than a context: the answer form on the list the server
/// wrote is an island of its own, outside the list island's reactive tree.
#[cfg(feature = "hydrate")]
const LIST_CHANGED: &str = "desk-list-changed";

/// A counter that goes up whenever an answer is sent from a list on this page.
pub fn list_changed() -> ReadSignal<u64> {
    let (changed, set_changed) = signal(0u64);
    #[cfg(feature = "hydrate")]
    {
        let handle =
            window_event_listener_untyped(LIST_CHANGED, move |_| set_changed.update(|n| *n += 1));
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_changed;
    changed
}

/// One list of the member's tickets: title, the date that matters for its state, and status.
/// The server writes it inside the list island's children; the island draws it again for lists
/// it fetched.
pub fn ticket_list(tickets: Vec<TicketSummary>, empty: Signal<String>) -> AnyView {
    let i18n = use_i18n();
    if tickets.is_empty() {
        return view! { <p class="empty">{move || empty.get()}</p> }.into_any();
    }
    // Read once: a language change loads the page again (the language form), so the lines need
    // no reactive closure each.
    let locale = i18n.get_locale();
    let rows = tickets
        .into_iter()
        .map(|t| match t.question.clone() {
            None => {
                let mut html = String::with_capacity(LINE_CAPACITY);
                html.push_str(r#"<li class="ticket-row">"#);
                write_line(&mut html, locale, &t);
                html.push_str("</li>");
                Either::Left(InertElement::new(html))
            }
            Some(question) => {
                // Three elements here, not one: an inert element hydrates exactly one node.
                let mut parts = [String::new(), String::new(), String::new()];
                write_title(&mut parts[0], &t);
                write_date(&mut parts[1], locale, &t);
                write_status(&mut parts[2], locale, &t);
                let line = parts.map(InertElement::new);
                let (id, title) = (t.id, t.title);
                Either::Right(view! {
                    <li class="ticket-row">{line}{inline_answer(id, title, question)}</li>
                })
            }
        })
        .collect_view();
    view! { <ul class="ticket-list">{rows}</ul> }.into_any()
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
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let field = format!("answer-{id}");
    let label = td_string!(i18n.get_locale(), answer_label, title = title).to_string();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Some(form) = crate::components::file_picker::submitted_form(&ev) {
            pending.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let sent = send_answer(send_wrapper::SendWrapper::new(form), i18n).await;
                pending.set(false);
                match sent {
                    Ok(()) => {
                        if let Ok(event) = web_sys::Event::new(LIST_CHANGED) {
                            let _ = window().dispatch_event(&event);
                        }
                    }
                    Err(text) => error.set(Some(text)),
                }
            });
        }
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
                    label=Signal::derive(move || td_string!(i18n.get_locale(), send_answer).to_string())
                    busy_label=Signal::derive(move || td_string!(i18n.get_locale(), sending).to_string())/>
            </form>
        </div>
    }
}

/// The answer form, as the server writes it: an island of its own ([`InlineAnswerIsland`]), since
/// the browser takes over the list the server wrote without building it again. The browser, which
/// only draws lists it fetched, uses the component itself: a browser-side island would bring the
/// code that writes islands and their props into the first page's module (about 0.3 KB brotli).
fn inline_answer(id: i64, title: String, question: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    return view! { <InlineAnswerIsland id title question/> };
    #[cfg(not(feature = "ssr"))]
    return view! { <InlineAnswer id title question/> };
}

// In the browser only its island entry is used (islands build); the hydrated build has none.
#[cfg(any(feature = "ssr", feature = "islands"))]
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
fn InlineAnswerIsland(id: i64, title: String, question: String) -> impl IntoView {
    view! { <InlineAnswer id title question/> }
}

/// Sends an answer form through `reply_ticket`; on failure, the text to show. Lazy: split out of
/// the first page's module by `cargo leptos build --split`.
#[cfg(feature = "hydrate")]
#[leptos::lazy]
async fn send_answer(
    form: send_wrapper::SendWrapper<web_sys::HtmlFormElement>,
    i18n: crate::locale::I18n,
) -> Result<(), String> {
    let data = web_sys::FormData::new_with_form(&form)
        .map_err(|_| action_error_text(i18n, &AppError::Transport("form".into())))?;
    reply_ticket(server_fn::codec::MultipartData::from(data))
        .await
        .map_err(|e| action_error_text(i18n, &e))
}
