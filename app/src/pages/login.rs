use crate::components::page_title::PageTitle;
use leptos::prelude::*;

use crate::api::Login;
use crate::components::submit_button::SubmitButton;
use crate::error::AppError;
use crate::i18n::*;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    // Where the person was going (a link from an email): sent back with the form.
    let next = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("next")
        .filter(|n| crate::domain::is_local_path(n));
    let error = move || {
        let err = login.value().get()?.err()?;
        Some(match err {
            AppError::InvalidCredentials | AppError::Validation { .. } => {
                t_string!(i18n, login_failed).to_string()
            }
            AppError::RateLimited { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                t_string!(i18n, login_throttled, minutes = minutes).to_string()
            }
            AppError::Unavailable => t_string!(i18n, error_unavailable).to_string(),
            _ => t_string!(i18n, error_generic).to_string(),
        })
    };
    view! {
        <PageTitle text=move || t_string!(i18n, login_heading).to_string()/>
        <main id="main" class="login-card">
            <p class="brand">{t!(i18n, app_name)}</p>
            <h1>{t!(i18n, login_heading)}</h1>
            <p class="intro">{t!(i18n, login_intro)}</p>
            <ActionForm action=login attr:class="stack">
                {next.map(|n| view! { <input type="hidden" name="next" value=n/> })}
                <label for="username">{t!(i18n, username)}</label>
                <input id="username" name="username" type="text" autocomplete="username"
                    autocapitalize="none" spellcheck="false" required/>
                <label for="password">{t!(i18n, password)}</label>
                <input id="password" name="password" type="password"
                    autocomplete="current-password" required/>
                <p class="form-error" role="alert">{error}</p>
                <SubmitButton pending=login.pending()
                    label=Signal::derive(move || t_string!(i18n, log_in).to_string())
                    busy_label=Signal::derive(move || t_string!(i18n, logging_in).to_string())/>
            </ActionForm>
        </main>
    }
}
