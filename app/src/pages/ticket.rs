//! One tech issue as the member sees it: the question waiting for them, the conversation with
//! status changes, a reply box and "close this issue".
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{get_ticket, CloseTicket, ReplyTicket};
use crate::components::labels::{lang_code, status_name};
use crate::components::submit_button::SubmitButton;
use crate::domain::{
    format_day, format_day_time, TicketDetail, TicketStatus, TimelineItem, LANGUAGES,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::pages::refusal::PageError;

/// The message a person sees for an error from a ticket action.
pub fn action_error_text(i18n: leptos_i18n::I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::Validation { message, .. } => {
            t_string!(i18n, error_validation, message = message.clone()).to_string()
        }
        AppError::NotFound => t_string!(i18n, error_not_found).to_string(),
        AppError::IllegalTransition { .. } => t_string!(i18n, error_conflict).to_string(),
        AppError::Unavailable => t_string!(i18n, error_unavailable).to_string(),
        _ => t_string!(i18n, error_generic).to_string(),
    }
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let reply = ServerAction::<ReplyTicket>::new();
    let close = ServerAction::<CloseTicket>::new();
    // Refetch after every action so the page shows the stored state, not a guess.
    let data = Resource::new(
        move || (id(), reply.version().get(), close.version().get()),
        |(id, _, _)| get_ticket(id),
    );
    view! {
        <main id="main" class="page ticket-page">
            <a class="back" href="/">{t!(i18n, back_to_list)}</a>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(detail) => view! { <TicketView detail reply close/> }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn TicketView(
    detail: TicketDetail,
    reply: ServerAction<ReplyTicket>,
    close: ServerAction<CloseTicket>,
) -> impl IntoView {
    let i18n = use_i18n();
    let s = detail.summary.clone();
    let status = s.status;
    let pending = detail.pending_question().map(str::to_string);
    let lang_name = LANGUAGES
        .iter()
        .find(|(c, _)| *c == s.language)
        .map(|(_, n)| *n)
        .unwrap_or("?");
    let title = s.title.clone();
    let opened = s.opened_at;
    let id = s.id;
    let reply_error = move || {
        reply
            .value()
            .get()?
            .err()
            .map(|e| action_error_text(i18n, &e))
    };
    let close_error = move || {
        close
            .value()
            .get()?
            .err()
            .map(|e| action_error_text(i18n, &e))
    };
    let timeline = detail
        .timeline
        .into_iter()
        .map(|item| match item {
            TimelineItem::Entry(e) => {
                let who = if e.author_is_staff {
                    format!("{} · {}", e.author_name, t_string!(i18n, it_team))
                } else {
                    e.author_name.clone()
                };
                let class = if e.author_is_staff { "entry staff" } else { "entry member" };
                let at = e.at;
                view! {
                    <li class=class>
                        <p class="meta">
                            <span class="who">{who}</span>
                            " · "
                            <time>{move || format_day_time(at, lang_code(i18n))}</time>
                        </p>
                        <p class="body">{e.body}</p>
                    </li>
                }
                .into_any()
            }
            TimelineItem::Status { from, to, actor_name, at } => view! {
                <li class="status-change">
                    {move || {
                        let who = actor_name.clone();
                        if from.is_none() {
                            t_string!(i18n, status_opened, who = who).to_string()
                        } else {
                            t_string!(i18n, status_changed, who = who, status = status_name(i18n, to)).to_string()
                        }
                    }}
                    " · "
                    <time>{move || format_day_time(at, lang_code(i18n))}</time>
                </li>
            }
            .into_any(),
        })
        .collect_view();
    view! {
        <Title text=title.clone()/>
        <p class="ticket-number">
            {move || t_string!(i18n, ticket_number, id = id).to_string()}
            " · "
            {move || format_day(opened, lang_code(i18n))}
            " · "
            {move || t_string!(i18n, ticket_language, lang = lang_name).to_string()}
        </p>
        <h1>{title}</h1>
        <p>
            <span class=format!("status status-{}", status.as_str())>{move || status_name(i18n, status)}</span>
        </p>
        {pending.map(|q| view! {
            <section class="pending-question" aria-labelledby="pending-heading">
                <h2 id="pending-heading">{t!(i18n, awaiting_intro)}</h2>
                <p class="body">{q}</p>
            </section>
        })}
        <section aria-labelledby="description-heading">
            <h2 id="description-heading">{t!(i18n, description_heading)}</h2>
            <p class="body description">{detail.description}</p>
        </section>
        <section aria-labelledby="conversation-heading">
            <h2 id="conversation-heading">{t!(i18n, conversation_heading)}</h2>
            <ol class="timeline">{timeline}</ol>
        </section>
        <section class="reply">
            <ActionForm action=reply attr:class="stack">
                <input type="hidden" name="id" value=id/>
                <label for="reply-body">{t!(i18n, reply_label)}</label>
                {match status {
                    TicketStatus::AwaitingFeedback => Some(view! { <p class="hint" id="reply-hint">{t!(i18n, awaiting_reply_hint)}</p> }.into_any()),
                    TicketStatus::Closed => Some(view! { <p class="hint" id="reply-hint">{t!(i18n, closed_reply_hint)}</p> }.into_any()),
                    TicketStatus::Open => None,
                }}
                <textarea id="reply-body" name="body" rows="5" required
                    aria-describedby=(status != TicketStatus::Open).then_some("reply-hint")></textarea>
                <p class="form-error" role="alert">{reply_error}</p>
                <SubmitButton pending=reply.pending()
                    label=Signal::derive(move || t_string!(i18n, send_reply).to_string())
                    busy_label=Signal::derive(move || t_string!(i18n, sending).to_string())/>
            </ActionForm>
        </section>
        {(status != TicketStatus::Closed).then(|| view! {
            <ActionForm action=close attr:class="close-issue">
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="button secondary">{t!(i18n, close_issue)}</button>
                <p class="form-error" role="alert">{close_error}</p>
            </ActionForm>
        })}
    }
}
