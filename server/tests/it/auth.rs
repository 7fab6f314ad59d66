//! Login, sessions and throttling over real HTTP.

use crate::common::*;
use app::domain::CurrentUser;
use app::error::AppError;

#[tokio::test]
async fn login_ok_sets_an_http_only_session_cookie() {
    let app = spawn_app().await;
    let client = app.client();
    let res = app.login(&client, "silver", PASSWORD).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with(&format!("{}=", app::ssr::auth::SESSION_COOKIE)))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    let me: Option<CurrentUser> = app.call(&client, "whoami", &[]).await.json().await.unwrap();
    assert_eq!(me.unwrap().username, "silver");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = spawn_app().await;
    let client = app.client();
    let wrong = app.login(&client, "silver", "not-the-password").await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(app_error(wrong).await, AppError::InvalidCredentials);
    let unknown = app.login(&client, "nobody-here", PASSWORD).await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(app_error(unknown).await, AppError::InvalidCredentials);
    let garbage = app.login(&client, "<script>", PASSWORD).await;
    assert_eq!(app_error(garbage).await, AppError::InvalidCredentials);
    let me: Option<CurrentUser> = app.call(&client, "whoami", &[]).await.json().await.unwrap();
    assert!(me.is_none());
}

#[tokio::test]
async fn repeated_failures_throttle_the_account_even_with_the_right_password() {
    let app = spawn_app().await;
    let client = app.client();
    for _ in 0..5 {
        let res = app.login(&client, "silver", "wrong-password").await;
        assert_eq!(app_error(res).await, AppError::InvalidCredentials);
    }
    let res = app.login(&client, "silver", PASSWORD).await;
    assert_eq!(res.status(), 429);
    match app_error(res).await {
        AppError::RateLimited { retry_after_secs } => {
            assert!(
                retry_after_secs > 0 && retry_after_secs <= 15 * 60,
                "{retry_after_secs}"
            )
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    // Another account from another client is not affected.
    let other = app.client();
    let ok = app.login(&other, "diamond", PASSWORD).await;
    assert!(ok.status().is_success() || ok.status().is_redirection());
}

#[tokio::test]
async fn repeated_failures_throttle_the_client_across_accounts() {
    let app = spawn_app_with(|c| c.login_max_failures_per_client = 4).await;
    let client = app.client();
    for i in 0..4 {
        let res = app
            .login(&client, &format!("guess{i}"), "wrong-password")
            .await;
        assert_eq!(app_error(res).await, AppError::InvalidCredentials);
    }
    let res = app.login(&client, "diamond", PASSWORD).await;
    assert!(matches!(app_error(res).await, AppError::RateLimited { .. }));
}

#[tokio::test]
async fn session_survives_requests_and_ends_on_logout() {
    let app = spawn_app().await;
    let client = app.logged_in("silver").await;
    for _ in 0..3 {
        let page = app.page(&client, "/").await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("My Technical Issues"));
    }
    let out = app.call(&client, "logout", &[]).await;
    assert!(
        out.status().is_success() || out.status().is_redirection(),
        "{}",
        out.status()
    );
    let me: Option<CurrentUser> = app.call(&client, "whoami", &[]).await.json().await.unwrap();
    assert!(me.is_none());
    let page = app.page(&client, "/").await;
    assert_eq!(page.status(), 302);
    assert_eq!(page.headers()["location"], "/login");
}

/// The header's "Log out" is a plain form: posted by a browser without JavaScript (an empty
/// form body, asking for HTML) it signs out and lands on the login page.
#[tokio::test]
async fn the_log_out_form_works_without_javascript() {
    let app = spawn_app().await;
    let client = app.logged_in("silver").await;
    let html = app.html(&client, "/").await;
    assert!(
        html.contains(r#"<form method="post" action="/api/logout" class="logout">"#),
        "the page has a log out form: {html}"
    );
    let out = client
        .post(app.url("/api/logout"))
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("referer", app.url("/"))
        .body("")
        .send()
        .await
        .unwrap();
    assert!(out.status().is_redirection(), "{}", out.status());
    assert_eq!(out.headers()["location"], "/login");
    let page = app.page(&client, "/").await;
    assert_eq!(page.status(), 302, "signed out");
}

#[tokio::test]
async fn session_id_changes_at_login_and_the_old_one_is_dead() {
    let app = spawn_app().await;
    let client = app.client();
    let first = session_cookie(&app.login(&client, "silver", PASSWORD).await).expect("cookie");
    let second = session_cookie(&app.login(&client, "silver", PASSWORD).await).expect("cookie");
    assert_ne!(first, second, "login must issue a new session id");

    // A client holding only the old id is not signed in.
    let stale = reqwest::Client::new();
    let me: Option<CurrentUser> = stale
        .post(app.url("/api/whoami"))
        .header(
            "cookie",
            format!("{}={first}", app::ssr::auth::SESSION_COOKIE),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(me.is_none());

    // An id planted by an attacker before login is not the one the victim ends up with.
    let planted = "AAAAAAAAAAAAAAAAAAAAAA";
    let victim = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = victim
        .post(app.url("/api/login"))
        .header(
            "cookie",
            format!("{}={planted}", app::ssr::auth::SESSION_COOKIE),
        )
        .form(&[("username", "silver"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let issued = session_cookie(&res).expect("cookie");
    assert_ne!(issued, planted);
}

#[tokio::test]
async fn anonymous_dashboard_redirects_to_login() {
    let app = spawn_app().await;
    let res = app.page(&app.client(), "/").await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/login");
    let login = app.page(&app.client(), "/login").await;
    assert_eq!(login.status(), 200);
    let html = login.text().await.unwrap();
    assert!(html.contains("<label for=\"username\""), "{html}");
}

#[tokio::test]
async fn malformed_login_request_is_a_clear_400() {
    let app = spawn_app().await;
    let client = app.client();
    let res = client
        .post(app.url("/api/login"))
        .form(&[("username", "silver")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(matches!(app_error(res).await, AppError::Transport(_)));
}
