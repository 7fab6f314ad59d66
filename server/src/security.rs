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
/// handler did not set itself (attachments bring their own, stricter CSP). Pages and server
/// function answers carry member data, so no cache (the browser's, a proxy's) may keep them;
/// over https browsers are told to come back over https only (HSTS).
pub async fn security_headers(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce::new();
    req.extensions_mut().insert(nonce.clone());
    let dynamic = req.uri().path().starts_with("/api/") || req.uri().path() == "/events";
    let https = state
        .config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
        || app::ssr::client_addr::forwarded_https(req.headers(), state.config.trust_proxy);
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
    if is_page || dynamic {
        set_default(headers, header::CACHE_CONTROL, "no-store");
    }
    if https {
        set_default(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000",
        );
    }
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

/// The `Host` values this server answers to. A page from another name (DNS rebinding: the
/// attacker's name pointed at our address) would be "same origin" with itself and pass the
/// `Origin` check, so such requests are refused before anything else runs.
#[derive(Clone, Debug)]
pub struct Hosts {
    /// Exact `host` or `host:port` values (lower case). Shared: the layer clones `Hosts` for
    /// every request.
    names: std::sync::Arc<[String]>,
    /// With nothing configured: local names only, on any port (development, tests).
    local_only: bool,
}

impl Hosts {
    pub fn new(config: &app::ssr::Config) -> Hosts {
        let mut names: Vec<String> = config
            .allowed_hosts
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        if let Some(url) = &config.public_url {
            let authority = url
                .split("://")
                .nth(1)
                .unwrap_or("")
                .split('/')
                .next()
                .unwrap_or("");
            names.push(authority.to_ascii_lowercase());
        }
        Hosts {
            local_only: names.is_empty(),
            names: names.into(),
        }
    }

    fn allows(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        if self.local_only {
            let name = match host.rsplit_once(':') {
                Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
                _ => host.as_str(),
            };
            return matches!(name, "localhost" | "[::1]")
                || name
                    .parse::<std::net::Ipv4Addr>()
                    .is_ok_and(|ip| ip.is_loopback());
        }
        self.names
            .iter()
            .any(|n| *n == host || host.strip_prefix(n.as_str()).is_some_and(is_port))
    }
}

/// ":443" and the like: a name configured without a port matches it on any port.
fn is_port(rest: &str) -> bool {
    rest.strip_prefix(':')
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

pub async fn refuse_foreign_host(State(hosts): State<Hosts>, req: Request, next: Next) -> Response {
    // Load balancers probe by address; the health check shows no member data.
    if req.uri().path() == "/healthz" {
        return next.run(req).await;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .unwrap_or("");
    if hosts.allows(host) {
        return next.run(req).await;
    }
    tracing::warn!(host, "refused a request for another host");
    (
        StatusCode::MISDIRECTED_REQUEST,
        "this server does not answer for that host name (APP_PUBLIC_URL, APP_ALLOWED_HOSTS)",
    )
        .into_response()
}

/// Leptos shows an error that a plain form post left in the page URL (`__path`, `__err`). Such
/// a URL can also come from a link on someone else's site, with text of their choosing ("call
/// this number"), so the error is kept only when the browser says the page was reached from one
/// of ours; otherwise the browser is sent to the same page without it.
pub async fn drop_foreign_error_text(req: Request, next: Next) -> Response {
    let query = req.uri().query().unwrap_or("");
    // Names decoded as Leptos reads them: "%5F%5Ferr" is "__err" too.
    let is_error = |key: &str| key == "__err" || key == "__path";
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let carries_error = pairs.iter().any(|(k, _)| is_error(k));
    let from_us = req
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"same-origin");
    if req.method() != Method::GET || !carries_error || from_us {
        return next.run(req).await;
    }
    let kept: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| !is_error(k)).collect();
    // Our own page only: "//evil.example/" (or "/\\evil") would be another site to a browser.
    let mut target = format!("/{}", req.uri().path().trim_start_matches(['/', '\\']));
    if !kept.is_empty() {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in kept {
            query.append_pair(k, v);
        }
        target.push('?');
        target.push_str(&query.finish());
    }
    axum::response::Redirect::to(&target).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(public: Option<&str>, extra: &[&str]) -> Hosts {
        Hosts::new(&app::ssr::Config {
            public_url: public.map(str::to_string),
            allowed_hosts: extra.iter().map(|h| h.to_string()).collect(),
            ..app::ssr::Config::default()
        })
    }

    #[test]
    fn only_our_names_are_answered() {
        let local = hosts(None, &[]);
        for ok in [
            "127.0.0.1:3000",
            "localhost",
            "LOCALHOST:80",
            "[::1]:3000",
            "127.0.0.2",
        ] {
            assert!(local.allows(ok), "{ok}");
        }
        for no in [
            "evil.example",
            "127.0.0.1.evil.example",
            "10.0.0.5:3000",
            "",
        ] {
            assert!(!local.allows(no), "{no}");
        }
        let public = hosts(Some("https://Support.example.com"), &["desk.internal:8080"]);
        assert!(public.allows("support.example.com"));
        assert!(public.allows("support.example.com:443"));
        assert!(public.allows("desk.internal:8080"));
        assert!(!public.allows("desk.internal:9090"));
        assert!(!public.allows("support.example.com.evil.example"));
        assert!(!public.allows("127.0.0.1:3000"), "configured names only");
    }
}
