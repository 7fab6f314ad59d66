//! A person's email choices: which topics they get (all, until they turn one off here or with
//! an email's unsubscribe link).
use super::db::now_ms;
use super::state::AppState;
use crate::domain::{CurrentUser, Topic, TopicSetting};
use crate::error::AppError;

/// The topics that concern this person: members their tickets, staff the desk's traffic.
pub fn topics_for(user: &CurrentUser) -> &'static [Topic] {
    if user.role.is_staff() {
        &Topic::STAFF
    } else {
        &Topic::MEMBER
    }
}

pub async fn settings(st: &AppState, user: &CurrentUser) -> Result<Vec<TopicSetting>, AppError> {
    let off = st.db.outbox().opted_out(user.id).await?;
    Ok(topics_for(user)
        .iter()
        .map(|&topic| TopicSetting {
            topic,
            on: !off.iter().any(|o| o == topic.as_str()),
        })
        .collect())
}

/// Keeps exactly `on` of this person's topics on; topics not theirs are ignored.
pub async fn save(st: &AppState, user: &CurrentUser, on: &[Topic]) -> Result<(), AppError> {
    for &topic in topics_for(user) {
        st.db
            .outbox()
            .set_topic(user.id, topic, on.contains(&topic), now_ms())
            .await?;
    }
    Ok(())
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
        .set_topic(user_id, topic, false, now_ms())
        .await?;
    tracing::info!(user_id, topic = topic.as_str(), "unsubscribed by link");
    Ok(true)
}
