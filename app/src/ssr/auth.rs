//! Who is asking, and may they? Every server function goes through one of the guards here, so
//! the tier gate is enforced on the server whatever the UI shows.
use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use tower_sessions::Session;

use super::db::{now_ms, ThrottleVerdict};
use super::passwords;
use super::state::AppState;
use crate::domain::{CurrentUser, Username};
use crate::error::AppError;

const USER_KEY: &str = "user_id";

pub fn state() -> AppState {
    expect_context::<AppState>()
}

/// Logs the real cause and returns the opaque variant the client may see: `Unavailable` (503,
/// "try again shortly") when the database is unreachable, `Internal` (500) for anything else.
pub fn internal<E: std::error::Error + 'static>(err: E) -> AppError {
    if database_unavailable(&err) {
        tracing::warn!(error = %err, "database unavailable");
        return AppError::Unavailable;
    }
    tracing::error!(error = %err, "internal error");
    AppError::Internal
}

fn database_unavailable(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(e) = cause {
        if let Some(sqlx) = e.downcast_ref::<sqlx::Error>() {
            return super::db::is_unavailable(sqlx);
        }
        if e.to_string().contains(super::db::UNAVAILABLE_MARK) {
            return true;
        }
        cause = e.source();
    }
    false
}

/// Is this server-function call a browser posting a form without JavaScript? Leptos answers
/// such a post with a redirect (back to the page, or where the function says).
pub fn is_plain_form_post() -> bool {
    use_context::<axum::http::request::Parts>().is_some_and(|p| {
        p.method == axum::http::Method::POST
            && p.headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    })
}

/// Sets the HTTP status that matches the error while a page renders (a Manager's dashboard is a
/// polite 403 page). A plain HTML form post is left alone: Leptos answers it with a redirect back.
pub fn fail(err: AppError) -> AppError {
    if is_plain_form_post() {
        return err;
    }
    if let Some(res) = use_context::<ResponseOptions>() {
        if let Ok(code) = axum::http::StatusCode::from_u16(err.status_code()) {
            res.set_status(code);
        }
    }
    err
}

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    user_from_session(&state(), &session().await?).await
}

/// For plain axum handlers (files, live events, chat sockets): the signed-in person who may use
/// the desk, or the response to send instead (401 for nobody or a member below the gate).
pub async fn handler_user(
    state: &AppState,
    session: &Session,
) -> Result<CurrentUser, axum::response::Response> {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    match user_from_session(state, session).await {
        Ok(Some(u)) if u.may_use_desk(state.config.min_tier) => Ok(u),
        Ok(_) => Err((StatusCode::UNAUTHORIZED, "sign in first").into_response()),
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

/// The session's user, for plain axum handlers (attachments, live events) as well.
pub async fn user_from_session(
    state: &AppState,
    session: &Session,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(id) = session.get::<i64>(USER_KEY).await.map_err(internal)? else {
        return Ok(None);
    };
    state.db.users().by_id(id).await.map_err(internal)
}

pub async fn require_user() -> Result<CurrentUser, AppError> {
    current_user()
        .await?
        .ok_or_else(|| fail(AppError::Unauthorized))
}

/// Technical Issues: staff, or members at or above the configured tier.
pub async fn require_desk_user() -> Result<CurrentUser, AppError> {
    let user = require_user().await?;
    let min = state().config.min_tier;
    if user.may_use_desk(min) {
        Ok(user)
    } else {
        Err(fail(AppError::TierTooLow {
            required: min,
            yours: user.tier,
        }))
    }
}

pub async fn require_staff() -> Result<CurrentUser, AppError> {
    let user = require_user().await?;
    if user.role.is_staff() {
        Ok(user)
    } else {
        Err(fail(AppError::Forbidden))
    }
}

async fn client_addr() -> String {
    let trust_proxy = state().config.trust_proxy;
    if trust_proxy {
        if let Ok(headers) = leptos_axum::extract::<HeaderMap>().await {
            let forwarded = headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok());
            if let Some(ip) = forwarded {
                return ip.to_string();
            }
        }
    }
    match leptos_axum::extract::<ConnectInfo<SocketAddr>>().await {
        Ok(ConnectInfo(addr)) => addr.ip().to_string(),
        Err(_) => "unknown".into(),
    }
}

/// Checks the throttle, then the password; a new session id is issued on success so a session
/// id planted before login is worthless after it.
pub async fn log_in(username: String, password: String) -> Result<CurrentUser, AppError> {
    let st = state();
    let cfg = &st.config;
    // Anything that cannot be a username gets the same answer as a wrong password.
    let name = Username::parse(&username).ok();
    let account_key = format!("a:{}", name.as_ref().map(|n| n.as_str()).unwrap_or("?"));
    let client_key = format!("c:{}", client_addr().await);
    let now = now_ms();
    let window_ms = cfg.login_window.as_millis() as i64;
    let verdict = st
        .db
        .throttle()
        .check(
            &[
                (&account_key, cfg.login_max_failures_per_account),
                (&client_key, cfg.login_max_failures_per_client),
            ],
            window_ms,
            now,
        )
        .await
        .map_err(internal)?;
    if let ThrottleVerdict::Blocked { retry_after_secs } = verdict {
        return Err(fail(AppError::RateLimited { retry_after_secs }));
    }

    let record = match &name {
        Some(n) => st.db.users().by_username(n).await.map_err(internal)?,
        None => None,
    };
    let ok = passwords::verify(password, record.as_ref().map(|r| r.password_hash.clone())).await;
    let Some(record) = record.filter(|_| ok) else {
        st.db
            .throttle()
            .record_failure(&[&account_key, &client_key], now)
            .await
            .map_err(internal)?;
        return Err(fail(AppError::InvalidCredentials));
    };

    st.db
        .throttle()
        .clear(&account_key)
        .await
        .map_err(internal)?;
    let session = session().await?;
    session.cycle_id().await.map_err(internal)?;
    session
        .insert(USER_KEY, record.user.id)
        .await
        .map_err(internal)?;
    tracing::info!(user = %record.user.username, "signed in");
    Ok(record.user)
}

pub async fn log_out() -> Result<(), AppError> {
    session().await?.flush().await.map_err(internal)
}
