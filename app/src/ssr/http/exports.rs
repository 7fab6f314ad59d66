//! Downloads for admins: a report's days as CSV, and everything about one member as a zip
//! (GDPR). Plain GET links, so the browser saves the file itself; each export is audited by the
//! code that makes it.
use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use super::refusal;
use crate::ssr::auth::{guard, Access};
use crate::ssr::state::AppState;

/// `GET /admin/reports.csv?from=&to=&language=&tier=&agent=`
pub async fn report_csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let user = match guard(&state, &session, Access::Admin).await {
        Ok(u) => u,
        Err(e) => return refusal(e),
    };
    let value = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let keys = ["from", "to", "language", "tier", "agent"].map(value);
    let filter = match crate::ssr::reports::parse_filter(&state, keys) {
        Ok(f) => f,
        Err(e) => return refusal(e),
    };
    let name = format!("desk-report-{}-{}.csv", filter.from, filter.to);
    match crate::ssr::reports::csv(&state, &user, filter).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            body,
        )
            .into_response(),
        Err(e) => refusal(e),
    }
}

/// `GET /admin/people/{id}/export.zip`
pub async fn member_zip(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let admin = match guard(&state, &session, Access::Admin).await {
        Ok(u) => u,
        Err(e) => return refusal(e),
    };
    let Ok(id) = id.parse::<i64>() else {
        return refusal(crate::error::AppError::NotFound);
    };
    match crate::ssr::gdpr::export(&state, &admin, id).await {
        Ok(zip) => (
            [
                (header::CONTENT_TYPE, "application/zip".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"member-{id}.zip\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            zip,
        )
            .into_response(),
        Err(e) => refusal(e),
    }
}
