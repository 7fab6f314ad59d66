//! `GET /auth/oidc/start` and `GET /auth/oidc/callback`: members signing in through the
//! company's identity provider (see `ssr::oidc`). Every way it can fail ends on the login page
//! with a code it words in the member's language (`/login?sso=<code>`).
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::domain::{is_local_path, SignInProblem};
use crate::ssr::auth::{sign_in_session, user_from_session};
use crate::ssr::db::{now_ms, ExternalSignIn};
use crate::ssr::oidc::{Failure, Pending, PENDING_MS};
use crate::ssr::AppState;

/// The session key of a sign-in on its way through the provider.
const PENDING_KEY: &str = "oidc_pending";

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

pub async fn start(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(query): Query<StartQuery>,
) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let next = query.next.filter(|n| is_local_path(n));
    if let Ok(Some(_)) = user_from_session(&state, &session).await {
        return Redirect::to(next.as_deref().unwrap_or("/")).into_response();
    }
    let Some(base) = public_base(&state, &headers) else {
        return (StatusCode::BAD_REQUEST, "no Host header").into_response();
    };
    let redirect = oidc.redirect_url(&base);
    match oidc.begin(&redirect, next, now_ms()).await {
        Ok((url, pending)) => match session.insert(PENDING_KEY, pending).await {
            Ok(()) => Redirect::to(&url).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "session store failed");
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
        },
        Err(failure) => to_login(&failure),
    }
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    /// Who answered (RFC 9207), when the provider says so: it must be ours.
    iss: Option<String>,
}

pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    // Taken out at once: whatever happens next, this state can answer one callback only.
    let pending = match session.remove::<Pending>(PENDING_KEY).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "unreadable sign-in state in the session");
            None
        }
    };
    let fresh = pending
        .filter(|p| now_ms() - p.at <= PENDING_MS)
        .filter(|p| query.state.as_deref() == Some(p.state.as_str()));
    let Some(pending) = fresh else {
        tracing::warn!("sign-in callback without a matching state (forged, replayed or stale)");
        return to_login(&Failure::STATE);
    };
    if query.iss.as_deref().is_some_and(|iss| iss != oidc.issuer()) {
        tracing::warn!(iss = ?query.iss, "sign-in callback from another issuer (mix-up)");
        return to_login(&Failure::TOKEN);
    }
    if let Some(error) = query.error {
        tracing::info!(
            error = %error,
            description = query.error_description.as_deref().unwrap_or(""),
            "the identity provider refused the sign-in"
        );
        return to_login(&Failure::Provider(error));
    }
    let Some(code) = query.code.filter(|c| !c.is_empty()) else {
        return to_login(&Failure::TOKEN);
    };
    let profile = match oidc.finish(&pending, &code).await {
        Ok(p) => p,
        Err(failure) => return to_login(&failure),
    };
    let user = match state.db.users().sign_in_external(&profile, now_ms()).await {
        Ok(ExternalSignIn::Account(user)) if user.role.is_staff() => {
            // Staff sign in with their password (and two-step sign-in), never around it.
            tracing::warn!(user = %user.username, "staff account refused through the provider");
            return to_login(&Failure::Problem(SignInProblem::Staff));
        }
        Ok(ExternalSignIn::Account(user)) => user,
        Ok(ExternalSignIn::Disabled) => {
            return to_login(&Failure::Problem(SignInProblem::Disabled))
        }
        Err(e) => {
            tracing::error!(error = %e, "could not store the member's account");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    if let Err(e) = sign_in_session(&session, user.id).await {
        tracing::error!(error = %e, "session store failed");
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    tracing::info!(user = %user.username, tier = %user.tier, "signed in through the identity provider");
    let mut res = Redirect::to(pending.next.as_deref().unwrap_or("/")).into_response();
    if let Some(lang) = profile.language {
        // The language the member system knows for them, as the language picker would set it.
        let cookie = crate::components::language::language_cookie(lang);
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// The login page, saying why. A provider's error code is passed on only when it looks like
/// one (OAuth codes are lower-case words), so a crafted link cannot put text on our page.
fn to_login(failure: &Failure) -> Response {
    let mut to = format!("/login?sso={}", failure.problem().code());
    if let Failure::Provider(error) = failure {
        let plain = !error.is_empty()
            && error.len() <= 40
            && error.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if plain {
            to.push_str("&reason=");
            to.push_str(error);
        }
    }
    Redirect::to(&to).into_response()
}

/// The address members reach us at: the configured public URL, or this request's host (which
/// `refuse_foreign_host` has already checked).
fn public_base(state: &AppState, headers: &HeaderMap) -> Option<String> {
    if let Some(url) = &state.config.public_url {
        return Some(url.clone());
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    Some(format!("http://{host}"))
}
