//! The push sender: one per instance beside the email one, on the outbox rows of channel
//! `push` (one per device). The same lease makes one instance send each row; a push service
//! that is down or busy (5xx, 429) is tried again with the same backoff as email; a device whose
//! subscription has ended (404, 410) is forgotten, with its other rows.
use std::time::Duration;

use super::{payload, Push};
use crate::domain::{Channel, NoticeKind};
use crate::ssr::db::{now_ms, OutboxRow};
use crate::ssr::mail::{compose, sender};
use crate::ssr::state::AppState;

pub async fn run(st: AppState, push: Push) {
    sender::keep_sending(&st, &push).await
}

impl sender::Sends for Push {
    const CHANNEL: Channel = Channel::Push;
    async fn send_one(&self, st: &AppState, row: &OutboxRow) -> Result<(), sqlx::Error> {
        send_one(st, self, row).await
    }
}

async fn send_one(st: &AppState, push: &Push, row: &OutboxRow) -> Result<(), sqlx::Error> {
    let Some((kind, ctx)) = sender::prepare(st, row).await? else {
        return Ok(());
    };
    let outbox = st.db.outbox();
    let target = match row.subscription_id {
        Some(id) => st.db.push().target(id).await?,
        None => None,
    };
    // The device may have been turned off, or taken over by someone else signing in on it:
    // then this notice is not for whoever holds it now.
    let Some(target) = target.filter(|t| t.user_id == row.recipient_id) else {
        return outbox.drop_row(row, now_ms(), "device gone").await;
    };
    let closes_on = compose::closes_on(&ctx, st.desk().settings.general.auto_close_after());
    let about = row.about();
    let body = payload::build(kind, about, &ctx, &st.mail, closes_on);
    let body = serde_json::to_vec(&body).unwrap_or_default();
    let urgent = matches!(kind, NoticeKind::Question | NoticeKind::Reminder);
    // RFC 8030 topics are URL-safe base64 characters, at most 32: "ticket12", "chat7".
    let topic = about.key().replace('-', "");
    let request = match push.request(&target, &body, &topic, urgent) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(outbox_id = row.id, error = %e, "push: cannot build the request");
            return outbox.drop_row(row, now_ms(), &e).await;
        }
    };
    let outcome = push.client().execute(request).await;
    let retry = |error: String, after: Option<Duration>| async move {
        if row.attempts >= st.config.mail_max_attempts {
            tracing::error!(outbox_id = row.id, attempts = row.attempts, %error, "push given up");
            return st.db.outbox().drop_row(row, now_ms(), &error).await;
        }
        let wait = after.unwrap_or_else(|| sender::backoff(st.config.mail_retry, row.attempts));
        tracing::warn!(outbox_id = row.id, attempts = row.attempts, %error,
            retry_in_secs = wait.as_secs(), "push failed, will retry");
        st.db
            .outbox()
            .retry_at(row, now_ms() + wait.as_millis() as i64, &error)
            .await
    };
    let response = match outcome {
        Ok(r) => r,
        Err(e) => return retry(format!("push service unreachable: {e}"), None).await,
    };
    let status = response.status();
    match status.as_u16() {
        200..=299 => {
            tracing::info!(outbox_id = row.id, kind = %row.kind, device = target.id, "push sent");
            st.db.push().touch(target.id, now_ms()).await?;
            outbox.mark_sent(row, now_ms()).await
        }
        404 | 410 => {
            tracing::info!(device = target.id, %status, "push subscription ended: device forgotten");
            st.db.push().expire(target.id).await?;
            outbox
                .drop_row(row, now_ms(), &format!("subscription ended ({status})"))
                .await
        }
        429 | 500..=599 => {
            let after = retry_after(&response);
            retry(format!("push service answered {status}"), after).await
        }
        _ => {
            let text = response.text().await.unwrap_or_default();
            let text: String = text.chars().take(200).collect();
            tracing::error!(outbox_id = row.id, %status, %text, "push refused");
            outbox
                .drop_row(
                    row,
                    now_ms(),
                    &format!("push service refused: {status} {text}"),
                )
                .await
        }
    }
}

/// A `Retry-After` in seconds (what push services send with 429 and 503), at most a day.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let secs: u64 = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs.clamp(1, 24 * 3600)))
}
