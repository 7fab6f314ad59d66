//! `POST /language`: the language buttons' form. Keeps the choice in the cookie leptos_i18n reads
//! on the server and sends the browser back to the page it came from, now rendered in that
//! language from the first byte. A plain form, so it works the same with or without JavaScript,
//! and the first page carries no code for it (BENCHMARKS.md, issue 16).
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::components::language::language_cookie;
use crate::i18n::Locale;

#[derive(Deserialize)]
pub struct Choice {
    lang: String,
    #[serde(default)]
    next: String,
}

pub async fn choose(Form(choice): Form<Choice>) -> Response {
    let Ok(locale) = choice.lang.parse::<Locale>() else {
        return (StatusCode::BAD_REQUEST, "unknown language").into_response();
    };
    let cookie = language_cookie(leptos_i18n::Locale::as_str(locale));
    let mut res = Redirect::to(back_to(&choice.next)).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
    res
}

/// Where to go back to: a path on this site, never another site (`//host`, `https://...`).
pub fn back_to(next: &str) -> &str {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\");
    if local && !next.chars().any(char::is_control) {
        next
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert_eq!(back_to("/tickets/new?x=1"), "/tickets/new?x=1");
        assert_eq!(back_to(""), "/");
        assert_eq!(back_to("//evil.example/x"), "/");
        assert_eq!(back_to("/\\evil.example"), "/");
        assert_eq!(back_to("https://evil.example/"), "/");
        assert_eq!(back_to("/a\r\nSet-Cookie: x=1"), "/");
    }
}
