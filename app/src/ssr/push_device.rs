//! Which of the person's push devices this browser is, kept in a cookie for signing out.
//!
//! Signing out is a plain form post, with or without JavaScript, and it must end this browser's
//! push (a shared phone must not keep showing the person's notices). The desk sets this cookie
//! when the browser turns push on (or the notifications page finds it on), so the sign-out knows
//! which device to forget without the page having to tell it. Only the sign-out endpoint gets
//! the cookie, and page scripts cannot read it.
use axum::http::{header, request::Parts};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use tower_sessions::cookie::{time::Duration, Cookie, SameSite};

pub const COOKIE: &str = "desk_push_device";
/// `crate::api::Logout`'s path: the only request that needs to know the device.
const PATH: &str = "/api/logout";

/// Remembers that this browser is the device `id` (for a year; the notifications page renews it).
pub fn remember(id: i64, secure: bool) {
    set(
        Cookie::build((COOKIE, id.to_string())).max_age(Duration::days(365)),
        secure,
    );
}

/// Forgets it (after signing out; the device is gone).
pub fn forget(secure: bool) {
    set(Cookie::build((COOKIE, "")).max_age(Duration::ZERO), secure);
}

fn set(cookie: tower_sessions::cookie::CookieBuilder<'static>, secure: bool) {
    let cookie = cookie
        .path(PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build();
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        header::HeaderValue::from_str(&cookie.to_string()),
    ) {
        res.append_header(header::SET_COOKIE, value);
    }
}

/// The device this request's browser is, when it said so with the cookie.
pub fn of_request() -> Option<i64> {
    let parts = use_context::<Parts>()?;
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .and_then(|c| c.value().parse().ok())
}
