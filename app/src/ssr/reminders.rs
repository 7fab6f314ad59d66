//! The Awaiting Feedback lifecycle: a reminder to the member after `reminder_after` without an
//! answer, a second after twice that, and the ticket closed after `auto_close_after` (with a
//! notice that replying reopens it). And deadline alerts: the agent holding a ticket is told
//! once when its next service deadline comes within the "due soon" window, and once when it
//! passes (each alert names the deadline, so a new deadline brings new alerts). Counted from the status history: the event that put the
//! ticket in Awaiting Feedback. One instance at a time does the work (a lease in `job_leases`);
//! even two at once could not double anything, since each notice has its dedupe key and the
//! close only applies to a ticket still waiting.
use super::db::{now_ms, Notice, TicketChange, Waiting};
use super::state::AppState;
use crate::domain::{LiveEvent, NoticeKind, TicketStatus};
use crate::error::AppError;

const JOB: &str = "awaiting_feedback";

/// Looks every `scheduler_every` until the process ends.
pub async fn run(st: AppState) {
    let holder = format!("{:016x}", rand::random::<u64>());
    let mut tick = tokio::time::interval(st.config.scheduler_every);
    loop {
        tick.tick().await;
        if let Err(e) = run_once(&st, &holder).await {
            tracing::warn!(error = %e, "reminder scheduler: this round failed");
        }
    }
}

/// What one round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub held: bool,
    pub reminders: u64,
    pub closed: u64,
    pub deadline_alerts: u64,
}

pub async fn run_once(st: &AppState, holder: &str) -> Result<Round, AppError> {
    let now = now_ms();
    let lease = 3 * st.config.scheduler_every.as_millis() as i64;
    let outbox = st.db.outbox();
    if !outbox.hold_job(JOB, holder, now, now + lease).await? {
        return Ok(Round::default());
    }
    let mut round = Round {
        held: true,
        ..Round::default()
    };
    let general = st.desk().settings.general;
    let remind = general.reminder_after().as_millis() as i64;
    let close = general.auto_close_after().as_millis() as i64;
    for w in outbox.waiting().await? {
        let waited = now - w.since;
        if waited >= close {
            round.closed += u64::from(auto_close(st, &w, now).await?);
            continue;
        }
        // Only the latest reminder due: after an outage the member gets one, not two at once.
        let nth = if waited >= 2 * remind {
            2
        } else if waited >= remind {
            1
        } else {
            continue;
        };
        let notice = Notice {
            kind: NoticeKind::Reminder,
            ticket_id: w.ticket_id,
            ref_id: w.event_id,
            nth,
        };
        round.reminders += outbox.enqueue_one(notice, now).await?;
    }
    round.deadline_alerts = deadline_alerts(st, now).await?;
    // Files an erasure could not delete yet (a crash after its commit).
    super::gdpr::delete_files(st).await?;
    // Staged files a crashed instance left. Never younger than an hour here: on one disk the
    // start-up grace is 0, but now this instance may be receiving them.
    let grace = st
        .files
        .staging_grace
        .max(std::time::Duration::from_secs(3600));
    if let Err(e) = st.files.recover_with(&st.db, grace).await {
        tracing::warn!(error = %e, store = ?st.files, "staged files not recovered this round");
    }
    if round.reminders + round.closed + round.deadline_alerts > 0 {
        st.mail.wake();
    }
    Ok(round)
}

/// Queues "due soon" and "missed" alerts for held tickets; each only once per deadline (the
/// outbox's dedupe key holds the deadline).
async fn deadline_alerts(st: &AppState, now: i64) -> Result<u64, AppError> {
    let warn_ms = i64::from(st.desk().settings.sla.warn_minutes) * 60_000;
    let outbox = st.db.outbox();
    let mut queued = 0;
    for t in outbox.due_before(now, now + warn_ms).await? {
        let kind = if t.next_due_at <= now {
            NoticeKind::SlaBreached
        } else {
            NoticeKind::SlaWarning
        };
        let notice = Notice {
            kind,
            ticket_id: t.ticket_id,
            ref_id: t.next_due_at,
            nth: 0,
        };
        queued += outbox.enqueue_one(notice, now).await?;
    }
    Ok(queued)
}

/// Closes a ticket still waiting since `w` (in the name of the agent who asked).
async fn auto_close(st: &AppState, w: &Waiting, now: i64) -> Result<bool, AppError> {
    let change = TicketChange {
        ticket_id: w.ticket_id,
        actor_id: w.asked_by,
        entry: None,
        files: &[],
        transition: Some((TicketStatus::AwaitingFeedback, TicketStatus::Closed)),
        expect: None,
        quota: None,
        notice: Some(NoticeKind::AutoClosed),
        at: now,
        by_staff: true,
        sla: Some(&st.desk().sla),
        audit: false,
    };
    if st.db.tickets().apply(&change).await? != super::db::Applied::Done {
        return Ok(false); // the member answered (or an agent acted) meanwhile
    }
    tracing::info!(
        ticket_id = w.ticket_id,
        "closed after waiting for the member"
    );
    let (ticket_id, member_id) = (w.ticket_id, w.member_id);
    st.hub
        .publish(LiveEvent::Ticket {
            ticket_id,
            member_id,
        })
        .await;
    Ok(true)
}
