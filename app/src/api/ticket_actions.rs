//! Server functions for one ticket: submit, read, reply, close, and the agent's actions. Each
//! resolves the person once (`with_user`) and calls the ticket service.
use leptos::prelude::*;

use server_fn::codec::{MultipartData, MultipartFormData};

use crate::domain::TicketDetail;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::ssr::{
    auth::{with_user, Access},
    tickets,
};

/// Files a new tech issue from a multipart form (title, language, description, files); a plain
/// form post lands on the new ticket.
#[server(prefix = "/api", endpoint = "submit_ticket", input = MultipartFormData)]
pub async fn submit_ticket(data: MultipartData) -> Result<i64, AppError> {
    let id = with_user(Access::Member, async |st, user| {
        tickets::submit(st, user, data).await
    })
    .await?;
    leptos_axum::redirect(&format!("/tickets/{id}"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "get_ticket")]
pub async fn get_ticket(id: i64) -> Result<TicketDetail, AppError> {
    with_user(Access::DeskUser, async |st, user| {
        tickets::detail(st, user, id).await
    })
    .await
}

/// A reply from a multipart form (id, body, files).
#[server(prefix = "/api", endpoint = "reply_ticket", input = MultipartFormData)]
pub async fn reply_ticket(data: MultipartData) -> Result<(), AppError> {
    with_user(Access::DeskUser, async |st, user| {
        tickets::reply(st, user, data).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "close_ticket")]
pub async fn close_ticket(id: i64) -> Result<(), AppError> {
    with_user(Access::DeskUser, async |st, user| {
        tickets::close(st, user, id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "reopen_ticket")]
pub async fn reopen_ticket(id: i64) -> Result<(), AppError> {
    with_user(Access::Staff, async |st, user| {
        tickets::reopen(st, user, id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "request_info")]
pub async fn request_info(id: i64, question: String) -> Result<(), AppError> {
    with_user(Access::Staff, async |st, user| {
        let question = crate::domain::MessageBody::parse(&question)
            .map_err(|e| AppError::validation("question", e))?;
        tickets::request_info(st, user, id, &question).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "add_note")]
pub async fn add_note(id: i64, body: String) -> Result<(), AppError> {
    with_user(Access::Staff, async |st, user| {
        let body = crate::domain::MessageBody::parse(&body)
            .map_err(|e| AppError::validation("body", e))?;
        tickets::add_note(st, user, id, &body).await
    })
    .await
}
