//! The whole HTTP surface in one `Router`, built from state so tests can serve it on port 0.
use std::sync::OnceLock;
use std::time::Duration;

use app::error::AppError;
use app::ssr::db::DbSessionStore;
use app::ssr::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tracing::Level;

/// The app's routes, worked out once per process. Leptos marks "resources must not load" in a
/// process-wide flag while it generates the list (leptos-rs/leptos#4773), so generating it again
/// while another router in the process is rendering (tests and the bench start many) would leave
/// that render's data waiting forever.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn build_router(state: AppState) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    let pkg_path = format!("/{}", options.site_pkg_dir);
    let pkg_dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    let limits = state.config.upload_limits;
    let body_limit = limits.max_files * limits.max_file_bytes as usize + 1024 * 1024;

    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.pool.clone()))
        .with_name(app::ssr::auth::session_cookie_name(
            state.config.cookie_secure,
        ))
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.cookie_secure)
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            state.config.session_ttl.as_secs() as i64,
        )));

    // File names under /pkg carry a content hash, so browsers may keep them for a year.
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
        .service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        );

    let site = Router::new()
        .route("/healthz", get(healthz))
        .route("/sw.js", get(service_worker))
        .route(
            "/attachments/{id}",
            get(app::ssr::http::files::serve_attachment),
        )
        .route("/events", get(app::ssr::http::events::events))
        .route(
            "/auth/oidc/start",
            get(app::ssr::http::member_sign_in::start),
        )
        .route(
            "/auth/oidc/callback",
            get(app::ssr::http::member_sign_in::callback),
        )
        .route(
            "/admin/reports.csv",
            get(app::ssr::http::exports::report_csv),
        )
        .route(
            "/admin/people/{id}/export.zip",
            get(app::ssr::http::exports::member_zip),
        )
        .route(
            "/chats/{id}/socket",
            get(app::ssr::http::chat_socket::chat_socket),
        )
        .route(
            "/chat-files/{id}",
            get(app::ssr::http::files::serve_chat_file),
        )
        .route(
            "/unsubscribe",
            axum::routing::post(app::ssr::http::unsubscribe::one_click),
        )
        .route(
            "/language",
            axum::routing::post(app::ssr::http::language::choose),
        )
        .nest_service(&pkg_path, pkg)
        .leptos_routes(&state, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state.clone());

    // The layers wrap the router once, not each route (`Router::layer` does that): a request
    // then clones one small stack around the router instead of every layer around the route's
    // own handler with the state and Leptos options in it (BENCHMARKS.md, issue 16: 0.2 M
    // instructions of a dashboard request). Listed outermost first.
    let layers = ServiceBuilder::new()
        // One INFO line per request (method, path, status, latency); JSON with APP_LOG_FORMAT=json.
        // The path only: query strings carry what members type (a chat question, a search).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                ),
        )
        .layer(axum::middleware::from_fn_with_state(
            crate::security::Hosts::new(&state.config),
            crate::security::refuse_foreign_host,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::security_headers,
        ))
        .layer(axum::middleware::from_fn(crate::security::drop_foreign_error_text))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(sessions)
        // The limit's response body as axum's (the session layer needs a body it can default).
        .map_response(IntoResponse::into_response)
        // Every file at its limit plus room for the text fields; larger bodies are cut off, and so
        // is a body that stalls (a slow client holding a connection and an upload slot).
        .layer(RequestBodyTimeoutLayer::new(state.config.client_timeout))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .map_request(axum_body)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::refuse_cross_origin,
        ))
        .layer(axum::middleware::from_fn(require_multipart))
        .layer(axum::middleware::from_fn(server_fn_error_status));
    Router::new().fallback_service(layers.service(site))
}

/// The request with the body the limit and timeout layers wrapped, as axum's own body type (what
/// the middleware functions and the router take; a route does the same for its handler).
fn axum_body<B>(req: Request<B>) -> Request
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    req.map(Body::new)
}

/// Process up and database reachable; a load balancer takes the instance out on 503.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(Duration::from_secs(2), state.db.ping()).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(serde_json::json!({"status": "ok", "database": "ok"})),
        ),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database error");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "degraded", "database": "error"})),
            )
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "degraded", "database": "timeout"})),
        ),
    }
}

/// Server functions answer every error with 500; give the status that matches our typed error
/// (400 bad input, 401, 403, 404, 429...) so HTTP clients and logs can tell them apart.
async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Upload endpoints need a multipart body with a boundary; anything else is a clear 400 instead of
/// a failure deep in the decoder.
async fn require_multipart(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if req.method() == axum::http::Method::POST && app::api::MULTIPART_ENDPOINTS.contains(&path) {
        let ok = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| multer::parse_boundary(ct).is_ok());
        if !ok {
            let err = AppError::malformed("form", "expected a multipart/form-data upload");
            return (StatusCode::BAD_REQUEST, Json(err)).into_response();
        }
    }
    next.run(req).await
}

/// The service worker, stamped with this release's asset hash (cargo-leptos writes it next to the
/// binary) so a new release installs a new worker and drops the old cache. Never cached itself.
async fn service_worker() -> Response {
    static SCRIPT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let script = SCRIPT.get_or_init(|| {
        let version = std::env::current_exe()
            .ok()
            .and_then(|exe| std::fs::read_to_string(exe.with_file_name("hash.txt")).ok())
            .map(|h| h.split_whitespace().collect::<Vec<_>>().join("-"))
            .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string());
        include_str!("assets/sw.js").replace("__VERSION__", &version)
    });
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        script.clone(),
    )
        .into_response()
}
