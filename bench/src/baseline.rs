//! The ceilings the desk is measured against, served from this process:
//! - bare: axum returning a fixed page of the same bytes (no database, no framework work);
//! - hand-written dashboard: axum + sqlx running the same queries as the real dashboard (the
//!   session row, the user, the member's tickets, through the app's own repositories) and
//!   writing the page with `format!`, no Leptos, no session middleware. For a fair ratio it
//!   sends what the desk sends: the same `<head>` (with a fresh CSP nonce per request), the
//!   three counts and the open tab's list as HTML. Like the desk's page it carries no lists as
//!   data for the browser (until session 41 the desk's list island carried all three as props,
//!   and this page sent them as JSON);
//! - hand-written submit: axum's multipart extractor, the same first-bytes check, and the
//!   file streamed to the same store (staged, then moved to its content address once the
//!   ticket and attachment rows are committed by the same repository call).
use std::collections::HashMap;
use std::fmt::Write;
use std::net::SocketAddr;

use app::domain::{
    format_day, sniff, CurrentUser, Description, TicketLists, TicketSummary, TicketTitle, SNIFF_LEN,
};
use app::ssr::csp::{page_policy, CspNonce};
use app::ssr::db::{Db, DbSessionStore, NewAttachment, NewTicket};
use app::ssr::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_sessions::session::Id;
use tower_sessions::SessionStore;

/// Where the desk's page head carries its nonce, in the template made from it.
const NONCE_SLOT: &str = "\u{0}nonce\u{0}";

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

/// The hand-written dashboard; `desk_page` is one page the desk served, whose `<head>` it
/// sends too.
pub async fn serve_hand_written(db: Db, desk_page: &str) -> SocketAddr {
    let head = head_template(desk_page);
    let app = Router::new()
        .route("/", get(dashboard))
        .with_state((db, std::sync::Arc::<str>::from(head)));
    spawn(app).await
}

/// The desk page's doctype and `<head>`, with its nonce replaced by [`NONCE_SLOT`].
fn head_template(page: &str) -> String {
    let end = page.find("</head>").expect("the desk page has a head") + "</head>".len();
    let head = &page[..end];
    let nonce = head
        .split("nonce=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the desk page's head carries a nonce");
    head.replace(nonce, NONCE_SLOT)
}

/// The hand-written ticket submit, on the desk's own database and file store.
pub async fn serve_hand_written_submit(state: AppState) -> SocketAddr {
    let limit = state.config.upload_limits.max_file_bytes as usize * 2;
    let app = Router::new()
        .route("/submit", post(submit))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state);
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

/// The person signed in with the request's session cookie, read the way the desk reads it.
async fn signed_in(db: &Db, headers: &HeaderMap) -> Option<CurrentUser> {
    let id = session_id(headers)?;
    let store = DbSessionStore::new(db.pool.clone());
    let record = store.load(&id).await.ok()??;
    let user_id = record.data.get("user_id")?.as_i64()?;
    db.users().by_id(user_id).await.ok()?
}

async fn dashboard(
    State((db, head)): State<(Db, std::sync::Arc<str>)>,
    headers: HeaderMap,
) -> Response {
    let Some(user) = signed_in(&db, &headers).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let rows = match db.tickets().list_for_member(user.id).await {
        Ok(rows) => rows,
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let lists = TicketLists::from_rows(rows);
    let nonce = CspNonce::new();
    let mut html = String::with_capacity(24 * 1024);
    html.push_str(&head.replace(NONCE_SLOT, &nonce.0));
    html.push_str("<body><main id=\"main\">");
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
    // The tab the page opens with, as the desk shows it. The desk sends no other data with the
    // page: its list island carries only the three counts (BENCHMARKS.md, session 42).
    html.push_str("<section id=\"open\"><ul>");
    for t in lists.open.iter() {
        row(&mut html, t);
    }
    html.push_str("</ul></section></main></body></html>");
    (
        [(header::CONTENT_SECURITY_POLICY, page_policy(&nonce))],
        Html(html),
    )
        .into_response()
}

fn text(status: StatusCode, message: &str) -> Response {
    (status, message.to_string()).into_response()
}

/// One file of the form, in the store's staging area.
struct StagedFile {
    name: String,
    kind: app::domain::FileKind,
    size: i64,
    sha256: String,
    key: object_store::path::Path,
}

async fn submit(State(st): State<AppState>, headers: HeaderMap, mut form: Multipart) -> Response {
    let Some(user) = signed_in(&st.db, &headers).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let mut fields = HashMap::new();
    let mut files: Vec<StagedFile> = Vec::new();
    let max = st.config.upload_limits.max_file_bytes;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return text(StatusCode::BAD_REQUEST, &e.to_string()),
        };
        let name = field.name().unwrap_or("").to_string();
        let Some(file_name) = field.file_name().map(str::to_string) else {
            match field.text().await {
                Ok(value) => fields.insert(name, value),
                Err(e) => return text(StatusCode::BAD_REQUEST, &e.to_string()),
            };
            continue;
        };
        let mut staging = st.files.stage();
        let mut kind = None;
        while let Ok(Some(chunk)) = field.chunk().await {
            if kind.is_none() {
                match sniff(&chunk[..chunk.len().min(SNIFF_LEN)]) {
                    Ok(k) => kind = Some(k),
                    Err(_) => {
                        staging.abort().await;
                        return text(StatusCode::UNPROCESSABLE_ENTITY, "not an accepted file");
                    }
                }
            }
            if staging.size + chunk.len() as u64 > max {
                staging.abort().await;
                return text(StatusCode::PAYLOAD_TOO_LARGE, "file too large");
            }
            if staging.write(chunk).await.is_err() {
                staging.abort().await;
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
        let (key, size) = (staging.key.clone(), staging.size as i64);
        let Ok(sha256) = staging.finish(&st.files).await else {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        };
        files.push(StagedFile {
            name: file_name,
            kind: kind.unwrap_or(app::domain::FileKind::Text),
            size,
            sha256,
            key,
        });
    }
    let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or("");
    let (Ok(title), Ok(description)) = (
        TicketTitle::parse(field("title")),
        Description::parse(field("description")),
    ) else {
        return text(StatusCode::UNPROCESSABLE_ENTITY, "title or description");
    };
    let desk = st.desk();
    let new = NewTicket {
        member_id: user.id,
        title: &title,
        language: "en",
        description: &description,
        priority: desk.sla.policy.priority_for(user.tier),
        sla: Some(&desk.sla),
        auto_assign: desk.settings.assignment.automatic.then(|| {
            let online_since = app::ssr::db::now_ms() - app::ssr::chat::ONLINE_WINDOW_MS;
            (online_since, desk.settings.assignment.cap)
        }),
    };
    let rows: Vec<NewAttachment<'_>> = files
        .iter()
        .map(|f| NewAttachment {
            sha256: &f.sha256,
            file_name: &f.name,
            kind: f.kind,
            size: f.size,
        })
        .collect();
    let created = st
        .db
        .tickets()
        .create(
            &new,
            &rows,
            Some(st.config.storage_quota_bytes),
            st.config
                .notify_staff
                .then_some(app::domain::NoticeKind::NewTicket),
            app::ssr::db::now_ms(),
        )
        .await;
    let id = match created {
        Ok(Ok(id)) => id,
        _ => {
            for f in &files {
                st.files.discard(&f.key).await;
            }
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    for f in &files {
        let _ = st.files.promote(&f.key, &f.sha256).await;
    }
    // What the desk does after a new ticket: the mail sender and the live pages hear of it.
    st.mail.wake();
    st.hub
        .publish(app::domain::LiveEvent::Ticket {
            ticket_id: id,
            member_id: user.id,
        })
        .await;
    id.to_string().into_response()
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
