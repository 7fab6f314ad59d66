//! The page's language, as the islands and components read it: `use_i18n()`.
//!
//! A page keeps one language for its whole life. Choosing another is a plain form posted to
//! `/language` (components/language.rs), and the page comes back rendered in it. So the browser
//! needs no reactive language context: it reads the language the server wrote on `<html lang>`.
//!
//! leptos_i18n's `I18nContextProvider` stays on the server (app.rs), where it picks the
//! language (cookie, then `Accept-Language`) and writes `<html lang dir>`. With leptos_i18n's
//! `islands` feature it was an island around the whole page: the browser then woke it before
//! every other island, and its locale detection (leptos-use's cookie and `navigator.languages`
//! code, ICU's locale matching) sat in the first page's module (BENCHMARKS.md, issue 16).
use crate::i18n::Locale;

/// The page's language: what `tr!`, `td_string!` and the labels take (`i18n.get_locale()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct I18n(Locale);

impl I18n {
    /// The page's language (it never changes under a page, so there is nothing to track).
    pub fn get_locale(self) -> Locale {
        self.0
    }
}

/// The language of the page being rendered (server) or shown (browser).
#[cfg(feature = "ssr")]
pub fn use_i18n() -> I18n {
    I18n(crate::i18n::use_i18n().get_locale_untracked())
}

/// The language of the page being rendered (server) or shown (browser).
#[cfg(not(feature = "ssr"))]
pub fn use_i18n() -> I18n {
    thread_local! {
        static PAGE: Locale = leptos::prelude::document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|lang| lang.parse().ok())
            .unwrap_or_default();
    }
    I18n(PAGE.with(|locale| *locale))
}
