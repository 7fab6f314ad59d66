use leptos::prelude::*;

use crate::i18n::*;

/// One button per language, named in its own language (English, Español...). The choice is kept
/// in a cookie (leptos_i18n), so the next page is rendered on the server in that language from
/// the first byte.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let button = move |locale: Locale| {
        let label = td_string!(locale, language_name).to_string();
        let lang = leptos_i18n::Locale::as_str(locale);
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
            {<Locale as leptos_i18n::Locale>::get_all().iter().map(|l| button(*l)).collect_view()}
        </nav>
    }
}
