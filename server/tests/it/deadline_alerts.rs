//! Deadline alerts: the agent holding a ticket gets one email when its next service deadline
//! comes within the "due soon" window and one when it passes; nobody else does, a ticket nobody
//! holds alerts nobody, and a second instance's scheduler sends nothing twice.
use std::time::Duration;

use app::domain::{Role, Tier};

use crate::common::*;

fn fast(c: &mut app::ssr::Config) {
    mail_config(c);
    c.scheduler_every = Duration::from_secs(1);
}

/// Moves the ticket's nearest deadline, as if time had passed.
async fn due_in(app: &TestApp, id: i64, ms: i64) {
    sqlx::query("update tickets set next_due_at = $1 where id = $2")
        .bind(app::ssr::db::now_ms() + ms)
        .bind(id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
}

async fn alerts_for(app: &TestApp, id: i64) -> Vec<(String, i64)> {
    sqlx::query_as(
        "select kind, recipient_id from outbox where ticket_id = $1 \
         and kind in ('sla_warning', 'sla_breached') and channel = 'email' order by id",
    )
    .bind(id)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_holder_is_told_once_when_a_deadline_nears_and_once_when_it_passes() {
    let first = spawn_app_with(fast).await;
    let (url, dir) = (first.database_url.clone(), first.files_dir.clone());
    let _second = spawn_app_with(move |c| {
        fast(c);
        c.database_url = url;
        c.attachments_dir = dir;
    })
    .await;
    let holder = format!("dl{:x}", rand::random::<u32>());
    let bystander = format!("by{:x}", rand::random::<u32>());
    first.add_user(&holder, Tier::Silver, Role::Agent).await;
    first.add_user(&bystander, Tier::Silver, Role::Agent).await;
    let holder_mail = format!("{holder}@test.example.com");
    let bystander_mail = format!("{bystander}@test.example.com");
    let agent = first.logged_in(&holder).await;
    let silver = first.logged_in("silver").await;
    let held = submit_ok(
        &first,
        &silver,
        "Deadline case",
        "en",
        "The shop app is blank.",
    )
    .await;
    let loose = submit_ok(
        &first,
        &silver,
        "Nobody holds it",
        "en",
        "The shop app is slow.",
    )
    .await;
    let res = first
        .call(&agent, "take_ticket", &[("id", &held.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    // Agents also get "New tech issue" emails: only the deadline ones count here.
    let token = format!("[#{held}] Deadline");

    // Far from its deadline: nothing after a few rounds.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(alerts_for(&first, held).await.is_empty());

    // Ten minutes left (the window is 60): one "near" email to the holder.
    due_in(&first, held, 10 * 60_000).await;
    let mails = wait_for_mail(&holder_mail, &token, 1).await;
    assert!(
        mails[0]["subject"]
            .as_str()
            .unwrap()
            .contains("Deadline near"),
        "{mails:?}"
    );
    // Past it: one "missed" email, and both only once across the two schedulers.
    due_in(&first, held, -1000).await;
    let mails = wait_for_mail(&holder_mail, &token, 2).await;
    assert!(mails
        .iter()
        .any(|m| m["subject"].as_str().unwrap().contains("Deadline missed")));
    due_in(&first, loose, -1000).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(inbox(&holder_mail, &token).await.len(), 2);
    let kinds: Vec<String> = alerts_for(&first, held)
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(kinds, ["sla_warning", "sla_breached"]);
    // Nobody else is told, and a ticket nobody holds alerts nobody.
    assert!(inbox(&bystander_mail, &token).await.is_empty());
    assert!(alerts_for(&first, loose).await.is_empty());

    // A new deadline (the member wrote again) brings its own alerts.
    due_in(&first, held, 5 * 60_000).await;
    wait_for_mail(&holder_mail, &token, 3).await;
}
