//! Two-step sign-in: the code step after the password (`/login/code`), and the page where an
//! agent or admin sets it up or turns it off (`/account/two-step`).
use leptos::prelude::*;

use crate::api::{two_step_status, BeginTwoStep, ConfirmTwoStep, LoginCode, TurnOffTwoStep};
use crate::components::error_text::action_error_text;
use crate::components::page_title::PageTitle;
use crate::components::submit_button::SubmitButton;
use crate::error::AppError;
use crate::i18n::*;
use crate::locale::use_i18n;
use crate::pages::refusal::PageError;

/// The code field: digits on a phone keyboard, filled in from an SMS-less one-time code.
#[component]
fn CodeField(id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for=id>{tr!(i18n, two_step_code)}</label>
        <input id=id name="code" type="text" autocomplete="one-time-code" inputmode="text"
            autocapitalize="characters" spellcheck="false" maxlength="16" required/>
    }
}

#[component]
pub fn LoginCodePage() -> impl IntoView {
    let i18n = use_i18n();
    let verify = ServerAction::<LoginCode>::new();
    let next = crate::pages::address::use_query()
        .read_untracked()
        .get("next")
        .filter(|n| crate::domain::is_local_path(n));
    let error = move || {
        let err = verify.value().get()?.err()?;
        Some(match err {
            AppError::Unauthorized => view! {
                {tr!(i18n, two_step_expired)} " " <a href="/login">{tr!(i18n, log_in)}</a>
            }
            .into_any(),
            AppError::RateLimited { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                td_string!(i18n.get_locale(), login_throttled, minutes = minutes)
                    .to_string()
                    .into_any()
            }
            other => action_error_text(i18n, &other).into_any(),
        })
    };
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), two_step_heading).to_string()/>
        <main id="main" class="login-card">
            <p class="brand">{tr!(i18n, app_name)}</p>
            <h1>{tr!(i18n, two_step_heading)}</h1>
            <p class="intro">{tr!(i18n, two_step_code_intro)}</p>
            <ActionForm action=verify attr:class="stack">
                {next.map(|n| view! { <input type="hidden" name="next" value=n/> })}
                <CodeField id="code"/>
                <p class="form-error" role="alert">{error}</p>
                <SubmitButton pending=verify.pending()
                    label=Signal::derive(move || td_string!(i18n.get_locale(), two_step_verify).to_string())
                    busy_label=Signal::derive(move || td_string!(i18n.get_locale(), two_step_verifying).to_string())/>
            </ActionForm>
        </main>
    }
}

#[component]
pub fn TwoStepPage() -> impl IntoView {
    let i18n = use_i18n();
    let begin = ServerAction::<BeginTwoStep>::new();
    let confirm = ServerAction::<ConfirmTwoStep>::new();
    let turn_off = ServerAction::<TurnOffTwoStep>::new();
    let status = Resource::new(
        move || (confirm.version().get(), turn_off.version().get()),
        |_| two_step_status(),
    );
    let failed = move |err: Option<AppError>| err.map(|e| action_error_text(i18n, &e));
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), two_step_heading).to_string()/>
        <main id="main" class="page">
            <a class="back" href="/agent">{tr!(i18n, back_to_list)}</a>
            <h1>{tr!(i18n, two_step_heading)}</h1>
            // The recovery codes, once, right after turning it on.
            {move || match confirm.value().get() {
                Some(Ok(codes)) => Some(view! {
                    <section class="stack" aria-labelledby="codes-heading">
                        <p role="status">{tr!(i18n, two_step_codes_intro)}</p>
                        <h2 id="codes-heading">{tr!(i18n, two_step_codes_label)}</h2>
                        <ul class="recovery-codes">
                            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                        </ul>
                        <a class="button" href="/agent">{tr!(i18n, two_step_continue)}</a>
                    </section>
                }),
                _ => None,
            }}
            <Suspense fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) if s.on => view! {
                            <p>{move || td_string!(i18n.get_locale(), two_step_on_intro, count = s.recovery_codes_left).to_string()}</p>
                            <ActionForm action=turn_off attr:class="stack">
                                <p>{tr!(i18n, two_step_turn_off_intro)}</p>
                                <CodeField id="off-code"/>
                                <p class="form-error" role="alert">
                                    {move || failed(turn_off.value().get().and_then(Result::err))}
                                </p>
                                <SubmitButton pending=turn_off.pending()
                                    label=Signal::derive(move || td_string!(i18n.get_locale(), two_step_turn_off).to_string())
                                    busy_label=Signal::derive(move || td_string!(i18n.get_locale(), two_step_turn_off).to_string())/>
                            </ActionForm>
                        }.into_any(),
                        Ok(s) => view! {
                            {s.setting_up.then(|| view! {
                                <p class="notice" role="status">{tr!(i18n, two_step_required_intro)}</p>
                            })}
                            <p>{tr!(i18n, two_step_off_intro)}</p>
                            <ActionForm action=begin attr:class="stack">
                                <SubmitButton pending=begin.pending()
                                    label=Signal::derive(move || td_string!(i18n.get_locale(), two_step_start).to_string())
                                    busy_label=Signal::derive(move || td_string!(i18n.get_locale(), two_step_start).to_string())/>
                            </ActionForm>
                            {move || match begin.value().get() {
                                Some(Ok(setup)) => view! {
                                    <section class="stack">
                                        <p>{tr!(i18n, two_step_scan)}</p>
                                        <div class="qr" role="img"
                                            aria-label=tr!(i18n, two_step_qr_label)
                                            inner_html=setup.svg></div>
                                        <p>{tr!(i18n, two_step_key)} ": " <code class="secret">{setup.secret}</code></p>
                                        <ActionForm action=confirm attr:class="stack">
                                            <CodeField id="setup-code"/>
                                            <p class="form-error" role="alert">
                                                {move || failed(confirm.value().get().and_then(Result::err))}
                                            </p>
                                            <SubmitButton pending=confirm.pending()
                                                label=Signal::derive(move || td_string!(i18n.get_locale(), two_step_confirm).to_string())
                                                busy_label=Signal::derive(move || td_string!(i18n.get_locale(), two_step_confirm).to_string())/>
                                        </ActionForm>
                                    </section>
                                }.into_any(),
                                Some(Err(e)) => view! {
                                    <p class="form-error" role="alert">{action_error_text(i18n, &e)}</p>
                                }.into_any(),
                                None => ().into_any(),
                            }}
                        }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
