//! Server functions for Tech Support Chat. Live messages go over the chat's WebSocket
//! (`ssr::chat_socket`); everything else is a plain request, so forms work without JavaScript.
use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

use crate::domain::{ChatConsole, ChatHead, ChatStart, ChatView, CurrentUser};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::ssr::{
    auth::{with_user, Access},
    chat,
};

/// The pre-chat form. `continue_in_english` is sent by the "Continue in English" button.
#[server(prefix = "/api", endpoint = "start_chat")]
pub async fn start_chat(
    name: String,
    email: String,
    question: String,
    #[server(default)] continue_in_english: Option<String>,
) -> Result<ChatStart, AppError> {
    use crate::domain::{DisplayName, Email};
    let english = continue_in_english.is_some_and(|v| !v.is_empty());
    let result = with_user(Access::Member, async |st, user| {
        let name = DisplayName::parse(&name).map_err(|e| AppError::validation("name", e))?;
        let email = Email::parse(&email).map_err(|e| AppError::validation("email", e))?;
        let text =
            chat::parse_chat_text(&question).map_err(|e| AppError::validation("question", e))?;
        chat::start(st, user, &name, &email, &text, english).await
    })
    .await?;
    match &result {
        ChatStart::Started { id } => leptos_axum::redirect(&format!("/chat/{id}")),
        // Without JavaScript the form comes back with the question kept, and the page (which
        // detects the language itself) shows the ticket offer.
        ChatStart::NotEnglish { .. } if crate::ssr::auth::is_plain_form_post() => {
            let q = crate::domain::query_value(&question);
            leptos_axum::redirect(&format!("/chat?question={q}"));
        }
        ChatStart::NotEnglish { .. } => {}
    }
    Ok(result)
}

/// The signed-in member, for pre-filling the pre-chat form, and their chat still open (if any).
/// The pre-chat form's hint while the member types: the question's language when it is
/// confidently not English. Detection runs here (see `ssr::language`), not in the browser.
#[server(prefix = "/api", endpoint = "guess_chat_language")]
pub async fn guess_chat_language(question: String) -> Result<Option<String>, AppError> {
    with_user(Access::Member, async |_st, _user| {
        let text =
            chat::parse_chat_text(&question).map_err(|e| AppError::validation("question", e))?;
        Ok(crate::ssr::language::non_english_language(text.as_str()).map(str::to_string))
    })
    .await
}

#[server(prefix = "/api", endpoint = "chat_form")]
pub async fn chat_form() -> Result<(CurrentUser, Option<i64>), AppError> {
    with_user(Access::Member, async |st, user| {
        let open = st.db.chats().open_for_member(user.id).await?;
        Ok((user.clone(), open))
    })
    .await
}

#[server(prefix = "/api", endpoint = "get_chat")]
pub async fn get_chat(id: i64) -> Result<ChatView, AppError> {
    with_user(Access::DeskUser, async |st, user| {
        chat::view(st, user, id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "my_chats")]
pub async fn my_chats() -> Result<Vec<ChatHead>, AppError> {
    with_user(Access::DeskUser, async |st, user| {
        chat::mine(st, user).await
    })
    .await
}

/// The member leaves the queue or ends the chat; the agent ends it.
#[server(prefix = "/api", endpoint = "end_chat")]
pub async fn end_chat(id: i64) -> Result<(), AppError> {
    with_user(Access::DeskUser, async |st, user| {
        chat::end(st, user, id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "chat_to_ticket")]
pub async fn chat_to_ticket(id: i64) -> Result<i64, AppError> {
    with_user(Access::DeskUser, async |st, user| {
        chat::to_ticket(st, user, id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "load_chat_console")]
pub async fn load_chat_console() -> Result<(CurrentUser, ChatConsole), AppError> {
    with_user(Access::Staff, async |st, user| {
        chat::console(st, user).await
    })
    .await
}

/// Accepts the chosen chat, or the longest-waiting one when `id` is empty.
#[server(prefix = "/api", endpoint = "accept_chat")]
pub async fn accept_chat(#[server(default)] id: Option<i64>) -> Result<i64, AppError> {
    with_user(Access::Staff, async |st, user| {
        chat::accept(st, user, id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "set_presence")]
pub async fn set_presence(online: bool) -> Result<(), AppError> {
    with_user(Access::Staff, async |st, user| {
        chat::set_presence(st, user, online).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "ask_for_ticket")]
pub async fn ask_for_ticket(id: i64) -> Result<(), AppError> {
    with_user(Access::Staff, async |st, user| {
        chat::ask_for_ticket(st, user, id).await
    })
    .await
}

/// A chat message with screenshots (fields: chat, body, files).
#[server(prefix = "/api", endpoint = "send_chat_files", input = MultipartFormData)]
pub async fn send_chat_files(data: MultipartData) -> Result<i64, AppError> {
    with_user(Access::DeskUser, async |st, user| {
        chat::send_files(st, user, data).await
    })
    .await
}

/// The chat's agent: canned answers filled in for this chat, and whom it can be passed to.
#[server(prefix = "/api", endpoint = "chat_tools")]
pub async fn chat_tools(id: i64) -> Result<crate::domain::ChatTools, AppError> {
    with_user(Access::Staff, async |st, user| {
        crate::ssr::chat_desk::tools(st, user, id).await
    })
    .await
}

/// The chat's agent passes it to another online agent (by id).
#[server(prefix = "/api", endpoint = "transfer_chat")]
pub async fn transfer_chat(id: i64, to: String) -> Result<(), AppError> {
    with_user(Access::Staff, async |st, user| {
        let to = to
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::malformed("to", "expected an agent id"))?;
        crate::ssr::chat_desk::transfer(st, user, id, to).await
    })
    .await
}
