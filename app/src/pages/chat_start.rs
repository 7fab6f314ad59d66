//! "Tech Support Chat" (opens in a new tab): the pre-chat form. The chat is English only: a
//! question in another language gets the offer of a ticket in that language first.
use crate::components::page_title::PageTitle;
use leptos::prelude::*;

use crate::api::{chat_form, guess_chat_language, StartChat};
use crate::components::error_text::action_error_text;
use crate::components::submit_button::SubmitButton;
use crate::domain::{ChatStart, CurrentUser, LANGUAGES};
use crate::error::AppError;
use crate::i18n::*;
use crate::locale::use_i18n;
use crate::pages::refusal::PageError;

#[component]
pub fn ChatStartPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| chat_form());
    // A question carried back to the form (a post without JavaScript that got the ticket offer).
    let carried: String = crate::pages::address::use_query()
        .get_untracked()
        .get("question")
        .map(|q| q.chars().take(crate::domain::CHAT_MESSAGE_MAX).collect())
        .unwrap_or_default();
    // Its language, known before the page is sent, so the offer shows without JavaScript too.
    let carried_language = Resource::new(
        {
            let carried = carried.clone();
            move || carried.clone()
        },
        guess_language,
    );
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), chat_heading).to_string()/>
        <main id="main" class="page chat-page">
            <Suspense fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
                {move || {
                    let carried = carried.clone();
                    Suspend::new(async move {
                        let language = carried_language.await;
                        match data.await {
                            Ok((user, open)) => {
                                view! { <PreChatForm user open carried language/> }.into_any()
                            }
                            Err(error) => view! { <PageError error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </main>
    }
}

/// The question's language when the server is sure it is not English; nothing for a few words.
async fn guess_language(question: String) -> Option<String> {
    if question.split_whitespace().count() < 3 {
        return None;
    }
    guess_chat_language(question).await.ok().flatten()
}

/// Link to the ticket form with the chat question carried over.
pub fn ticket_link(question: &str, language: &str) -> String {
    let title: String = question.chars().take(80).collect();
    let enc = crate::pages::query_value;
    format!(
        "/tickets/new?language={}&title={}&description={}",
        enc(language),
        enc(title.trim()),
        enc(question)
    )
}

#[component]
fn PreChatForm(
    user: CurrentUser,
    open: Option<i64>,
    /// The question carried back to the form, if any.
    carried: String,
    /// Its language when not English.
    language: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let start = ServerAction::<StartChat>::new();
    let name = RwSignal::new(user.display_name.clone());
    let email = RwSignal::new(user.email.clone());
    let question = RwSignal::new(carried.clone());
    // Without JavaScript the button's own name/value says the same thing.
    let continue_in_english = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        start.dispatch(StartChat {
            name: name.get_untracked(),
            email: email.get_untracked(),
            question: question.get_untracked(),
            continue_in_english: Some("1".into()),
        });
    };
    // The language the server sees in the question once the member pauses typing (an effect:
    // browser only, and never holding the form back behind a loading state).
    let typed_language = RwSignal::new(language);
    let paused = leptos_use::signal_debounced(question, 400.0);
    Effect::new(move |seen: Option<String>| {
        let text: String = paused.get();
        if seen.is_some_and(|seen| seen != text) {
            let text = text.clone();
            leptos::task::spawn_local(async move {
                typed_language.set(guess_language(text).await);
            });
        }
        text
    });
    let other_language = Memo::new(move |_| {
        if let Some(Ok(ChatStart::NotEnglish { language })) = start.value().get() {
            return Some(language);
        }
        typed_language.get()
    });
    let language_name = move || {
        let code = other_language.get().unwrap_or_default();
        LANGUAGES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, n)| n.to_string())
            .unwrap_or_default()
    };
    let error = move |field: &'static str| {
        move || match start.value().get()?.err()? {
            AppError::Validation { field: f, .. } if f != field => None,
            e @ AppError::Validation { .. } => Some(action_error_text(i18n, &e)),
            e if field == "form" => Some(action_error_text(i18n, &e)),
            _ => None,
        }
    };
    let member_number = user.member_number.clone().unwrap_or_default();
    view! {
        <h1>{tr!(i18n, chat_heading)}</h1>
        <p class="intro">{tr!(i18n, chat_intro)}</p>
        <p class="hint">{tr!(i18n, chat_english_only_note)}</p>
        {open.map(|id| view! {
            <p class="banner" role="note">
                {tr!(i18n, chat_already_open)} " "
                <a href=format!("/chat/{id}")>{tr!(i18n, chat_return)}</a>
            </p>
        })}
        <ActionForm action=start attr:class="stack">
            <label for="chat-name">{tr!(i18n, chat_name)}</label>
            <input id="chat-name" name="name" type="text" required maxlength="100"
                value=user.display_name.clone() on:input=move |ev| name.set(event_target_value(&ev))
                autocomplete="name"/>
            <p class="form-error" role="alert">{error("name")}</p>

            <label for="chat-member">{tr!(i18n, chat_member_id)}</label>
            <p class="hint" id="chat-member-hint">{tr!(i18n, chat_member_id_hint)}</p>
            <input id="chat-member" type="text" value=member_number readonly
                aria-describedby="chat-member-hint"/>

            <label for="chat-email">{tr!(i18n, chat_email)}</label>
            <input id="chat-email" name="email" type="email" required autocomplete="email"
                value=user.email.clone() on:input=move |ev| email.set(event_target_value(&ev))/>
            <p class="form-error" role="alert">{error("email")}</p>

            <label for="chat-question">{tr!(i18n, chat_question)}</label>
            <textarea id="chat-question" name="question" rows="4" required
                placeholder=tr!(i18n, chat_question_placeholder)
                on:input=move |ev| question.set(event_target_value(&ev))>{carried}</textarea>
            <p class="form-error" role="alert">{error("question")}</p>

            {move || other_language.get().map(|code| {
                let link = ticket_link(&question.get(), &code);
                view! {
                    <section class="language-offer" role="alert">
                        <p>{move || td_string!(i18n.get_locale(), chat_not_english, language = language_name()).to_string()}</p>
                        <a class="button primary" href=link>{tr!(i18n, chat_open_ticket)}</a>
                        <button type="submit" class="button secondary" name="continue_in_english" value="1"
                            on:click=continue_in_english>
                            {tr!(i18n, chat_continue_english)}
                        </button>
                    </section>
                }
            })}
            <p class="form-error" role="alert">{error("form")}</p>
            <div hidden=move || other_language.get().is_some()>
                <SubmitButton pending=start.pending()
                    label=Signal::derive(move || td_string!(i18n.get_locale(), chat_start).to_string())
                    busy_label=Signal::derive(move || td_string!(i18n.get_locale(), sending).to_string())/>
            </div>
        </ActionForm>
    }
}
