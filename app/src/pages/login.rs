use crate::components::page_title::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::{member_sign_in, Login};
use crate::components::submit_button::SubmitButton;
use crate::error::AppError;
use crate::i18n::*;
use crate::locale::{use_i18n, I18n};

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    // Where the person was going (a link from an email): sent back with the form.
    let query = crate::pages::address::use_query().read_untracked();
    let next = query
        .get("next")
        .filter(|n| crate::domain::is_local_path(n));
    // Why a sign-in through the member system came back here (`/auth/oidc/callback`).
    let sso_error = query
        .get("sso")
        .map(|code| sso_message(i18n, &code, query.get("reason").as_deref()));
    let member_sign_in = OnceResource::new(member_sign_in());
    let member_link = {
        let next = next.clone();
        move || {
            let href = match &next {
                Some(n) => format!(
                    "/auth/oidc/start?next={}",
                    percent_encoding::utf8_percent_encode(n, percent_encoding::NON_ALPHANUMERIC)
                ),
                None => "/auth/oidc/start".to_string(),
            };
            Suspend::new(async move {
                member_sign_in.await.unwrap_or(false).then(|| {
                    view! {
                        <a class="button primary member-sign-in" href=href rel="external">
                            {tr!(i18n, login_member_account)}
                        </a>
                        <p class="or-divider">{tr!(i18n, login_or_desk_account)}</p>
                    }
                })
            })
        }
    };
    let error = move || {
        let err = login.value().get()?.err()?;
        Some(match err {
            AppError::InvalidCredentials | AppError::Validation { .. } => {
                td_string!(i18n.get_locale(), login_failed).to_string()
            }
            AppError::RateLimited { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                td_string!(i18n.get_locale(), login_throttled, minutes = minutes).to_string()
            }
            AppError::Unavailable => td_string!(i18n.get_locale(), error_unavailable).to_string(),
            _ => td_string!(i18n.get_locale(), error_generic).to_string(),
        })
    };
    // A plain form read on submit, not `ActionForm`: that brought a whole query-string parser
    // (serde_qs) into the main WASM module to read three text fields. Without JavaScript the
    // browser posts the same form to the same server function.
    let action = <Login as ServerFn>::PATH;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(args) = login_fields(&ev) {
            login.dispatch(args);
        }
    };
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), login_heading).to_string()/>
        <main id="main" class="login-card">
            <p class="brand">{tr!(i18n, app_name)}</p>
            <h1>{tr!(i18n, login_heading)}</h1>
            <p class="intro">{tr!(i18n, login_intro)}</p>
            {sso_error.map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
            <Suspense fallback=|| ()>{member_link}</Suspense>
            <form method="post" action=action class="stack" on:submit=on_submit>
                {next.map(|n| view! { <input type="hidden" name="next" value=n/> })}
                <label for="username">{tr!(i18n, username)}</label>
                <input id="username" name="username" type="text" autocomplete="username"
                    autocapitalize="none" spellcheck="false" required/>
                <label for="password">{tr!(i18n, password)}</label>
                <input id="password" name="password" type="password"
                    autocomplete="current-password" required/>
                <p class="form-error" role="alert">{error}</p>
                <SubmitButton pending=login.pending()
                    label=Signal::derive(move || td_string!(i18n.get_locale(), log_in).to_string())
                    busy_label=Signal::derive(move || td_string!(i18n.get_locale(), logging_in).to_string())/>
            </form>
        </main>
    }
}

/// The sign-in form's fields, as the browser would post them.
fn login_fields(ev: &leptos::ev::SubmitEvent) -> Option<Login> {
    #[cfg(feature = "hydrate")]
    {
        let form = crate::components::file_picker::submitted_form(ev)?;
        let data = web_sys::FormData::new_with_form(&form).ok()?;
        let field = |name: &str| data.get(name).as_string();
        Some(Login {
            username: field("username").unwrap_or_default(),
            password: field("password").unwrap_or_default(),
            next: field("next"),
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// The words for each way a sign-in through the member system can end on this page.
fn sso_message(i18n: I18n, code: &str, reason: Option<&str>) -> String {
    use crate::domain::SignInProblem as P;
    // An unknown code (an old or hand-made link) reads as the general failure.
    match P::from_code(code).unwrap_or(P::Token) {
        P::State => td_string!(i18n.get_locale(), sso_state).to_string(),
        P::Provider if reason == Some("access_denied") => {
            td_string!(i18n.get_locale(), sso_cancelled).to_string()
        }
        P::Provider => td_string!(
            i18n.get_locale(),
            sso_provider,
            reason = reason.unwrap_or("?").to_string()
        )
        .to_string(),
        P::Unreachable => td_string!(i18n.get_locale(), sso_unreachable).to_string(),
        P::Token => td_string!(i18n.get_locale(), sso_token).to_string(),
        P::UnknownTier => td_string!(i18n.get_locale(), sso_tier).to_string(),
        P::Profile => td_string!(i18n.get_locale(), sso_profile).to_string(),
        P::Disabled => td_string!(i18n.get_locale(), sso_disabled).to_string(),
        P::Staff => td_string!(i18n.get_locale(), sso_staff).to_string(),
    }
}
