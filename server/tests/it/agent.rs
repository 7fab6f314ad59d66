//! The agent console: the queue's order, counts, filters and search, and who may see it.

use crate::common::*;
use app::domain::TicketStatus;
use app::error::AppError;

#[tokio::test]
async fn the_queue_lists_the_nearest_deadline_first_with_counts() {
    // On the demo data (its tickets, statuses and dates are what this checks).
    let app = spawn_app_with(|c| c.demo_seed = true).await;
    let agent = app.logged_in("agent").await;
    let q = queue(&app, &agent, &[]).await;
    // The demo seed: silver 2 open, 1 awaiting, 3 closed; diamond 1 open.
    assert_eq!((q.open, q.awaiting, q.closed), (3, 1, 3));
    assert_eq!(q.rows.len(), 3);
    assert!(q.rows.iter().all(|r| r.status == TicketStatus::Open));
    // Nearest service deadline first, then the longest waiting. Not simply oldest first: over a
    // weekend the business-hours clock gives a newer Diamond ticket the nearer deadline.
    let key = |r: &app::domain::QueueRow| (r.due.is_none(), r.due, r.since);
    assert!(
        q.rows.windows(2).all(|w| key(&w[0]) <= key(&w[1])),
        "nearest deadline first, then oldest: {:?}",
        q.rows
            .iter()
            .map(|r| (r.id, r.due, r.since))
            .collect::<Vec<_>>()
    );

    let silver = app.logged_in("silver").await;
    let newest = submit_ok(
        &app,
        &silver,
        "Newest problem",
        "en",
        "It broke just now, really.",
    )
    .await;
    let q = queue(&app, &agent, &[]).await;
    assert_eq!(q.open, 4);
    assert_eq!(q.rows.last().unwrap().id, newest);
    let row = q.rows.last().unwrap();
    assert_eq!(row.member_name, "Sofía Silva");
    assert_eq!(row.language, "en");

    let closed = queue(&app, &agent, &[("status", "closed")]).await;
    assert_eq!(closed.rows.len(), 3);
    assert!(
        closed.rows.windows(2).all(|w| w[0].since >= w[1].since),
        "newest closed first"
    );
    let awaiting = queue(&app, &agent, &[("status", "awaiting_feedback")]).await;
    assert_eq!(awaiting.rows.len(), 1);
}

#[tokio::test]
async fn filters_and_search_narrow_the_queue() {
    // On the demo data (its tickets, statuses and dates are what this checks).
    let app = spawn_app_with(|c| c.demo_seed = true).await;
    let agent = app.logged_in("agent").await;
    let silver = app.logged_in("silver").await;
    let es = submit_ok(
        &app,
        &silver,
        "Español - No puedo pagar",
        "es",
        "El botón de pago no responde.",
    )
    .await;
    let pct = submit_ok(
        &app,
        &silver,
        "Discount shows 100% off",
        "en",
        "The cart says 100% discount on everything.",
    )
    .await;

    let q = queue(&app, &agent, &[("language", "es")]).await;
    assert!(q.rows.iter().any(|r| r.id == es));
    assert!(q.rows.iter().all(|r| r.language == "es"));
    assert!(q.open < queue(&app, &agent, &[]).await.open);

    let q = queue(&app, &agent, &[("tier", "Diamond")]).await;
    assert!(!q.rows.is_empty());
    assert!(q
        .rows
        .iter()
        .all(|r| r.member_tier == app::domain::Tier::Diamond));

    // Case-insensitive, over titles and descriptions (full-text: see `search.rs`).
    let q = queue(&app, &agent, &[("search", "BOTÓN")]).await;
    assert_eq!(q.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [es]);
    // A typed % is not a wildcard: the words around it are searched.
    let q = queue(&app, &agent, &[("search", "100%")]).await;
    assert_eq!(q.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [pct]);
    let q = queue(&app, &agent, &[("search", "%")]).await;
    assert!(q.rows.is_empty(), "no words, no match (not every ticket)");
    let q = queue(&app, &agent, &[("search", "nothing like this")]).await;
    assert!(q.rows.is_empty());
    assert_eq!((q.open, q.awaiting, q.closed), (0, 0, 0));

    // Unknown filter values are a clear 400, not a silently ignored filter.
    for (k, v) in [
        ("status", "pending"),
        ("language", "xx"),
        ("tier", "Bronze"),
    ] {
        let mut args = vec![
            ("status", ""),
            ("language", ""),
            ("tier", ""),
            ("search", ""),
        ];
        args.retain(|(fk, _)| *fk != k);
        args.push((k, v));
        let res = app.call(&agent, "queue_page", &args).await;
        assert_eq!(res.status(), 400, "{k}={v}");
    }
}

#[tokio::test]
async fn only_staff_see_the_queue() {
    // On the demo data (its tickets, statuses and dates are what this checks).
    let app = spawn_app_with(|c| c.demo_seed = true).await;
    let args = [
        ("status", ""),
        ("language", ""),
        ("tier", ""),
        ("search", ""),
    ];
    let silver = app.logged_in("silver").await;
    let res = app.call(&silver, "queue_page", &args).await;
    assert_eq!(res.status(), 403);
    assert_eq!(app_error(res).await, AppError::Forbidden);
    let manager = app.logged_in("manager").await;
    let res = app.call(&manager, "queue_page", &args).await;
    assert!(matches!(app_error(res).await, AppError::TierTooLow { .. }));
    let res = app.call(&app.client(), "queue_page", &args).await;
    assert_eq!(res.status(), 401);

    let res = app.page(&silver, "/agent").await;
    assert_eq!(res.status(), 403);
    let admin = app.logged_in("admin").await;
    let res = app.page(&admin, "/agent?status=open").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Agent console"));
    assert!(html.contains("Waiting"));
    assert!(html.contains("Sofía Silva"));
}

#[tokio::test]
async fn agents_see_internal_notes_and_members_never_do() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let id = submit_ok(
        &app,
        &silver,
        "Printer of invoices",
        "en",
        "Invoices print blank pages.",
    )
    .await;
    let res = app
        .call(
            &agent,
            "add_note",
            &[("id", &id.to_string()), ("body", "NOTE-42 check driver")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let agent_page = app.html(&agent, &format!("/tickets/{id}")).await;
    assert!(agent_page.contains("NOTE-42"));
    assert!(agent_page.contains("Request information from the member"));
    assert!(agent_page.contains("Filed by Sofía Silva"));
    let member_page = app.html(&silver, &format!("/tickets/{id}")).await;
    assert!(!member_page.contains("NOTE-42"));
    assert!(!member_page.contains("Request information"));
    let res = app
        .call(&silver, "get_ticket", &[("id", &id.to_string())])
        .await;
    assert!(!res.text().await.unwrap().contains("NOTE-42"));
}
