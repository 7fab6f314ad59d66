//! Ticket lifecycle, access and bad input over real HTTP, on both databases.

use crate::common::*;
use app::domain::{EntryKind, TicketDetail, TicketStatus, TimelineItem};
use app::error::AppError;
use reqwest::Client;

async fn new_ticket(app: &TestApp, client: &Client) -> i64 {
    let res = submit(
        app,
        client,
        "Checkout button does nothing",
        "en",
        "1. Add to cart 2. Press checkout",
    )
    .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn has_entry(d: &TicketDetail, body: &str) -> bool {
    d.timeline
        .iter()
        .any(|i| matches!(i, TimelineItem::Entry(e) if e.body == body))
}

async fn act(
    app: &TestApp,
    client: &Client,
    endpoint: &str,
    id: i64,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let id = id.to_string();
    let mut args = vec![("id", id.as_str())];
    args.extend_from_slice(extra);
    app.call(client, endpoint, &args).await
}

#[tokio::test]
async fn the_whole_lifecycle_is_recorded() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let id = new_ticket(&app, &silver).await;
    assert_eq!(
        detail(&app, &silver, id).await.summary.status,
        TicketStatus::Open
    );

    let res = act(
        &app,
        &agent,
        "request_info",
        id,
        &[("question", "Which browser do you use?")],
    )
    .await;
    assert_eq!(res.status(), 200);
    let d = detail(&app, &silver, id).await;
    assert_eq!(d.summary.status, TicketStatus::AwaitingFeedback);
    assert_eq!(d.pending_question(), Some("Which browser do you use?"));

    assert_eq!(
        act(
            &app,
            &silver,
            "reply_ticket",
            id,
            &[("body", "Chrome on Android")]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        detail(&app, &silver, id).await.summary.status,
        TicketStatus::Open
    );

    assert_eq!(
        act(&app, &agent, "close_ticket", id, &[]).await.status(),
        200
    );
    let d = detail(&app, &silver, id).await;
    assert_eq!(d.summary.status, TicketStatus::Closed);
    assert!(d.summary.closed_at.is_some());
    let moves: Vec<(Option<TicketStatus>, TicketStatus)> = d
        .timeline
        .iter()
        .filter_map(|i| match i {
            TimelineItem::Status { from, to, .. } => Some((*from, *to)),
            _ => None,
        })
        .collect();
    use TicketStatus::*;
    assert_eq!(
        moves,
        vec![
            (None, Open),
            (Some(Open), AwaitingFeedback),
            (Some(AwaitingFeedback), Open),
            (Some(Open), Closed)
        ]
    );

    // Reopen by the agent, then the member closes it.
    assert_eq!(
        act(&app, &agent, "reopen_ticket", id, &[]).await.status(),
        200
    );
    assert_eq!(
        act(&app, &silver, "close_ticket", id, &[]).await.status(),
        200
    );
    // The member replies to the closed issue within the window: it reopens.
    assert_eq!(
        act(
            &app,
            &silver,
            "reply_ticket",
            id,
            &[("body", "It broke again")]
        )
        .await
        .status(),
        200
    );
    assert_eq!(detail(&app, &silver, id).await.summary.status, Open);
}

#[tokio::test]
async fn illegal_transitions_are_refused_with_a_clear_error() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let id = new_ticket(&app, &silver).await;

    // A member cannot put their own ticket into Awaiting Feedback or reopen as staff does.
    let res = act(&app, &silver, "request_info", id, &[("question", "?")]).await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        act(&app, &silver, "reopen_ticket", id, &[]).await.status(),
        403
    );
    // Open -> Open
    let res = act(&app, &agent, "reopen_ticket", id, &[]).await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        app_error(res).await,
        AppError::IllegalTransition {
            from: TicketStatus::Open,
            to: TicketStatus::Open
        }
    );
    act(&app, &agent, "close_ticket", id, &[]).await;
    // Closed -> Closed, Closed -> Awaiting Feedback
    let res = act(&app, &silver, "close_ticket", id, &[]).await;
    assert_eq!(
        app_error(res).await,
        AppError::IllegalTransition {
            from: TicketStatus::Closed,
            to: TicketStatus::Closed
        }
    );
    let res = act(
        &app,
        &agent,
        "request_info",
        id,
        &[("question", "Still there?")],
    )
    .await;
    assert_eq!(res.status(), 409);
    // Nothing of the refused question was stored.
    let d = detail(&app, &agent, id).await;
    assert!(!has_entry(&d, "Still there?"));
}

#[tokio::test]
async fn another_members_ticket_is_not_found_and_untouchable() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let diamond = app.logged_in("diamond").await;
    let id = new_ticket(&app, &silver).await;
    for (endpoint, extra) in [
        ("get_ticket", vec![]),
        ("reply_ticket", vec![("body", "hijack")]),
        ("close_ticket", vec![]),
    ] {
        let res = act(&app, &diamond, endpoint, id, &extra).await;
        assert_eq!(res.status(), 404, "{endpoint}");
        assert_eq!(app_error(res).await, AppError::NotFound, "{endpoint}");
    }
    // Same answer as a ticket that does not exist.
    let res = act(&app, &diamond, "get_ticket", 999_999, &[]).await;
    assert_eq!(app_error(res).await, AppError::NotFound);
    let d = detail(&app, &silver, id).await;
    assert_eq!(d.summary.status, TicketStatus::Open);
    assert!(!has_entry(&d, "hijack"));
}

#[tokio::test]
async fn internal_notes_never_reach_the_member() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let id = new_ticket(&app, &silver).await;
    assert_eq!(
        act(
            &app,
            &agent,
            "add_note",
            id,
            &[("body", "SECRET: known bug #123")]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        act(
            &app,
            &agent,
            "reply_ticket",
            id,
            &[("body", "We are on it")]
        )
        .await
        .status(),
        200
    );

    let staff_view = detail(&app, &agent, id).await;
    assert!(staff_view
        .timeline
        .iter()
        .any(|i| matches!(i, TimelineItem::Entry(e) if e.kind == EntryKind::Note)));
    let member_view = detail(&app, &silver, id).await;
    assert!(member_view
        .timeline
        .iter()
        .any(|i| matches!(i, TimelineItem::Entry(e) if e.body == "We are on it")));
    let raw = app
        .call(&silver, "get_ticket", &[("id", &id.to_string())])
        .await
        .text()
        .await
        .unwrap();
    assert!(!raw.contains("SECRET"), "note leaked to the member");
    // Members cannot write notes.
    assert_eq!(
        act(&app, &silver, "add_note", id, &[("body", "x")])
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn bad_input_gets_a_field_error_and_stores_nothing() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let (_, before) = app
        .call(&silver, "my_tickets", &[])
        .await
        .json::<(serde_json::Value, app::domain::TicketLists)>()
        .await
        .unwrap();
    for (title, description, field) in [
        ("", "Long enough description", "title"),
        ("   ", "Long enough description", "title"),
        ("Fine title", "short", "description"),
        (&"x".repeat(151)[..], "Long enough description", "title"),
    ] {
        let res = submit(&app, &silver, title, "en", description).await;
        assert_eq!(res.status(), 400, "{field}");
        match app_error(res).await {
            AppError::Validation { field: f, .. } => assert_eq!(f, field),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
    let res = app
        .call(
            &silver,
            "submit_ticket",
            &[
                ("title", "Fine title"),
                ("language", "klingon"),
                ("description", "Long enough description"),
            ],
        )
        .await;
    assert!(
        matches!(app_error(res).await, AppError::Validation { field, .. } if field == "language")
    );
    let (_, after) = app
        .call(&silver, "my_tickets", &[])
        .await
        .json::<(serde_json::Value, app::domain::TicketLists)>()
        .await
        .unwrap();
    assert_eq!(before.open.len(), after.open.len());
    // Missing or non-numeric ids are a clean 400.
    let res = app.call(&silver, "get_ticket", &[("id", "abc")]).await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn script_tags_are_stored_as_text_and_shown_escaped() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let res = submit(
        &app,
        &silver,
        "<script>alert(1)</script>",
        "en",
        "<img src=x onerror=alert(2)> steps",
    )
    .await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    let d = detail(&app, &silver, id).await;
    assert_eq!(d.summary.title, "<script>alert(1)</script>");
    let html = app.html(&silver, "/").await;
    assert!(
        !html.contains("<script>alert(1)</script>"),
        "title rendered as markup"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[tokio::test]
async fn staff_cannot_submit_and_managers_cannot_touch_tickets() {
    let app = spawn_app().await;
    let agent = app.logged_in("agent").await;
    assert_eq!(
        submit(
            &app,
            &agent,
            "Agent ticket",
            "en",
            "Agents file nothing here"
        )
        .await
        .status(),
        403
    );
    let manager = app.logged_in("manager").await;
    let res = submit(
        &app,
        &manager,
        "Manager ticket",
        "en",
        "Below the gate, refused",
    )
    .await;
    assert_eq!(res.status(), 403);
    assert!(matches!(app_error(res).await, AppError::TierTooLow { .. }));
    for endpoint in ["get_ticket", "reply_ticket", "close_ticket"] {
        let res = act(&app, &manager, endpoint, 1, &[("body", "x")]).await;
        assert!(
            matches!(app_error(res).await, AppError::TierTooLow { .. }),
            "{endpoint}"
        );
    }
}

#[tokio::test]
async fn the_ticket_page_shows_the_conversation_to_its_member_only() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let id = new_ticket(&app, &silver).await;
    act(
        &app,
        &agent,
        "request_info",
        id,
        &[("question", "Which browser do you use?")],
    )
    .await;
    act(&app, &agent, "add_note", id, &[("body", "SECRET internal")]).await;

    let res = app.page(&silver, &format!("/tickets/{id}")).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Checkout button does nothing"));
    assert!(html.contains("The IT team needs more information from you:"));
    assert!(html.contains("Which browser do you use?"));
    assert!(html.contains("Answering sends the issue back to the IT team."));
    assert!(html.contains("Alex Agent changed the status to Awaiting Feedback"));
    assert!(!html.contains("SECRET"));

    let diamond = app.logged_in("diamond").await;
    let res = app.page(&diamond, &format!("/tickets/{id}")).await;
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(!html.contains("Checkout button does nothing"));
    assert!(html.contains("This issue does not exist, or it is not yours."));
}

#[tokio::test]
async fn the_submit_page_works_without_javascript() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let page = app.page(&silver, "/tickets/new").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for label in [
        "Title",
        "Language of your issue",
        "Detailed description",
        "Submit Tech Issue",
    ] {
        assert!(html.contains(label), "{label}");
    }
    assert!(html.contains(r#"enctype="multipart/form-data""#));
    assert!(html.contains(r#"type="file""#));
    // A plain HTML form post (what a browser without JavaScript sends: multipart, with an empty
    // file part when no file was chosen) lands on the new ticket.
    let empty_file = reqwest::multipart::Part::bytes(Vec::new()).file_name("");
    let form = multipart(
        &[
            ("title", "Español - No puedo procesar el pedido"),
            ("language", "es"),
            ("description", "Pulso procesar y no pasa nada."),
        ],
        &[],
    )
    .part("files", empty_file);
    let res = silver
        .post(app.url("/api/submit_ticket"))
        .header("accept", "text/html")
        .header("referer", app.url("/tickets/new"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/tickets/"), "{location}");
    let id: i64 = location.trim_start_matches("/tickets/").parse().unwrap();
    let d = detail(&app, &silver, id).await;
    assert_eq!(d.summary.language, "es");
    assert_eq!(d.summary.status, TicketStatus::Open);
    assert!(d.attachments.is_empty());

    let manager = app.logged_in("manager").await;
    let res = app.page(&manager, "/tickets/new").await;
    assert_eq!(res.status(), 403);
}
