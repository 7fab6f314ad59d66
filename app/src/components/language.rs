use leptos::prelude::*;

use crate::i18n::*;

/// English / Español. The choice is kept in a cookie (leptos_i18n), so the next page is rendered
/// on the server in that language from the first byte.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let button = move |locale: Locale, label: &'static str, lang: &'static str| {
        view! {
            <button type="button" class="button link lang" lang=lang
                aria-pressed=move || (i18n.get_locale() == locale).to_string()
                on:click=move |_| i18n.set_locale(locale)>
                {label}
            </button>
        }
    };
    view! {
        <nav class="language-switcher" aria-label=move || t_string!(i18n, language_switch).to_string()>
            {button(Locale::en, "English", "en")}
            {button(Locale::es, "Español", "es")}
        </nav>
    }
}
