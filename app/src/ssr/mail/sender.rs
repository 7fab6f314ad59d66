//! The outbox sender. Each instance runs one; a row is held with a lease while it is sent, so
//! of several instances on one PostgreSQL only one sends it (`for update skip locked`), and a
//! sender that died mid-send leaves the row to be taken again when the lease runs out.
//!
//! Delivery is at least once: if the process dies after the SMTP server accepted a message and
//! before the row is marked sent, that one message goes again. It carries the same Message-ID
//! (the row's), which mail systems use to recognise the copy. Nothing is lost: a row leaves the
//! outbox only as sent, or as dropped with its reason (opted out, account disabled, a permanent
//! refusal, or the last of its retries), which is logged.
use std::time::Duration;

use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::compose::{self, Links};
use crate::domain::{Channel, NoticeKind};
use crate::ssr::db::{now_ms, About, NoticeContext, OutboxRow};
use crate::ssr::state::AppState;

/// How long a sender holds a row: longer than an SMTP exchange can take (its timeout is 30 s).
const LEASE_MS: i64 = 120_000;
/// The longest wait between two tries of one email.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);
const BATCH: i64 = 20;

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// The SMTP transport of `APP_SMTP_URL`, or `None` (email off).
pub fn transport(url: Option<&str>) -> Result<Option<Transport>, String> {
    let Some(url) = url else {
        return Ok(None);
    };
    let builder = Transport::from_url(url).map_err(|e| format!("APP_SMTP_URL: {e}"))?;
    Ok(Some(builder.timeout(Some(Duration::from_secs(30))).build()))
}

/// Sends what the outbox holds until the process ends: when woken by a change, and every
/// `mail_poll` (rows due for a retry, rows queued by another instance).
pub async fn run(st: AppState, transport: Transport) {
    keep_sending(&st, &transport).await
}

/// What sends one channel's rows: the SMTP transport, the push client.
pub(crate) trait Sends: Sync {
    const CHANNEL: Channel;
    /// Sends one held row and records the outcome (sent, retry later, dropped).
    fn send_one(
        &self,
        st: &AppState,
        row: &OutboxRow,
    ) -> impl std::future::Future<Output = Result<(), sqlx::Error>> + Send;
}

impl Sends for Transport {
    const CHANNEL: Channel = Channel::Email;
    async fn send_one(&self, st: &AppState, row: &OutboxRow) -> Result<(), sqlx::Error> {
        send_one(st, self, row).await
    }
}

/// The loop of a channel's sender: take due rows of its channel in batches, send each, and
/// sleep until woken or `mail_poll` has passed.
pub(crate) async fn keep_sending<S: Sends>(st: &AppState, via: &S) {
    loop {
        loop {
            match send_due(st, via).await {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox: cannot read the outbox");
                    break;
                }
            }
        }
        tokio::select! {
            _ = st.mail.woken(S::CHANNEL) => {}
            _ = tokio::time::sleep(st.config.mail_poll) => {}
        }
    }
}

/// Takes and sends one batch of due rows of the sender's channel; how many were taken.
async fn send_due<S: Sends>(st: &AppState, via: &S) -> Result<usize, sqlx::Error> {
    let rows = st
        .db
        .outbox()
        .claim(S::CHANNEL, now_ms(), LEASE_MS, BATCH)
        .await?;
    for row in &rows {
        if let Err(e) = via.send_one(st, row).await {
            tracing::warn!(error = %e, outbox_id = row.id, "outbox: cannot record the outcome");
        }
    }
    Ok(rows.len())
}

/// What a held row is about, or `None` after dropping a row that must not be sent (its ticket
/// or person gone, the topic turned off since it was queued, the account disabled).
pub(crate) async fn prepare(
    st: &AppState,
    row: &OutboxRow,
) -> Result<Option<(NoticeKind, NoticeContext)>, sqlx::Error> {
    let outbox = st.db.outbox();
    let Ok(kind) = NoticeKind::parse(&row.kind) else {
        outbox.drop_row(row, now_ms(), "unknown kind").await?;
        return Ok(None);
    };
    let Some(ctx) = outbox.context(row).await? else {
        outbox
            .drop_row(row, now_ms(), "ticket or person gone")
            .await?;
        return Ok(None);
    };
    if ctx.recipient_disabled.is_some() || ctx.opted_out > 0 {
        let why = if ctx.opted_out > 0 {
            "opted out"
        } else {
            "account disabled"
        };
        tracing::info!(outbox_id = row.id, channel = %row.channel, why, "outbox: not sent");
        outbox.drop_row(row, now_ms(), why).await?;
        return Ok(None);
    }
    Ok(Some((kind, ctx)))
}

async fn send_one(
    st: &AppState,
    transport: &Transport,
    row: &OutboxRow,
) -> Result<(), sqlx::Error> {
    let outbox = st.db.outbox();
    let Some((kind, ctx)) = prepare(st, row).await? else {
        return Ok(());
    };
    let message = build(st, kind, row, &ctx);
    let message = match message {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(outbox_id = row.id, error = %e, "outbox: cannot build the email");
            return outbox.drop_row(row, now_ms(), &e).await;
        }
    };
    match transport.send(message).await {
        Ok(_) => {
            tracing::info!(outbox_id = row.id, kind = %row.kind, "email sent");
            outbox.mark_sent(row, now_ms()).await
        }
        Err(e) if e.is_permanent() || row.attempts >= st.config.mail_max_attempts => {
            tracing::error!(outbox_id = row.id, attempts = row.attempts, error = %e,
                "email given up");
            outbox.drop_row(row, now_ms(), &e.to_string()).await
        }
        Err(e) => {
            let wait = backoff(st.config.mail_retry, row.attempts);
            tracing::warn!(outbox_id = row.id, attempts = row.attempts, error = %e,
                retry_in_secs = wait.as_secs(), "email failed, will retry");
            let next = now_ms() + wait.as_millis() as i64;
            outbox.retry_at(row, next, &e.to_string()).await
        }
    }
}

fn build(
    st: &AppState,
    kind: NoticeKind,
    row: &OutboxRow,
    ctx: &NoticeContext,
) -> Result<lettre::Message, String> {
    let mail = &st.mail;
    let about = row.about();
    let links = Links {
        ticket: mail.page_url(about),
        unsubscribe: mail.unsubscribe_url(row.recipient_id, kind.topic()),
        preferences: mail.notifications_url(),
        // Only the ticket's member may answer by email, and only to notices about their ticket
        // (an ended chat has nothing to answer).
        reply_to: match about {
            About::Ticket(id) if !kind.for_staff() => mail.reply_address(id, ctx.member_id),
            _ => None,
        },
        rate: mail.rate_urls(kind, about),
    };
    let closes_on = compose::closes_on(ctx, st.desk().settings.general.auto_close_after());
    let parts = compose::parts(kind, about.id(), ctx, &links, closes_on);
    compose::message(mail, row, ctx, parts, &links)
}

/// `base`, doubled for each earlier try, at most [`MAX_BACKOFF`].
pub fn backoff(base: Duration, attempts: i64) -> Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 20) as u32;
    base.saturating_mul(2u32.saturating_pow(doublings))
        .min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_a_ceiling() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(60));
        assert_eq!(backoff(base, 4), Duration::from_secs(240));
        assert_eq!(backoff(base, 60), MAX_BACKOFF);
    }
}
