//! The two ceilings the dashboard is measured against, served from this process:
//! - bare: axum returning a fixed page of the same bytes (no database, no framework work);
//! - hand-written: axum + sqlx running the same queries as the real dashboard (the session row,
//!   the user, the member's tickets, through the app's own repositories) and formatting the same
//!   three lists as HTML with `format!`, no Leptos, no session middleware.
use std::fmt::Write;
use std::net::SocketAddr;

use app::domain::{format_day, TicketLists, TicketSummary};
use app::ssr::db::{Db, DbSessionStore};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_sessions::session::Id;
use tower_sessions::SessionStore;

/// The month names of `app/locales/en.json`, as the real page writes them in English.
fn english_months() -> &'static str {
    app::components::labels::months_in(app::i18n::Locale::en)
}

pub async fn serve_bare(page: String) -> SocketAddr {
    let app = Router::new().route(
        "/",
        get(move || {
            let page = page.clone();
            async move { Html(page) }
        }),
    );
    spawn(app).await
}

pub async fn serve_hand_written(db: Db) -> SocketAddr {
    let app = Router::new().route("/", get(dashboard)).with_state(db);
    spawn(app).await
}

async fn spawn(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn session_id(headers: &HeaderMap) -> Option<Id> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (name, value) = c.trim().split_once('=')?;
            (name == app::ssr::auth::SESSION_COOKIE).then_some(value)
        })
        .and_then(|v| v.parse().ok())
}

async fn dashboard(State(db): State<Db>, headers: HeaderMap) -> Response {
    let Some(id) = session_id(&headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let store = DbSessionStore::new(db.pool.clone());
    let user_id = match store.load(&id).await {
        Ok(Some(record)) => record.data.get("user_id").and_then(|v| v.as_i64()),
        _ => None,
    };
    let Some(user_id) = user_id else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let user = match db.users().by_id(user_id).await {
        Ok(Some(u)) => u,
        _ => return StatusCode::UNAUTHORIZED.into_response(),
    };
    let rows = match db.tickets().list_for_member(user.id).await {
        Ok(rows) => rows,
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let lists = TicketLists::from_rows(rows);
    let mut html = String::with_capacity(16 * 1024);
    html.push_str(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>My Technical Issues</title></head><body><main id=\"main\">",
    );
    let _ = write!(
        html,
        "<h1>My Technical Issues</h1><p>{}</p><nav>\
         <a href=\"/?tab=open\">Open Tech Issues ({})</a>\
         <a href=\"/?tab=awaiting\">Awaiting Feedback ({})</a>\
         <a href=\"/?tab=closed\">Closed Tech Issues ({})</a></nav>",
        escape(&user.display_name),
        lists.open.len(),
        lists.awaiting.len(),
        lists.closed.len()
    );
    for (name, list) in [
        ("open", &lists.open),
        ("awaiting", &lists.awaiting),
        ("closed", &lists.closed),
    ] {
        let _ = write!(html, "<section id=\"{name}\"><ul>");
        for t in list.iter() {
            row(&mut html, t);
        }
        html.push_str("</ul></section>");
    }
    html.push_str("</main></body></html>");
    Html(html).into_response()
}

fn row(html: &mut String, t: &TicketSummary) {
    let _ = write!(
        html,
        "<li class=\"ticket-row\"><a href=\"/tickets/{}\" class=\"title\">{}</a>\
         <span class=\"date\">Date Opened: {}</span><span class=\"status\">{:?}</span>",
        t.id,
        escape(&t.title),
        format_day(t.opened_at, english_months()),
        t.status
    );
    if let Some(closed) = t.closed_at {
        let _ = write!(
            html,
            "<span class=\"date\">Date Closed: {}</span>",
            format_day(closed, english_months())
        );
    }
    if let Some(q) = &t.question {
        let _ = write!(html, "<p class=\"question\">{}</p>", escape(q));
    }
    html.push_str("</li>");
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}
