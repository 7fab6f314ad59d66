//! The agent's tools beside a chat: put a canned answer in the message box (to read and edit
//! before sending), or pass the chat to another online agent.
use crate::pages::address::go_to;
use leptos::prelude::*;

use crate::api::{chat_tools, TransferChat};
use crate::components::error_text::action_error_text;
use crate::i18n::*;
use crate::locale::use_i18n;

#[component]
pub fn ChatDeskTools(chat_id: i64, draft: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let transfer = ServerAction::<TransferChat>::new();
    let tools = Resource::new(move || chat_id, chat_tools);
    // Once passed on, the chat is no longer this agent's: back to their console.
    Effect::new(move |_| {
        if let Some(Ok(())) = transfer.value().get() {
            go_to("/agent/chats");
        }
    });
    let chosen = RwSignal::new(String::new());
    let error = move || {
        transfer
            .value()
            .get()?
            .err()
            .map(|e| action_error_text(i18n, &e))
    };
    view! {
        <section class="chat-tools" aria-labelledby="chat-tools-heading">
            <h2 id="chat-tools-heading">{tr!(i18n, chat_tools_heading)}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok(t) = tools.await else { return ().into_any() };
                    let texts = StoredValue::new(t.macros.clone());
                    let macro_options = t
                        .macros
                        .into_iter()
                        .map(|m| view! { <option value=m.id>{m.name}</option> })
                        .collect_view();
                    let agent_options = t
                        .agents
                        .iter()
                        .map(|a| view! { <option value=a.id>{a.name.clone()}</option> })
                        .collect_view();
                    let insert = move |_| {
                        let id: i64 = chosen.get_untracked().parse().unwrap_or(0);
                        if let Some(m) = texts.with_value(|l| l.iter().find(|m| m.id == id).cloned()) {
                            draft.set(m.text);
                        }
                    };
                    let no_agents = t.agents.is_empty();
                    view! {
                        <div class="inline-form">
                            <label for="chat-macro">{tr!(i18n, chat_macro_label)}</label>
                            <select id="chat-macro" on:change=move |ev| chosen.set(event_target_value(&ev))>
                                <option value="">{tr!(i18n, bulk_choose)}</option>
                                {macro_options}
                            </select>
                            <button type="button" class="button secondary" on:click=insert>
                                {tr!(i18n, chat_macro_insert)}
                            </button>
                        </div>
                        <ActionForm action=transfer attr:class="inline-form">
                            <input type="hidden" name="id" value=chat_id/>
                            <label for="chat-transfer">{tr!(i18n, chat_transfer_label)}</label>
                            <select id="chat-transfer" name="to" required disabled=no_agents>
                                {agent_options}
                            </select>
                            <button type="submit" class="button secondary" disabled=no_agents>
                                {tr!(i18n, chat_transfer_button)}
                            </button>
                            {no_agents.then(|| view! { <p class="hint">{tr!(i18n, chat_transfer_nobody)}</p> })}
                            <p class="form-error" role="alert">{error}</p>
                        </ActionForm>
                    }
                    .into_any()
                })}
            </Transition>
        </section>
    }
}
