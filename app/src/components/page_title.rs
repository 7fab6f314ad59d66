//! The page's `<title>`, safe to render on the server under load.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::*;
use crate::locale::use_i18n;

/// On the server the text is read once, while the page renders: leptos_meta reads titles when
/// it writes the `<head>`, by which time the response's reactive owner may be gone, and reading
/// a translation signal then panics (seen under concurrent load in `make bench`). In the browser
/// the title is in the page's language (`locale.rs`). With islands an island's title is taken over in
/// the browser without the app's `TitleFormat` (it is outside every island), so the island adds
/// the app's name itself. (`<Title>` takes no place in the body, unlike `()`, which hydration
/// would look for.)
#[component]
pub fn PageTitle<F>(text: F) -> impl IntoView
where
    F: Fn() -> String + Send + Sync + 'static,
{
    #[cfg(feature = "ssr")]
    let text = text();
    #[cfg(all(feature = "islands", not(feature = "ssr")))]
    let text = {
        let i18n = use_i18n();
        move || with_app_name(&text(), td_string!(i18n.get_locale(), app_name))
    };
    view! { <Title text/> }
}

/// "<page> · <app name>" for every title, with the same care as [`PageTitle`].
#[component]
pub fn TitleFormat() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    let formatter = {
        let app_name = td_string!(i18n.get_locale(), app_name).to_string();
        move |page: String| with_app_name(&page, &app_name)
    };
    #[cfg(not(feature = "ssr"))]
    let formatter =
        move |page: String| with_app_name(&page, td_string!(i18n.get_locale(), app_name));
    view! { <Title formatter/> }
}

/// "<page> · <app name>": every title's form, wherever it is written.
fn with_app_name(page: &str, app_name: &str) -> String {
    format!("{page} · {app_name}")
}
