//! Email choices: read and save the signed-in person's, or turn one off by an email's link.
use leptos::prelude::*;

use crate::domain::TopicSetting;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::ssr::{
    auth::{with_user, Access},
    notifications,
};

#[server(prefix = "/api", endpoint = "get_notifications")]
pub async fn get_notifications() -> Result<Vec<TopicSetting>, AppError> {
    with_user(Access::DeskUser, async |st, user| {
        notifications::settings(st, user).await
    })
    .await
}

/// One checkbox per topic ("on" when ticked; absent when not, as browsers send forms).
#[server(prefix = "/api", endpoint = "save_notifications")]
pub async fn save_notifications(
    updates: Option<String>,
    reminders: Option<String>,
    new_tickets: Option<String>,
    member_answers: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::Topic;
    let ticked = [
        (Topic::Updates, updates),
        (Topic::Reminders, reminders),
        (Topic::NewTickets, new_tickets),
        (Topic::MemberAnswers, member_answers),
    ];
    let on: Vec<Topic> = ticked
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(t, _)| t)
        .collect();
    with_user(Access::DeskUser, async |st, user| {
        notifications::save(st, user, &on).await
    })
    .await
}

/// The unsubscribe page's button (the email's link carries who, what and its signature).
#[server(prefix = "/api", endpoint = "unsubscribe")]
pub async fn unsubscribe(u: i64, t: String, s: String) -> Result<bool, AppError> {
    let topic = crate::domain::Topic::parse(&t).map_err(|e| AppError::malformed("t", e))?;
    let st = crate::ssr::auth::state();
    notifications::unsubscribe(&st, u, topic, &s).await
}
