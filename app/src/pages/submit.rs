//! "Submit a new tech issue". A plain form that works without JavaScript; once hydrated the
//! language picker follows a language typed at the start of the title ("Español - ...").
//! Screenshots and the step-by-step layout come with the upload pipeline.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{desk_user, SubmitTicket};
use crate::components::labels::lang_code;
use crate::components::submit_button::SubmitButton;
use crate::domain::{language_prefix, LANGUAGES};
use crate::error::AppError;
use crate::i18n::*;
use crate::pages::refusal::PageError;
use crate::pages::ticket::action_error_text;

#[component]
pub fn SubmitPage() -> impl IntoView {
    let i18n = use_i18n();
    let access = Resource::new(|| (), |_| desk_user());
    view! {
        <Title text=move || t_string!(i18n, submit_heading).to_string()/>
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match access.await {
                    Ok(_) => view! { <SubmitForm/> }.into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SubmitForm() -> impl IntoView {
    let i18n = use_i18n();
    let submit = ServerAction::<SubmitTicket>::new();
    let language = RwSignal::new(lang_code(i18n).to_string());
    let field_error = move |field: &'static str| {
        move || match submit.value().get()?.err()? {
            AppError::Validation { field: f, .. } if f != field => None,
            e @ AppError::Validation { .. } => Some(action_error_text(i18n, &e)),
            e if field == "form" => Some(action_error_text(i18n, &e)),
            _ => None,
        }
    };
    let on_title = move |ev| {
        if let Some(code) = language_prefix(&event_target_value(&ev)) {
            language.set(code.to_string());
        }
    };
    let options = LANGUAGES
        .iter()
        .map(|(code, name)| {
            let code = code.to_string();
            let selected = {
                let code = code.clone();
                move || language.get() == code
            };
            view! { <option value=code selected=selected>{*name}</option> }
        })
        .collect_view();
    view! {
        <main id="main" class="page submit-page">
            <a class="back" href="/">{t!(i18n, back_to_list)}</a>
            <h1>{t!(i18n, submit_heading)}</h1>
            <ActionForm action=submit attr:class="stack">
                <label for="title">{t!(i18n, title_label)}</label>
                <p class="hint" id="title-hint">{t!(i18n, title_hint)}</p>
                <input id="title" name="title" type="text" required maxlength="150"
                    aria-describedby="title-hint" on:input=on_title/>
                <p class="form-error" role="alert">{field_error("title")}</p>

                <label for="language">{t!(i18n, language_label)}</label>
                <p class="hint" id="language-hint">{t!(i18n, language_hint)}</p>
                <select id="language" name="language" aria-describedby="language-hint"
                    on:change=move |ev| language.set(event_target_value(&ev))>
                    {options}
                </select>
                <p class="form-error" role="alert">{field_error("language")}</p>

                <label for="description">{t!(i18n, description_label)}</label>
                <p class="hint" id="description-hint">{t!(i18n, description_hint)}</p>
                <textarea id="description" name="description" rows="8" required
                    aria-describedby="description-hint"></textarea>
                <p class="form-error" role="alert">{field_error("description")}</p>

                <p class="form-error" role="alert">{field_error("form")}</p>
                <SubmitButton pending=submit.pending()
                    label=Signal::derive(move || t_string!(i18n, submit_button).to_string())
                    busy_label=Signal::derive(move || t_string!(i18n, submitting).to_string())/>
            </ActionForm>
        </main>
    }
}
