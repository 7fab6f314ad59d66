//! Notification choices: read and save the signed-in person's (email and push per topic),
//! turn push on or off for a device, or turn an email off by its link.
// The choices form posts one checkbox per topic and channel (ten), as plain HTML forms do;
// the server macro's generated code takes them as arguments.
#![allow(clippy::too_many_arguments)]
use leptos::prelude::*;

use crate::domain::NotificationSettings;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::ssr::{
    auth::{with_user, Access},
    notifications,
};

#[server(prefix = "/api", endpoint = "get_notifications")]
pub async fn get_notifications() -> Result<NotificationSettings, AppError> {
    with_user(Access::DeskUser, async |st, user| {
        notifications::settings(st, user).await
    })
    .await
}

/// One checkbox per topic and channel ("on" when ticked; absent when not, as browsers send
/// forms): `updates` by email, `push_updates` by push, and so on.
#[server(prefix = "/api", endpoint = "save_notifications")]
pub async fn save_notifications(
    updates: Option<String>,
    reminders: Option<String>,
    new_tickets: Option<String>,
    member_answers: Option<String>,
    deadlines: Option<String>,
    push_updates: Option<String>,
    push_reminders: Option<String>,
    push_new_tickets: Option<String>,
    push_member_answers: Option<String>,
    push_deadlines: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::Topic;
    let ticked = |boxes: [Option<String>; 5]| -> Vec<Topic> {
        [
            Topic::Updates,
            Topic::Reminders,
            Topic::NewTickets,
            Topic::MemberAnswers,
            Topic::Deadlines,
        ]
        .into_iter()
        .zip(boxes)
        .filter(|(_, v)| v.is_some())
        .map(|(t, _)| t)
        .collect()
    };
    let email = ticked([updates, reminders, new_tickets, member_answers, deadlines]);
    let push = ticked([
        push_updates,
        push_reminders,
        push_new_tickets,
        push_member_answers,
        push_deadlines,
    ]);
    with_user(Access::DeskUser, async |st, user| {
        notifications::save(st, user, &email, &push).await
    })
    .await
}

/// Turns push on for this browser: its subscription (`PushSubscription.toJSON()`: the
/// endpoint and the keys) and a name for the list ("Chrome on Android").
#[server(prefix = "/api", endpoint = "push_subscribe")]
pub async fn push_subscribe(
    endpoint: String,
    p256dh: String,
    auth: String,
    #[server(default)] label: String,
) -> Result<(), AppError> {
    let label = match label.trim() {
        "" => "Browser",
        l => l,
    };
    let sub = crate::ssr::db::NewSubscription {
        endpoint: endpoint.trim(),
        p256dh: p256dh.trim(),
        auth: auth.trim(),
        label,
    };
    with_user(Access::DeskUser, async |st, user| {
        let id = notifications::subscribe(st, user, &sub).await?;
        crate::ssr::push_device::remember(id, st.config.cookie_secure);
        Ok(())
    })
    .await
}

/// Which of the signed-in person's devices this browser is (its endpoint), if any.
#[server(prefix = "/api", endpoint = "push_this_device")]
pub async fn push_this_device(endpoint: String) -> Result<Option<i64>, AppError> {
    with_user(Access::DeskUser, async |st, user| {
        let id = st.db.push().id_of(user.id, endpoint.trim()).await?;
        // Renewed on each look, so signing out here finds the device (`ssr::push_device`).
        if let Some(id) = id {
            crate::ssr::push_device::remember(id, st.config.cookie_secure);
        }
        Ok(id)
    })
    .await
}

/// Turns push off for this browser (by its endpoint), or for one device of the list (by id).
#[server(prefix = "/api", endpoint = "push_unsubscribe")]
pub async fn push_unsubscribe(
    #[server(default)] endpoint: String,
    #[server(default)] device: Option<i64>,
) -> Result<(), AppError> {
    with_user(Access::DeskUser, async |st, user| {
        let which = device.ok_or(endpoint.trim());
        notifications::forget_device(st, user, which).await
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
