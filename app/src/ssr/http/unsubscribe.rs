//! One-click unsubscribe (RFC 8058): a mail program POSTs `List-Unsubscribe=One-Click` to the
//! link in the email's `List-Unsubscribe` header, with no page and no sign-in. A person who
//! opens the link in a browser gets the `/unsubscribe` page instead, which asks first (so a
//! link checker fetching it unsubscribes nobody).
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::domain::Topic;
use crate::ssr::state::AppState;

#[derive(Deserialize)]
pub struct Link {
    u: i64,
    t: String,
    s: String,
}

pub async fn one_click(State(st): State<AppState>, Query(link): Query<Link>) -> Response {
    let Ok(topic) = Topic::parse(&link.t) else {
        return (StatusCode::BAD_REQUEST, "unknown topic").into_response();
    };
    match crate::ssr::notifications::unsubscribe(&st, link.u, topic, &link.s).await {
        Ok(true) => (StatusCode::OK, "unsubscribed").into_response(),
        Ok(false) => (StatusCode::FORBIDDEN, "not a valid unsubscribe link").into_response(),
        Err(e) => super::refusal(e),
    }
}
