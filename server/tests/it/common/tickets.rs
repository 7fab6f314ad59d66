//! Filing and reading tickets, written once for every test module.
use app::domain::{AgentQueue, CurrentUser, TicketDetail};
use reqwest::{Client, Response};

use super::*;

/// Files a ticket without files; the raw answer (tests of refusals read it).
pub async fn submit(
    app: &TestApp,
    client: &Client,
    title: &str,
    language: &str,
    description: &str,
) -> Response {
    app.call(
        client,
        "submit_ticket",
        &[
            ("title", title),
            ("language", language),
            ("description", description),
        ],
    )
    .await
}

/// Files a ticket and returns its id.
pub async fn submit_ok(
    app: &TestApp,
    client: &Client,
    title: &str,
    language: &str,
    description: &str,
) -> i64 {
    let res = submit(app, client, title, language, description).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

/// The ticket as this person sees it.
pub async fn detail(app: &TestApp, client: &Client, id: i64) -> TicketDetail {
    let res = app
        .call(client, "get_ticket", &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

/// The agent queue as `queue_page` returns it; `args` replace the empty defaults.
pub async fn queue(app: &TestApp, client: &Client, args: &[(&str, &str)]) -> AgentQueue {
    let mut full = vec![
        ("status", ""),
        ("language", ""),
        ("tier", ""),
        ("search", ""),
    ];
    for (k, v) in args {
        full.retain(|(fk, _)| fk != k);
        full.push((k, v));
    }
    let res = app.call(client, "queue_page", &full).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json::<(CurrentUser, AgentQueue)>().await.unwrap().1
}
