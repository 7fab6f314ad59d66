use leptos::prelude::*;

use crate::components::page_title::PageTitle;

use crate::i18n::*;
use crate::locale::use_i18n;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), not_found_heading).to_string()/>
        <main id="main" class="page">
            <h1>{tr!(i18n, not_found_heading)}</h1>
            <p>{tr!(i18n, not_found_body)}</p>
            <a href="/">{tr!(i18n, back_home)}</a>
        </main>
    }
}

/// What the service worker shows when there is no network. It carries no member data, so it is
/// the one page the worker may keep.
#[component]
pub fn OfflinePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), offline_heading).to_string()/>
        <main id="main" class="page">
            <h1>{tr!(i18n, offline_heading)}</h1>
            <p>{tr!(i18n, offline_body)}</p>
            <a class="button primary" href="/">{tr!(i18n, offline_retry)}</a>
        </main>
    }
}
