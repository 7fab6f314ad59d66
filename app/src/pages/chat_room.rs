//! One chat (`/chat/{id}`), for its member and for the agent who took it: the queue while
//! waiting, then the live conversation; afterwards the transcript.
use crate::components::page_title::PageTitle;
use crate::pages::address::go_to;
use leptos::prelude::*;

use crate::api::{get_chat, send_chat_files, AskForTicket, ChatToTicket, EndChat};
use crate::components::attachments::AttachmentList;
use crate::components::chat_socket::{is_open, ChatLive};
use crate::components::error_text::action_error_text;
use crate::components::file_picker::{send_form, upload_action, FilePicker, PickedFiles};
use crate::components::labels::day_time;
use crate::components::typed_early::typed_before_hydration;
use crate::domain::{ChatMessage, ChatStatus, ChatView, SystemNote, UploadLimits};
use crate::i18n::*;
use crate::locale::use_i18n;
use crate::pages::chat_start::ticket_link;
use crate::pages::refusal::PageError;

#[component]
pub fn ChatRoomPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::pages::route_id();
    let data = Resource::new(id, get_chat);
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), chat_heading).to_string()/>
        <main id="main" class="page chat-page">
            <Suspense fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <ChatRoom view/> }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

fn minutes(secs: i64) -> i64 {
    (secs + 59) / 60
}

#[component]
fn ChatRoom(view: ChatView) -> impl IntoView {
    let i18n = use_i18n();
    let staff = view.viewer_is_staff;
    let chat_id = view.head.id;
    // The canned "please open a ticket in your language" link's language (found by the server).
    let question_language = view
        .question_language
        .clone()
        .unwrap_or_else(|| "en".into());
    let live = ChatLive::new(view);
    live.connect();

    let end = ServerAction::<EndChat>::new();
    let to_ticket = ServerAction::<ChatToTicket>::new();
    let ask = ServerAction::<AskForTicket>::new();
    let files = upload_action(send_chat_files);
    let picked = PickedFiles::new(UploadLimits::default());
    let draft = RwSignal::new(typed_before_hydration("chat-message"));
    Effect::new(move |_| {
        if let Some(Ok(ticket)) = to_ticket.value().get() {
            if !staff {
                go_to(&format!("/tickets/{ticket}"));
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = files.value().get() {
            draft.set(String::new());
            picked.clear();
        }
    });

    let on_send = move |ev: leptos::ev::SubmitEvent| {
        // Text alone goes over the socket; with screenshots, through the upload pipeline.
        if picked.files.with_untracked(Vec::is_empty) {
            let body = draft.get_untracked();
            if live.send(body) {
                ev.prevent_default();
                draft.set(String::new());
                return;
            }
        }
        send_form(ev, files, Some(picked));
    };

    let status_line = move || {
        let head = live.head.get();
        match head.status {
            ChatStatus::Queued => td_string!(i18n.get_locale(), chat_waiting).to_string(),
            ChatStatus::Active if staff => td_string!(
                i18n.get_locale(),
                chat_with_member,
                name = head.member_name.clone()
            )
            .to_string(),
            ChatStatus::Active => td_string!(
                i18n.get_locale(),
                chat_with_agent,
                name = head.agent_name.clone().unwrap_or_default()
            )
            .to_string(),
            ChatStatus::Ended => td_string!(i18n.get_locale(), chat_ended).to_string(),
        }
    };
    let queue_panel = move || {
        let q = live.queue.get()?;
        let head = live.head.get();
        let estimate = match q.estimated_wait_secs {
            Some(s) => {
                td_string!(i18n.get_locale(), chat_estimate, minutes = minutes(s)).to_string()
            }
            None => td_string!(i18n.get_locale(), chat_no_estimate).to_string(),
        };
        Some(view! {
            <section class="queue-status" aria-labelledby="queue-heading">
                <h2 id="queue-heading">{tr!(i18n, chat_queue_heading)}</h2>
                <p class="position" role="status">{td_string!(i18n.get_locale(), chat_position, position = q.position).to_string()}</p>
                <p>{estimate}</p>
                <p class="hint">{td_string!(i18n.get_locale(), chat_agents_online, count = q.agents_online).to_string()}</p>
                {q.offer_ticket.then(|| view! {
                    <div class="language-offer" role="alert">
                        <p>{tr!(i18n, chat_offer_ticket)}</p>
                        <ActionForm action=to_ticket>
                            <input type="hidden" name="id" value=head.id/>
                            <button type="submit" class="button primary">{tr!(i18n, chat_make_ticket)}</button>
                        </ActionForm>
                    </div>
                })}
                <ActionForm action=end>
                    <input type="hidden" name="id" value=head.id/>
                    <button type="submit" class="button secondary">{tr!(i18n, chat_leave_queue)}</button>
                </ActionForm>
            </section>
        })
    };
    // The canned "please open a ticket in your language" carries the question over.
    let ticket_href = Signal::derive(move || {
        live.head
            .with(|h| ticket_link(&h.question, &question_language))
    });
    let messages = move || {
        live.messages
            .get()
            .into_iter()
            .map(|m| view! { <ChatLine m staff ticket_href/> })
            .collect_view()
    };
    let action_error = move || {
        [
            end.value().get().and_then(Result::err),
            to_ticket.value().get().and_then(Result::err),
            ask.value().get().and_then(Result::err),
            files.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|e| action_error_text(i18n, &e))
    };
    view! {
        <a class="back" href=if staff { "/agent/chats" } else { "/" }>
            {move || if staff { td_string!(i18n.get_locale(), back_to_chats).to_string() } else { td_string!(i18n.get_locale(), back_to_list).to_string() }}
        </a>
        <h1>{tr!(i18n, chat_heading)}</h1>
        <p class="chat-status" role="status">{status_line}</p>
        {move || staff.then(|| {
            let h = live.head.get();
            view! {
                <p class="chat-member">
                    {h.member_name} " · " {h.member_number.unwrap_or_default()} " · " {h.email}
                </p>
                <p class="chat-question"><strong>{tr!(i18n, chat_question)}</strong> " " {h.question}</p>
            }
        })}
        {queue_panel}
        // The log role sits on a wrapper: on the <ol> itself it would hide the list from
        // assistive technology, leaving its items outside any list.
        <div class="chat-log-region" role="log" aria-live="polite"
            aria-label=tr!(i18n, chat_messages)>
            <ol class="chat-log">{messages}</ol>
        </div>
        <p class="chat-connection" role="status">
            {move || live.reconnecting.get().then(|| td_string!(i18n.get_locale(), chat_reconnecting).to_string())}
        </p>
        <p class="typing" aria-live="polite">
            {move || live.typing.get().map(|name| td_string!(i18n.get_locale(), chat_typing, name = name).to_string())}
        </p>
        <p class="form-error" role="alert">
            {move || live.error.get().map(|e| action_error_text(i18n, &e))}
        </p>
        <p class="form-error" role="alert">{action_error}</p>
        {move || {
            // A chat that became a ticket is rated as that ticket, once it is closed.
            let head = live.head.get();
            (head.status == ChatStatus::Ended && head.ticket_id.is_none()).then(|| view! {
                <crate::components::rating::RatingBox what=crate::domain::Rated::Chat(head.id)/>
            })
        }}
        {move || {
            let head = live.head.get();
            if !is_open(&head) {
                return head.ticket_id.map(|t| view! {
                    <p><a href=format!("/tickets/{t}")>{tr!(i18n, chat_ticket_link)}</a></p>
                }).into_any();
            }
            view! {
                <form method="post" action="/api/send_chat_files" enctype="multipart/form-data"
                    class="stack composer" on:submit=on_send>
                    <input type="hidden" name="chat" value=chat_id/>
                    <label for="chat-message">{tr!(i18n, chat_message_label)}</label>
                    <textarea id="chat-message" name="body" rows="2" maxlength="2000"
                        prop:value=move || draft.get()
                        on:input=move |ev| { draft.set(event_target_value(&ev)); live.typing(); }></textarea>
                    <FilePicker picked id="chat-files"/>
                    <button type="submit" class="button primary">{tr!(i18n, chat_send)}</button>
                </form>
                {(staff && head.status == ChatStatus::Active).then(|| view! {
                    <super::chat_tools::ChatDeskTools chat_id draft/>
                })}
                <div class="chat-actions">
                    {staff.then(|| view! {
                        <ActionForm action=ask>
                            <input type="hidden" name="id" value=chat_id/>
                            <button type="submit" class="button secondary">{tr!(i18n, chat_ask_ticket)}</button>
                        </ActionForm>
                        <ActionForm action=to_ticket>
                            <input type="hidden" name="id" value=chat_id/>
                            <button type="submit" class="button secondary">{tr!(i18n, chat_make_ticket)}</button>
                        </ActionForm>
                    })}
                    {(head.status == ChatStatus::Active).then(|| view! {
                        <ActionForm action=end>
                            <input type="hidden" name="id" value=chat_id/>
                            <button type="submit" class="button secondary">{tr!(i18n, chat_end)}</button>
                        </ActionForm>
                    })}
                </div>
            }.into_any()
        }}
    }
}

#[component]
fn ChatLine(m: ChatMessage, staff: bool, ticket_href: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let at = m.at;
    let time = move || day_time(i18n, at);
    if let Some(note) = m.system {
        let text = move || match note {
            SystemNote::AgentJoined => td_string!(i18n.get_locale(), chat_sys_joined).to_string(),
            SystemNote::AgentLeft => td_string!(i18n.get_locale(), chat_sys_agent_left).to_string(),
            SystemNote::MemberLeft => {
                td_string!(i18n.get_locale(), chat_sys_member_left).to_string()
            }
            SystemNote::TurnedIntoTicket => {
                td_string!(i18n.get_locale(), chat_sys_ticket).to_string()
            }
            SystemNote::AskForTicket => {
                td_string!(i18n.get_locale(), chat_sys_ask_ticket).to_string()
            }
            SystemNote::Transferred => {
                td_string!(i18n.get_locale(), chat_sys_transferred).to_string()
            }
        };
        let link = (note == SystemNote::AskForTicket && !staff).then(|| {
            view! { " " <a href=move || ticket_href.get()>{tr!(i18n, chat_open_ticket)}</a> }
        });
        return view! { <li class="system">{text} {link} " · " <time>{time}</time></li> }
            .into_any();
    }
    let class = if m.from_staff {
        "line staff"
    } else {
        "line member"
    };
    view! {
        <li class=class>
            <p class="meta"><span class="who">{m.author_name.unwrap_or_default()}</span> " · " <time>{time}</time></p>
            <p class="body">{m.body}</p>
            <AttachmentList files=m.attachments.clone() base="/chat-files"/>
        </li>
    }
    .into_any()
}
