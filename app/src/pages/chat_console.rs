//! The agent's chat console (`/agent/chats`): online/away, the waiting queue (live), accept the
//! next chat or a chosen one, and the agent's open chats (up to the cap).
use crate::components::page_title::PageTitle;
use leptos::prelude::*;

use crate::api::{load_chat_console, AcceptChat, SetPresence};
use crate::components::error_text::action_error_text;
use crate::components::header::SiteHeader;
use crate::components::labels::tier_name;
use crate::components::live::use_live_version;
use crate::domain::{waited, ChatConsole, CurrentUser, LiveEvent};
use crate::i18n::*;
use crate::locale::use_i18n;
use crate::pages::refusal::PageError;
use leptos_use::use_interval_fn;

/// How often an open console says the agent is still here (the server forgets after a while).
const HEARTBEAT_MS: u64 = 30_000;

#[component]
pub fn ChatConsolePage() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live_version(|e| matches!(e, LiveEvent::ChatQueue | LiveEvent::Chat { .. }));
    let accept = ServerAction::<AcceptChat>::new();
    let presence = ServerAction::<SetPresence>::new();
    let data = Resource::new(
        move || (live.get(), accept.version().get(), presence.version().get()),
        |_| load_chat_console(),
    );
    // Opening the console means being available; a heartbeat keeps the agent counted as online
    // (the server forgets an agent who stops checking in).
    let heartbeat = use_interval_fn(
        move || {
            presence.dispatch(SetPresence { online: true });
        },
        HEARTBEAT_MS,
    );
    // "Away" stops the heartbeat; "available" starts it again.
    Effect::new(move |_| {
        if let Some(SetPresence { online }) = presence.input().get() {
            // Each beat dispatches `online: true` too: only a change of state touches the timer.
            if online != heartbeat.is_active.get_untracked() {
                if online {
                    (heartbeat.resume)();
                } else {
                    (heartbeat.pause)();
                }
            }
        }
    });
    // Only the browser says it is here (the server render must not mark anyone online).
    #[cfg(feature = "hydrate")]
    presence.dispatch(SetPresence { online: true });
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), chat_console_heading).to_string()/>
        <Transition fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((user, console)) => view! { <Console user console accept presence/> }.into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Console(
    user: CurrentUser,
    console: ChatConsole,
    accept: ServerAction<AcceptChat>,
    presence: ServerAction<SetPresence>,
) -> impl IntoView {
    let i18n = use_i18n();
    let full = console.mine.len() as i64 >= console.cap;
    let error = move || {
        accept
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| action_error_text(i18n, &e))
    };
    let waiting = console
        .waiting
        .iter()
        .map(|w| {
            let h = w.head.clone();
            let tier = h.member_tier;
            let label = td_string!(i18n.get_locale(), chat_accept_one, name = h.member_name.clone()).to_string();
            view! {
                <tr>
                    <td>{h.member_name.clone()}</td>
                    <td>{h.member_number.clone().unwrap_or_default()}</td>
                    <td>{move || tier_name(i18n, tier)}</td>
                    <td class="question">{h.question.clone()}</td>
                    <td>{h.language.clone()}</td>
                    <td>{waited(0, w.waited_secs * 1000)}</td>
                    <td>
                        <ActionForm action=accept>
                            <input type="hidden" name="id" value=h.id/>
                            <button type="submit" class="button secondary" aria-label=label disabled=full>
                                {tr!(i18n, chat_accept)}
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let mine = console
        .mine
        .iter()
        .map(|h| {
            view! {
                <li>
                    <a href=format!("/chat/{}", h.id)>
                        {td_string!(i18n.get_locale(), chat_with_member, name = h.member_name.clone()).to_string()}
                    </a>
                    " · " {h.question.clone()}
                </li>
            }
        })
        .collect_view();
    let me_online = console.me_online;
    let has_waiting = !console.waiting.is_empty();
    view! {
        <SiteHeader user/>
        <main id="main" class="page agent-page">
            <h1>{tr!(i18n, chat_console_heading)}</h1>
            <div class="presence">
                <p role="status">
                    {move || if me_online { td_string!(i18n.get_locale(), chat_you_online).to_string() } else { td_string!(i18n.get_locale(), chat_you_away).to_string() }}
                    " · "
                    {td_string!(i18n.get_locale(), chat_agents_online, count = console.agents_online).to_string()}
                </p>
                <ActionForm action=presence>
                    <input type="hidden" name="online" value=if me_online { "false" } else { "true" }/>
                    <button type="submit" class="button secondary">
                        {move || if me_online { td_string!(i18n.get_locale(), chat_go_away).to_string() } else { td_string!(i18n.get_locale(), chat_go_online).to_string() }}
                    </button>
                </ActionForm>
            </div>
            <section aria-labelledby="mine-heading">
                <h2 id="mine-heading">
                    {td_string!(i18n.get_locale(), chat_mine, count = console.mine.len(), cap = console.cap).to_string()}
                </h2>
                <ul class="my-chats">{mine}</ul>
            </section>
            <section aria-labelledby="waiting-heading">
                <h2 id="waiting-heading">
                    {td_string!(i18n.get_locale(), chat_waiting_count, count = console.waiting.len()).to_string()}
                </h2>
                <p class="form-error" role="alert">{error}</p>
                <ActionForm action=accept>
                    <button type="submit" class="button primary" disabled=full || !has_waiting>
                        {tr!(i18n, chat_accept_next)}
                    </button>
                </ActionForm>
                {if has_waiting {
                    view! {
                        <table class="queue">
                            <thead>
                                <tr>
                                    <th scope="col">{tr!(i18n, col_member)}</th>
                                    <th scope="col">{tr!(i18n, chat_member_id)}</th>
                                    <th scope="col">{tr!(i18n, col_tier)}</th>
                                    <th scope="col">{tr!(i18n, chat_question)}</th>
                                    <th scope="col">{tr!(i18n, col_language)}</th>
                                    <th scope="col">{tr!(i18n, col_waiting)}</th>
                                    <th scope="col"><span class="visually-hidden">{tr!(i18n, chat_accept)}</span></th>
                                </tr>
                            </thead>
                            <tbody>{waiting}</tbody>
                        </table>
                    }.into_any()
                } else {
                    view! { <p class="empty">{tr!(i18n, chat_nobody_waiting)}</p> }.into_any()
                }}
            </section>
        </main>
    }
}
