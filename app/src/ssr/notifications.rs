//! A person's notification choices: which topics they get by email and by push (all, until
//! they turn one off here or with an email's unsubscribe link), and their push devices.
use super::db::{now_ms, NewSubscription};
use super::state::AppState;
use crate::domain::{Channel, CurrentUser, NotificationSettings, Topic, TopicSetting};
use crate::error::AppError;

/// The topics that concern this person: members their tickets, staff the desk's traffic.
pub fn topics_for(user: &CurrentUser) -> &'static [Topic] {
    if user.role.is_staff() {
        &Topic::STAFF
    } else {
        &Topic::MEMBER
    }
}

pub async fn settings(st: &AppState, user: &CurrentUser) -> Result<NotificationSettings, AppError> {
    let off = st.db.outbox().opted_out(user.id).await?;
    let wanted = |channel: Channel, topic: Topic| {
        !off.iter()
            .any(|(c, t)| c == channel.as_str() && t == topic.as_str())
    };
    Ok(NotificationSettings {
        topics: topics_for(user)
            .iter()
            .map(|&topic| TopicSetting {
                topic,
                on: wanted(Channel::Email, topic),
                push: wanted(Channel::Push, topic),
            })
            .collect(),
        devices: st.db.push().list(user.id).await?,
        push_key: st.push.as_ref().map(|p| p.public_key().to_string()),
    })
}

/// Keeps exactly `email` and `push` of this person's topics on, each by its channel; topics
/// not theirs are ignored.
pub async fn save(
    st: &AppState,
    user: &CurrentUser,
    email: &[Topic],
    push: &[Topic],
) -> Result<(), AppError> {
    for &topic in topics_for(user) {
        for (channel, on) in [(Channel::Email, email), (Channel::Push, push)] {
            st.db
                .outbox()
                .set_topic(user.id, channel, topic, on.contains(&topic), now_ms())
                .await?;
        }
    }
    Ok(())
}

/// Turns push on for the browser that sent its subscription. The endpoint must be a push
/// service's (`APP_PUSH_SERVICES`): the server posts to it, so any other address is refused.
pub async fn subscribe(
    st: &AppState,
    user: &CurrentUser,
    sub: &NewSubscription<'_>,
) -> Result<i64, AppError> {
    let Some(push) = &st.push else {
        return Err(AppError::Unavailable);
    };
    push.check_subscription(sub)?;
    let id = st.db.push().add(user.id, sub, now_ms()).await?;
    tracing::info!(
        user_id = user.id,
        device = id,
        "push turned on for a device"
    );
    Ok(id)
}

/// "Turn off on this device" (by the browser's endpoint) or "Remove" in the list (by id).
pub async fn forget_device(
    st: &AppState,
    user: &CurrentUser,
    device: Result<i64, &str>,
) -> Result<(), AppError> {
    let repo = st.db.push();
    let gone = match device {
        Ok(id) => repo.remove(user.id, id).await?,
        Err(endpoint) => repo.remove_endpoint(user.id, endpoint).await?,
    };
    if gone {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The unsubscribe link of an email (no sign-in: the signature is the proof). False when the
/// link is not genuine.
pub async fn unsubscribe(
    st: &AppState,
    user_id: i64,
    topic: Topic,
    sig: &str,
) -> Result<bool, AppError> {
    if !st.mail.unsubscribe_is_genuine(user_id, topic, sig) {
        tracing::warn!(user_id, "unsubscribe link with a bad signature refused");
        return Ok(false);
    }
    st.db
        .outbox()
        .set_topic(user_id, Channel::Email, topic, false, now_ms())
        .await?;
    tracing::info!(user_id, topic = topic.as_str(), "unsubscribed by link");
    Ok(true)
}
