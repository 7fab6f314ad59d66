pub mod admin;
pub mod admin_audit;
pub mod admin_macros;
pub mod admin_people;
pub mod admin_reports;
pub mod agent;
pub mod chat_console;
pub mod chat_room;
pub mod chat_start;
pub mod chat_tools;
pub mod chats;
pub mod dashboard;
pub mod login;
pub mod not_found;
pub mod notifications;
pub mod queue_tools;
pub mod refusal;
pub mod submit;
pub mod ticket;
pub mod ticket_handling;
pub mod two_step;

/// The numeric `:id` of the current route (0 when missing or not a number: the server then
/// answers "not found").
pub fn route_id() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    use leptos::prelude::Read;
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    }
}

pub use crate::domain::query_value;
