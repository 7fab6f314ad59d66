use leptos::prelude::*;

use crate::i18n::*;

/// One button per language, named in its own language (English, Español...). The choice is kept
/// in a cookie, so the next page is rendered on the server in that language from the first byte.
/// Hydrated, the texts change in place; with islands most texts are rendered on the server only,
/// so the page is loaded again in the new language.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let button = move |locale: Locale| {
        let label = td_string!(locale, language_name).to_string();
        let lang = leptos_i18n::Locale::as_str(locale);
        view! {
            <button type="button" class="button link lang" lang=lang
                aria-pressed=move || (i18n.get_locale() == locale).to_string()
                on:click=move |_| {
                    remember(lang);
                    if cfg!(feature = "islands") {
                        let _ = window().location().reload();
                    } else {
                        i18n.set_locale(locale);
                    }
                }>
                {label}
            </button>
        }
    };
    view! {
        <nav class="language-switcher" aria-label=tr!(i18n, language_switch)>
            {<Locale as leptos_i18n::Locale>::get_all().iter().map(|l| button(*l)).collect_view()}
        </nav>
    }
}

/// The `Set-Cookie` value that keeps a language choice for a year, under the name leptos_i18n
/// reads on the server. Site-wide (`Path=/`), so every page sees the same choice.
pub fn language_cookie(lang: &str) -> String {
    format!("i18n_pref_locale={lang}; Path=/; Max-Age=31536000; SameSite=Lax")
}

/// Writes the language cookie from the browser. The browser build leaves out leptos_i18n's own
/// cookie support: its cookie jar and date parsing were 27 KB (brotli) of the first page's WASM
/// (BENCHMARKS.md, issue 16).
fn remember(lang: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(doc) = leptos::prelude::document().dyn_ref::<leptos::web_sys::HtmlDocument>() {
            let _ = doc.set_cookie(&language_cookie(lang));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = lang;
}
