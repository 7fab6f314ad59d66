use leptos::prelude::*;

use crate::i18n::*;
use crate::locale::use_i18n;

/// One button per language, named in its own language (English, Español...): a plain form
/// posted to `/language` (`ssr::http::language`), which keeps the choice in a cookie and sends
/// the browser back to this page, rendered on the server in that language from the first byte.
/// The same with or without JavaScript; it used to be an island of the first page.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let button = move |locale: Locale| {
        let label = td_string!(locale, language_name).to_string();
        let lang = leptos_i18n::Locale::as_str(locale);
        view! {
            <button type="submit" name="lang" value=lang class="button link lang" lang=lang
                aria-pressed=move || (i18n.get_locale() == locale).to_string()>
                {label}
            </button>
        }
    };
    view! {
        <nav class="language-switcher" aria-label=tr!(i18n, language_switch)>
            <form method="post" action="/language">
                <input type="hidden" name="next" value=this_page()/>
                {<Locale as leptos_i18n::Locale>::get_all().iter().map(|l| button(*l)).collect_view()}
            </form>
        </nav>
    }
}

/// The address of the page being rendered (path and query), to come back to after the choice.
fn this_page() -> String {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<axum::http::request::Parts>() {
        return parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
    }
    "/".into()
}

/// The `Set-Cookie` value that keeps a language choice for a year, under the name leptos_i18n
/// reads on the server. Site-wide (`Path=/`), so every page sees the same choice.
pub fn language_cookie(lang: &str) -> String {
    format!("i18n_pref_locale={lang}; Path=/; Max-Age=31536000; SameSite=Lax")
}
