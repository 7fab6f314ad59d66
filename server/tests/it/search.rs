//! Full-text search (FTS5 on SQLite, tsvector on PostgreSQL): every word must match as a prefix,
//! the title weighs more than the description and the description more than a message, the index
//! follows new messages, members find only their own tickets and never a staff note, and what
//! anyone types is never a query-syntax error.

use crate::common::*;
use app::domain::{CurrentUser, TicketLists};

/// The ids of the member's tickets that `search` finds, whatever their status.
async fn my_search(app: &TestApp, client: &reqwest::Client, search: &str) -> Vec<i64> {
    let res = app.call(client, "my_tickets", &[("search", search)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let (_, lists): (CurrentUser, TicketLists) = res.json().await.unwrap();
    let mut ids: Vec<i64> = [lists.open, lists.awaiting, lists.closed]
        .into_iter()
        .flatten()
        .map(|t| t.id)
        .collect();
    ids.sort();
    ids
}

/// The ids the agent queue lists (open tickets) for `search`, in the queue's order.
async fn queue_search(app: &TestApp, client: &reqwest::Client, search: &str) -> Vec<i64> {
    let q = queue(app, client, &[("search", search)]).await;
    q.rows.iter().map(|r| r.id).collect()
}

#[tokio::test]
async fn the_title_ranks_above_the_description_and_the_description_above_a_message() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let in_message = submit_ok(
        &app,
        &silver,
        "Cannot open the back office",
        "en",
        "The page stays white after login.",
    )
    .await;
    let in_description = submit_ok(
        &app,
        &silver,
        "Order form fails",
        "en",
        "It fails when I print the invoice on the office printer.",
    )
    .await;
    let in_title = submit_ok(
        &app,
        &silver,
        "Printer driver for the order sheet",
        "en",
        "Which driver do I need?",
    )
    .await;
    let unrelated = submit_ok(
        &app,
        &silver,
        "Password reset",
        "en",
        "I am locked out of it.",
    )
    .await;

    // Nothing yet in the first ticket: the word arrives with the agent's answer.
    assert!(!queue_search(&app, &agent, "printer")
        .await
        .contains(&in_message));
    let res = app
        .call(
            &agent,
            "reply_ticket",
            &[
                ("id", &in_message.to_string()),
                ("body", "Is a printer connected to that computer?"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let found = queue_search(&app, &agent, "printer").await;
    assert_eq!(found, vec![in_title, in_description, in_message]);
    assert!(!found.contains(&unrelated));
    // Prefixes match as the word is typed, in any case.
    assert_eq!(
        queue_search(&app, &agent, "PRINT").await,
        vec![in_title, in_description, in_message]
    );
    // Every word must match.
    assert_eq!(
        queue_search(&app, &agent, "printer invoice").await,
        vec![in_description]
    );
    assert_eq!(
        queue_search(&app, &agent, "printer zzzz").await,
        Vec::<i64>::new()
    );
    // The counts agree with the rows: three open tickets match, none elsewhere.
    let q = queue(&app, &agent, &[("search", "printer")]).await;
    assert_eq!((q.open, q.awaiting, q.closed), (3, 0, 0));
}

#[tokio::test]
async fn a_member_finds_only_their_own_tickets_and_never_a_staff_note() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let diamond = app.logged_in("diamond").await;
    let agent = app.logged_in("agent").await;
    let mine = submit_ok(
        &app,
        &silver,
        "Zebra app crashes",
        "en",
        "It crashes on start.",
    )
    .await;
    let theirs = submit_ok(
        &app,
        &diamond,
        "Zebra app slow",
        "en",
        "It is slow every morning.",
    )
    .await;
    let res = app
        .call(
            &agent,
            "add_note",
            &[
                ("id", &mine.to_string()),
                ("body", "Walrus team knows this bug"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    assert_eq!(my_search(&app, &silver, "zebra").await, vec![mine]);
    assert_eq!(my_search(&app, &diamond, "zebra").await, vec![theirs]);
    // Another member's words find nothing, not even a count.
    assert_eq!(my_search(&app, &silver, "morning").await, Vec::<i64>::new());
    // An internal note is the staff's: the member cannot find their ticket through it…
    assert_eq!(my_search(&app, &silver, "walrus").await, Vec::<i64>::new());
    // …and the staff can.
    assert_eq!(queue_search(&app, &agent, "walrus").await, vec![mine]);
    // Without a search the member still sees every ticket of theirs.
    assert_eq!(my_search(&app, &silver, "").await, vec![mine]);
}

#[tokio::test]
async fn what_anyone_types_is_searched_or_finds_nothing_but_is_never_an_error() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let id = submit_ok(&app, &silver, "VPN drops", "en", "Every hour or so.").await;
    // Query syntax of either engine is taken as plain words.
    for typed in ["\"vpn", "vpn*", "vpn (", "vpn:* & !", "-vpn", "vpn {drops}"] {
        assert_eq!(
            queue_search(&app, &agent, typed).await,
            vec![id],
            "{typed:?}"
        );
        assert_eq!(my_search(&app, &silver, typed).await, vec![id], "{typed:?}");
    }
    for typed in ["vpn AND (", "NEAR(vpn drops)", "'; drop table tickets; --"] {
        assert_eq!(
            queue_search(&app, &agent, typed).await,
            Vec::<i64>::new(),
            "{typed:?}"
        );
        assert_eq!(
            my_search(&app, &silver, typed).await,
            Vec::<i64>::new(),
            "{typed:?}"
        );
    }
    // Nothing searchable in it: no ticket matches.
    assert_eq!(queue_search(&app, &agent, "%%").await, Vec::<i64>::new());
    assert_eq!(my_search(&app, &silver, "** --").await, Vec::<i64>::new());
    // A pasted page is cut, not refused.
    let long = "vpn ".repeat(500);
    assert_eq!(my_search(&app, &silver, &long).await, vec![id]);
}
