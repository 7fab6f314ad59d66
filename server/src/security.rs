//! What every response carries (CSP, framing, referrer, sniffing rules) and the refusal of
//! writes that come from another site's page.
use app::error::AppError;
use app::ssr::csp::{page_policy, CspNonce, RESOURCE_POLICY};
use app::ssr::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Draws the page's CSP nonce before the handler runs, then sets the security headers that the
/// handler did not set itself (attachments bring their own, stricter CSP).
pub async fn security_headers(mut req: Request, next: Next) -> Response {
    let nonce = CspNonce::new();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    let policy = if is_page {
        page_policy(&nonce)
    } else {
        RESOURCE_POLICY.to_string()
    };
    let headers = res.headers_mut();
    set_default(headers, header::CONTENT_SECURITY_POLICY, &policy);
    set_default(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set_default(headers, header::REFERRER_POLICY, "same-origin");
    set_default(headers, header::X_FRAME_OPTIONS, "DENY");
    set_default(
        headers,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    res
}

fn set_default(headers: &mut HeaderMap, name: impl header::IntoHeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        if let header::Entry::Vacant(slot) = headers.entry(name) {
            slot.insert(value);
        }
    }
}

/// Server functions, form posts and chat sockets act with the member's session cookie, so a
/// request that another site's page made must not reach them. Browsers say where a request
/// comes from (`Origin`, `Sec-Fetch-Site`); a request that says neither is not from a browser
/// page and is left to the session and SameSite rules.
pub async fn refuse_cross_origin(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let acts = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.headers().contains_key(header::UPGRADE);
    if acts && !from_our_pages(&req, &state.config.trusted_origins) {
        tracing::warn!(
            method = %req.method(),
            path = req.uri().path(),
            origin = ?req.headers().get(header::ORIGIN),
            "refused a cross-origin request"
        );
        let err = AppError::malformed("origin", "requests from other sites are refused");
        return (StatusCode::FORBIDDEN, Json(err)).into_response();
    }
    next.run(req).await
}

fn from_our_pages(req: &Request, trusted: &[String]) -> bool {
    let headers = req.headers();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        if trusted.iter().any(|t| t.eq_ignore_ascii_case(origin)) {
            return true;
        }
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| req.uri().authority().map(|a| a.as_str()));
        // "null" (sandboxed frames, file: pages) has no "://" and is refused here.
        return match (origin.split_once("://"), host) {
            (Some((_, authority)), Some(host)) => authority.eq_ignore_ascii_case(host),
            _ => false,
        };
    }
    !matches!(
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
        Some("cross-site" | "same-site")
    )
}
