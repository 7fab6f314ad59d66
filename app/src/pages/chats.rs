//! The member's chats (`/chats`): any chat still open, and the transcripts of ended ones.
use crate::components::page_title::PageTitle;
use leptos::prelude::*;

use crate::api::my_chats;
use crate::components::labels::day_time;
use crate::domain::ChatStatus;
use crate::i18n::*;
use crate::locale::use_i18n;
use crate::pages::refusal::PageError;

#[component]
pub fn ChatsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| my_chats());
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), chats_heading).to_string()/>
        <main id="main" class="page">
            <a class="back" href="/">{tr!(i18n, back_to_list)}</a>
            <h1>{tr!(i18n, chats_heading)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(chats) if chats.is_empty() => view! { <p class="empty">{tr!(i18n, chats_empty)}</p> }.into_any(),
                        Ok(chats) => view! {
                            <ul class="ticket-list">
                                {chats.into_iter().map(|c| {
                                    let at = c.created_at;
                                    let ended = c.status == ChatStatus::Ended;
                                    view! {
                                        <li class="ticket-row">
                                            <a class="title" href=format!("/chat/{}", c.id)>{c.question}</a>
                                            <span class="date">{move || day_time(i18n, at)}</span>
                                            <span class="status">
                                                {move || if ended { td_string!(i18n.get_locale(), chat_ended).to_string() } else { td_string!(i18n.get_locale(), chat_open).to_string() }}
                                            </span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
