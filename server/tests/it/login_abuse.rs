//! Password guessing: bursts, lock-outs by strangers, and forged client addresses.

use app::error::AppError;
use reqwest::StatusCode;

use crate::common::*;

#[tokio::test]
async fn a_burst_of_parallel_wrong_passwords_gets_no_more_guesses_than_the_limit() {
    let app = spawn_app_with(|c| {
        c.login_max_failures_per_account = 5;
        c.login_max_failures_per_client = 1000;
    })
    .await;
    let client = app.client();
    let tries = (0..60).map(|i| {
        let (app, client) = (&app, &client);
        async move {
            let res = app.login(client, "silver", &format!("wrong-{i}")).await;
            res.status()
        }
    });
    let statuses = futures::future::join_all(tries).await;
    let verified = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        verified <= 5,
        "{verified} passwords were checked, limit 5: {statuses:?}"
    );
    assert_eq!(verified + refused, 60, "{statuses:?}");
}

#[tokio::test]
async fn a_stranger_failing_logins_cannot_lock_an_agent_out() {
    let app = spawn_app_with(|c| c.login_max_failures_per_account = 5).await;
    let stranger = app.client_from("127.0.0.2");
    for i in 0..8 {
        let res = app.login(&stranger, "agent", &format!("guess-{i}")).await;
        assert!(
            matches!(
                app_error(res).await,
                AppError::InvalidCredentials | AppError::RateLimited { .. }
            ),
            "attempt {i}"
        );
    }
    // The stranger is now refused without a check...
    let res = app.login(&stranger, "agent", PASSWORD).await;
    assert!(matches!(app_error(res).await, AppError::RateLimited { .. }));
    // ...but the agent, at their own machine, still signs in.
    let own = app.client_from("127.0.0.1");
    let res = app.login(&own, "agent", PASSWORD).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
}

#[tokio::test]
async fn behind_a_proxy_the_client_is_the_address_the_proxy_saw() {
    let app = spawn_app_with(|c| {
        c.trust_proxy = true;
        c.login_max_failures_per_client = 3;
    })
    .await;
    let client = app.client();
    // The proxy appends the address it saw; whatever the client wrote before it is theirs.
    for i in 0..6 {
        let res = client
            .post(app.url("/api/login"))
            .header("x-forwarded-for", format!("10.9.8.{i}, 203.0.113.7"))
            .form(&[
                ("username", format!("nobody{i}").as_str()),
                ("password", "wrong"),
            ])
            .send()
            .await
            .unwrap();
        let expected = if i < 3 { 401 } else { 429 };
        assert_eq!(res.status().as_u16(), expected, "attempt {i}");
    }
    // Another client behind the same proxy is not affected.
    let res = client
        .post(app.url("/api/login"))
        .header("x-forwarded-for", "203.0.113.8")
        .form(&[("username", "silver"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
}

#[tokio::test]
async fn a_fresh_database_gets_no_demo_accounts_unless_asked() {
    // The default configuration, on a database nobody has put anyone in.
    assert!(!app::ssr::Config::default().demo_seed);
    let app = spawn_app_empty().await;
    assert_eq!(app.state.db.users().count().await.unwrap(), 0);
    let res = app.login(&app.client(), "admin", PASSWORD).await;
    assert_eq!(res.status(), 401);
}
