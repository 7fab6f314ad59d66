//! Content-Security-Policy for pages. The server's security middleware draws a nonce per
//! request and sends the policy; the shell hands the same nonce to Leptos so every inline
//! script it writes (hydration, streamed resources) carries it. No other inline script runs.

/// The nonce of one response, put in the request's extensions by the middleware.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

impl CspNonce {
    /// 128 random bits, URL-safe base64 (Leptos' own generator).
    pub fn new() -> CspNonce {
        CspNonce(leptos::nonce::Nonce::new().to_string())
    }
}

impl Default for CspNonce {
    fn default() -> Self {
        Self::new()
    }
}

/// The policy of an HTML page: our own origin only, inline scripts only with the nonce, WASM
/// allowed to compile, image previews from `blob:`, never framed.
pub fn page_policy(nonce: &CspNonce) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
        nonce.0
    )
}

/// Everything that is not a page (JSON, files, the service worker): same origin, never framed.
pub const RESOURCE_POLICY: &str =
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Called by the shell while it renders on the server: use the request's nonce for Leptos'
/// inline scripts instead of the one leptos_axum drew (the header carries ours).
pub fn provide_request_nonce() {
    use leptos::prelude::*;
    if let Some(nonce) = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}
