//! Attachment downloads. `GET /attachments/{id}`: a ticket file's bytes, to the ticket's member and to staff only.
//! Anyone else (another member, a file on an internal note for a member) gets the same 404 as a
//! file that does not exist.
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use tower_sessions::Session;

use super::refusal;
use crate::domain::FileKind;
use crate::ssr::auth::{guard, Access};
use crate::ssr::state::AppState;

pub async fn serve_attachment(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "not found").into_response();
    let user = match guard(&state, &session, Access::DeskUser).await {
        Ok(u) => u,
        Err(e) => return refusal(e),
    };
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    let record = match state.db.attachments().get(id).await {
        Ok(Some(r)) => r,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "attachment lookup failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let staff = user.role.is_staff();
    if !(staff || record.ticket_member_id == user.id && !record.on_internal_note) {
        return not_found();
    }
    file_response(&state, &record.sha256, &record.file_name, record.kind).await
}

/// `GET /chat-files/{id}`: a chat's file, to its member and the agent who took the chat.
pub async fn serve_chat_file(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "not found").into_response();
    let user = match guard(&state, &session, Access::DeskUser).await {
        Ok(u) => u,
        Err(e) => return refusal(e),
    };
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    let chats = state.db.chats();
    let Ok(Some((chat_id, sha256, file_name, kind))) = chats.attachment(id).await else {
        return not_found();
    };
    match chats.head(chat_id).await {
        Ok(Some(head)) if crate::ssr::chat::may_use(&user, &head) => {}
        _ => return not_found(),
    }
    file_response(&state, &sha256, &file_name, kind).await
}

/// The bytes with headers that make them safe to open: the stored type, no sniffing, no scripts,
/// and a download for anything that is not an image.
async fn file_response(
    state: &AppState,
    sha256: &str,
    file_name: &str,
    kind: FileKind,
) -> Response {
    // Streamed from the store through this server rather than a presigned link to the bucket:
    // the same checks, headers and 404 for every file, one origin for the page's CSP, and no
    // link that works for whoever it is forwarded to.
    let stored = match state.files.open(sha256).await {
        Ok(Some(r)) => r,
        Ok(None) => {
            tracing::error!(sha256, store = ?state.files, "attachment file missing");
            return (StatusCode::NOT_FOUND, "not found").into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, sha256, "attachment store unreachable");
            return (StatusCode::SERVICE_UNAVAILABLE, "try again later").into_response();
        }
    };
    let size = stored.meta.size;
    // Images are shown in the page; anything else downloads. The name is already sanitised; the
    // RFC 5987 form carries it exactly, the plain form is an ASCII fallback.
    let disposition = if kind.is_image() {
        "inline"
    } else {
        "attachment"
    };
    let ascii: String = file_name
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    let encoded = utf8_percent_encode(file_name, NON_ALPHANUMERIC);
    let cd = format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut res = Body::from_stream(stored.into_stream()).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.mime()));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox; frame-ancestors 'none'"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    if let Ok(v) = HeaderValue::from_str(&cd) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
