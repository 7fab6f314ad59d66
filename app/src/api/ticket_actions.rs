//! Server functions for one ticket: submit, read, reply, close, and the agent's actions.
use leptos::prelude::*;

use server_fn::codec::{MultipartData, MultipartFormData};

use crate::domain::TicketDetail;
use crate::error::AppError;

/// Files a new tech issue from a multipart form (title, language, description, files); a plain
/// form post lands on the new ticket.
#[server(prefix = "/api", endpoint = "submit_ticket", input = MultipartFormData)]
pub async fn submit_ticket(data: MultipartData) -> Result<i64, AppError> {
    let id = crate::ssr::tickets::submit(data).await?;
    leptos_axum::redirect(&format!("/tickets/{id}"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "get_ticket")]
pub async fn get_ticket(id: i64) -> Result<TicketDetail, AppError> {
    crate::ssr::tickets::detail(id).await
}

/// A reply from a multipart form (id, body, files).
#[server(prefix = "/api", endpoint = "reply_ticket", input = MultipartFormData)]
pub async fn reply_ticket(data: MultipartData) -> Result<(), AppError> {
    crate::ssr::tickets::reply(data).await
}

#[server(prefix = "/api", endpoint = "close_ticket")]
pub async fn close_ticket(id: i64) -> Result<(), AppError> {
    crate::ssr::tickets::close(id).await
}

#[server(prefix = "/api", endpoint = "reopen_ticket")]
pub async fn reopen_ticket(id: i64) -> Result<(), AppError> {
    crate::ssr::tickets::reopen(id).await
}

#[server(prefix = "/api", endpoint = "request_info")]
pub async fn request_info(id: i64, question: String) -> Result<(), AppError> {
    crate::ssr::tickets::request_info(id, &question).await
}

#[server(prefix = "/api", endpoint = "add_note")]
pub async fn add_note(id: i64, body: String) -> Result<(), AppError> {
    crate::ssr::tickets::add_note(id, &body).await
}
