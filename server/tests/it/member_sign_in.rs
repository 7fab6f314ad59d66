//! Members signing in through the company's identity provider: a real OpenID Provider (npm
//! `oidc-provider`, started by `scripts/oidc-server.sh`; its fixture says which logins
//! misbehave) driven over HTTP the way a browser follows it.
use app::domain::{CurrentUser, Role, Tier};
use app::ssr::config::{ClaimNames, OidcConfig};
use reqwest::{Client, StatusCode};

use crate::common::*;

fn provider_url() -> String {
    std::env::var("TEST_OIDC_URL").unwrap_or_else(|_| "http://127.0.0.1:4455".into())
}

fn with_provider(c: &mut app::ssr::Config) {
    c.oidc = Some(OidcConfig {
        issuer: provider_url(),
        client_id: "desk".into(),
        client_secret: Some("desk-oidc-test-secret".into()),
        scopes: vec!["email".into(), "profile".into(), "member".into()],
        redirect_url: None,
        claims: ClaimNames {
            tier: "member_tier".into(),
            member_number: "member_no".into(),
            ..ClaimNames::default()
        },
    });
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .unwrap_or_else(|| panic!("no redirect: {}", res.status()))
        .to_str()
        .unwrap()
        .to_string()
}

fn absolute(base: &str, to: &str) -> String {
    if to.starts_with("http") {
        to.to_string()
    } else {
        format!("{base}{to}")
    }
}

/// From `/auth/oidc/start` through the provider's sign-in form (as `login`) to the address it
/// sends the browser back to: the desk's callback with a code and a state, not yet visited.
async fn through_provider(app: &TestApp, client: &Client, login: &str) -> String {
    let res = client
        .get(app.url("/auth/oidc/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mut next = location(&res);
    let op = provider_url();
    assert!(next.starts_with(&op), "sent to the provider: {next}");
    assert!(next.contains("code_challenge_method=S256") && next.contains("nonce="));
    for _ in 0..10 {
        if next.starts_with(&app.url("/auth/oidc/callback")) {
            return next;
        }
        let res = client.get(&next).send().await.unwrap();
        if res.status().is_redirection() {
            next = absolute(&op, &location(&res));
            continue;
        }
        // The provider's sign-in form: any password goes.
        let page = res.text().await.unwrap();
        let action = page
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no form on the provider's page: {page}"))
            .to_string();
        let res = client
            .post(absolute(&op, &action))
            .form(&[("prompt", "login"), ("login", login), ("password", "x")])
            .send()
            .await
            .unwrap();
        next = absolute(&op, &location(&res));
    }
    panic!("the provider never sent the browser back: {next}");
}

/// The whole round: where the desk's callback sends the browser.
async fn sign_in(app: &TestApp, client: &Client, login: &str) -> String {
    let callback = through_provider(app, client, login).await;
    let res = client.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "callback answer");
    location(&res)
}

async fn whoami(app: &TestApp, client: &Client) -> Option<CurrentUser> {
    app.call(client, "whoami", &[]).await.json().await.unwrap()
}

async fn users_named(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("select count(*) from users where email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_member_signs_in_with_their_member_account_and_the_system_keeps_their_facts() {
    let app = spawn_app_with(with_provider).await;
    let client = app.client();
    let login_page = app.html(&client, "/login").await;
    assert!(
        login_page.contains("href=\"/auth/oidc/start\""),
        "the login page offers it"
    );

    assert_eq!(sign_in(&app, &client, "esther.gold.700100").await, "/");
    let me = whoami(&app, &client).await.expect("signed in");
    assert_eq!(
        (me.tier, me.role, me.member_number.as_deref()),
        (Tier::Gold, Role::Member, Some("700100"))
    );
    assert_eq!(
        (me.display_name.as_str(), me.email.as_str()),
        ("Esther", "esther@members.example.com")
    );
    let dashboard = app.page(&client, "/").await;
    assert_eq!(dashboard.status(), StatusCode::OK);

    // The member system's language became the page language.
    let fresh = app.client();
    let callback = through_provider(&app, &fresh, "esther.gold.700100").await;
    let res = fresh.get(&callback).send().await.unwrap();
    let cookies: Vec<_> = res.headers().get_all("set-cookie").iter().collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("i18n_pref_locale=es;")),
        "{cookies:?}"
    );

    // A new tier in the member system counts from the next sign-in, on the same account.
    let later = app.client();
    assert_eq!(sign_in(&app, &later, "esther.platinum.700100").await, "/");
    let again = whoami(&app, &later).await.unwrap();
    assert_eq!((again.id, again.tier), (me.id, Tier::Platinum));
    assert_eq!(users_named(&app, "esther@members.example.com").await, 1);

    // Such an account has no password: nothing typed at the login form opens it.
    let stranger = app.client();
    for guess in ["!external", "x", "demo-password"] {
        let res = app.login(&stranger, &me.username, guess).await;
        assert_eq!(
            app_error(res).await,
            app::error::AppError::InvalidCredentials
        );
    }
}

#[tokio::test]
async fn a_rank_below_the_gate_gets_the_polite_page_and_an_unknown_rank_is_refused() {
    let app = spawn_app_with(with_provider).await;
    let manager = app.client();
    assert_eq!(sign_in(&app, &manager, "mario.manager").await, "/");
    let res = app.page(&manager, "/").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the tier refusal page");
    let res = app.call(&manager, "my_tickets", &[]).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "server functions refuse too"
    );

    let odd = app.client();
    assert_eq!(sign_in(&app, &odd, "zed.bronze").await, "/login?sso=tier");
    assert!(whoami(&app, &odd).await.is_none());
    assert_eq!(users_named(&app, "zed@members.example.com").await, 0);
    let page = app.html(&odd, "/login?sso=tier").await;
    assert!(
        page.contains("could not tell your member rank"),
        "worded on the page"
    );

    let no_email = app.client();
    assert_eq!(
        sign_in(&app, &no_email, "noemail.gold").await,
        "/login?sso=profile"
    );
    assert!(whoami(&app, &no_email).await.is_none());
}

#[tokio::test]
async fn a_forged_or_replayed_state_is_refused() {
    let app = spawn_app_with(with_provider).await;

    // Forged: the state is not the one this browser was given.
    let client = app.client();
    let callback = through_provider(&app, &client, "fred.gold").await;
    let forged = callback.replace("state=", "state=x");
    let res = client.get(&forged).send().await.unwrap();
    assert_eq!(location(&res), "/login?sso=state");
    assert!(whoami(&app, &client).await.is_none());

    // A callback in a browser that never started a sign-in (a link planted by someone else).
    let client = app.client();
    let callback = through_provider(&app, &client, "fred.gold").await;
    let other_browser = app.client();
    let res = other_browser.get(&callback).send().await.unwrap();
    assert_eq!(location(&res), "/login?sso=state");
    assert!(whoami(&app, &other_browser).await.is_none());

    // Replayed: the state answers one callback; the second finds nothing to match.
    let res = client.get(&callback).send().await.unwrap();
    assert_eq!(location(&res), "/", "the real one still works");
    assert!(whoami(&app, &client).await.is_some());
    app.call(&client, "logout", &[]).await;
    let res = client.get(&callback).send().await.unwrap();
    assert_eq!(location(&res), "/login?sso=state");
    assert!(whoami(&app, &client).await.is_none());
}

#[tokio::test]
async fn tokens_for_another_audience_expired_or_signed_by_a_stranger_are_refused() {
    let app = spawn_app_with(with_provider).await;
    for login in ["wrongaud.gold", "expired.gold", "forged.gold"] {
        let client = app.client();
        assert_eq!(
            sign_in(&app, &client, login).await,
            "/login?sso=token",
            "{login}"
        );
        assert!(whoami(&app, &client).await.is_none(), "{login}");
    }
    let made: i64 =
        sqlx::query_scalar("select count(*) from users where external_subject is not null")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(made, 0, "no account from a refused token");
}

#[tokio::test]
async fn the_providers_errors_are_shown_and_an_unreachable_provider_is_said_so() {
    let app = spawn_app_with(with_provider).await;
    // The member gives up at the provider: it answers the callback with access_denied.
    let client = app.client();
    let res = client
        .get(app.url("/auth/oidc/start"))
        .send()
        .await
        .unwrap();
    let res = client.get(location(&res)).send().await.unwrap();
    let interaction = absolute(&provider_url(), &location(&res));
    let res = client
        .get(format!("{interaction}/abort"))
        .send()
        .await
        .unwrap();
    let mut next = absolute(&provider_url(), &location(&res));
    while !next.starts_with(&app.url("/")) {
        let res = client.get(&next).send().await.unwrap();
        next = absolute(&provider_url(), &location(&res));
    }
    let res = client.get(&next).send().await.unwrap();
    assert_eq!(location(&res), "/login?sso=provider&reason=access_denied");
    let page = app
        .page(&client, "/login?sso=provider&reason=access_denied")
        .await;
    assert!(page.text().await.unwrap().contains("was cancelled"));

    // Nobody answers at the provider's address.
    let down = spawn_app_with(|c| {
        with_provider(c);
        c.oidc.as_mut().unwrap().issuer = "http://127.0.0.1:9".into();
    })
    .await;
    let res = down
        .client()
        .get(down.url("/auth/oidc/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/login?sso=unreachable");

    // Without a provider configured there is nothing there, and no button.
    let plain = spawn_app().await;
    let res = plain
        .client()
        .get(plain.url("/auth/oidc/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let page = plain.html(&plain.client(), "/login").await;
    assert!(!page.contains("/auth/oidc/start"));
}

#[tokio::test]
async fn an_existing_member_account_is_taken_over_by_member_number_but_never_a_staff_one() {
    let app = spawn_app_with(with_provider).await;
    let client = app.logged_in("silver").await;
    let before = whoami(&app, &client).await.unwrap();
    // `silver` has member number 1000001 (the tests' people).
    let member = app.client();
    assert_eq!(sign_in(&app, &member, "sofia.gold.1000001").await, "/");
    let after = whoami(&app, &member).await.unwrap();
    assert_eq!(
        (after.id, after.tier),
        (before.id, Tier::Gold),
        "same account, new tier"
    );

    // An admin switches the account off: the identity no longer signs in.
    sqlx::query("update users set disabled_at = 1 where id = $1")
        .bind(after.id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let again = app.client();
    assert_eq!(
        sign_in(&app, &again, "sofia.gold.1000001").await,
        "/login?sso=disabled"
    );
    assert!(whoami(&app, &again).await.is_none());

    // A staff account is never reached through the provider, even when linked to it.
    let agent = app.client();
    assert_eq!(sign_in(&app, &agent, "alex.gold.555").await, "/");
    let alex = whoami(&app, &agent).await.unwrap();
    sqlx::query("update users set role = 'agent' where id = $1")
        .bind(alex.id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let next_time = app.client();
    assert_eq!(
        sign_in(&app, &next_time, "alex.gold.555").await,
        "/login?sso=staff"
    );
    assert!(whoami(&app, &next_time).await.is_none());
}
