//! The Awaiting Feedback lifecycle: reminders at N and 2N days, the close after M days, counted
//! from the status history, once across two instances, and the date the member is shown.
use std::time::Duration;

use app::domain::TicketStatus;

use crate::common::*;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Moves the ticket's "asked" moment `days` into the past, as if that much time had gone by.
async fn age_question(app: &TestApp, id: i64, days: f64) {
    sqlx::query(
        "update ticket_events set at = at - $1 where ticket_id = $2 and to_status = 'awaiting_feedback'",
    )
    .bind((days * DAY_MS as f64) as i64)
    .bind(id)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
}

fn fast(c: &mut app::ssr::Config) {
    mail_config(c);
    c.scheduler_every = Duration::from_secs(1);
}

async fn count_with(to: &str, id: i64, words: &str) -> usize {
    inbox(to, &format!("[#{id}]"))
        .await
        .iter()
        .filter(|m| m["subject"].as_str().unwrap().contains(words))
        .count()
}

async fn wait_until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    for _ in 0..150 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen");
}

#[tokio::test]
async fn two_reminders_then_the_close_each_once_across_two_instances() {
    let first = spawn_app_with(fast).await;
    let url = first.database_url.clone();
    let dir = first.files_dir.clone();
    // A second instance on the same database runs the scheduler too.
    let _second = spawn_app_with(move |c| {
        fast(c);
        c.database_url = url;
        c.attachments_dir = dir;
    })
    .await;
    let (username, email) = own_member(&first, "remind").await;
    let member = first.logged_in(&username).await;
    let agent = first.logged_in("agent").await;
    let id = submit_ok(&first, &member, "VPN drops", "en", "Every hour.").await;
    let res = first
        .call(
            &agent,
            "request_info",
            &[("id", &id.to_string()), ("question", "Which office?")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let asked = detail(&first, &member, id).await;
    let closes_at = asked.closes_at.expect("the page says when it closes");
    let asked_at = asked.summary.opened_at;
    assert!(
        (closes_at - asked_at - 10 * DAY_MS).abs() < 60_000,
        "ten days after the question"
    );

    // Two and a half days: nothing yet.
    age_question(&first, id, 2.5).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(count_with(&email, id, "Reminder").await, 0);
    // Past three days: the first reminder, with the close date in it.
    age_question(&first, id, 1.0).await;
    wait_until("first reminder", async || {
        count_with(&email, id, "Reminder").await == 1
    })
    .await;
    let got = inbox(&email, &format!("[#{id}]")).await;
    let reminder = got
        .iter()
        .find(|m| m["subject"].as_str().unwrap().contains("Reminder"))
        .unwrap();
    assert!(
        reminder["text"]
            .as_str()
            .unwrap()
            .contains("we will close it on"),
        "{}",
        reminder["text"]
    );
    // Past six days: the second; more rounds add none.
    age_question(&first, id, 3.0).await;
    wait_until("second reminder", async || {
        count_with(&email, id, "Reminder").await == 2
    })
    .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(count_with(&email, id, "Reminder").await, 2);
    // Past ten days: closed, with the notice that replying reopens it.
    age_question(&first, id, 4.0).await;
    wait_until("auto-close", async || {
        detail(&first, &member, id).await.summary.status == TicketStatus::Closed
    })
    .await;
    wait_until("closed notice", async || {
        count_with(&email, id, "Closed without an answer").await == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(count_with(&email, id, "Closed without an answer").await, 1);
    assert_eq!(count_with(&email, id, "Reminder").await, 2);
    // Replying reopens it, as the notice says.
    let res = first
        .call(
            &member,
            "reply_ticket",
            &[("id", &id.to_string()), ("body", "Still broken")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        detail(&first, &member, id).await.summary.status,
        TicketStatus::Open
    );
}

#[tokio::test]
async fn an_answer_before_the_deadline_stops_reminders_and_the_close() {
    let app = spawn_app_with(fast).await;
    let (username, email) = own_member(&app, "answer").await;
    let member = app.logged_in(&username).await;
    let agent = app.logged_in("agent").await;
    let id = submit_ok(&app, &member, "Mail sync", "en", "It stopped.").await;
    let res = app
        .call(
            &agent,
            "request_info",
            &[("id", &id.to_string()), ("question", "Phone or laptop?")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .call(
            &member,
            "reply_ticket",
            &[("id", &id.to_string()), ("body", "Phone")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        detail(&app, &member, id).await.closes_at,
        None,
        "no close date once answered"
    );
    age_question(&app, id, 11.0).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        detail(&app, &member, id).await.summary.status,
        TicketStatus::Open
    );
    assert_eq!(count_with(&email, id, "Reminder").await, 0);
}
