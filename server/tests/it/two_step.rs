//! Two-step sign-in for staff: set up with a real TOTP code made from the secret the server
//! handed out (totp-rs in the test, RFC 6238), then the password alone no longer signs in.
use app::domain::{AppError, Invalid, TwoStepSetup, TwoStepStatus};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::common::*;

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The code an authenticator app shows for `secret`, `ahead` steps of 30 s from now.
fn code(secret: &str, ahead: u64) -> String {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().unwrap();
    let totp = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, None, "x".into()).unwrap();
    totp.generate(now_secs() + 30 * ahead)
}

/// Where a server function's answer sends the browser.
fn sent_to(res: &reqwest::Response) -> String {
    let h = res.headers();
    h.get("location")
        .or_else(|| h.get("serverfnredirect"))
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Turns two-step sign-in on for `who`; answers the secret and the recovery codes.
async fn turn_on(app: &TestApp, who: &reqwest::Client) -> (String, Vec<String>) {
    let res = app.call(who, "begin_two_step", &[]).await;
    assert_eq!(res.status(), 200);
    let setup: TwoStepSetup = res.json().await.unwrap();
    assert!(setup.uri.starts_with("otpauth://totp/"), "{}", setup.uri);
    assert!(
        setup.svg.starts_with("<svg"),
        "a QR code drawn as SVG, ready for the page"
    );
    let res = app
        .call(
            who,
            "confirm_two_step",
            &[("code", &code(&setup.secret, 0))],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    (setup.secret, res.json().await.unwrap())
}

async fn wrong_code(res: reqwest::Response) {
    assert_eq!(res.status(), 400);
    assert_eq!(
        app_error(res).await,
        AppError::validation("code", Invalid::WrongCode)
    );
}

#[tokio::test]
async fn after_set_up_the_password_alone_does_not_sign_in_and_no_code_works_twice() {
    let app = spawn_app().await;
    let agent = app.logged_in("agent").await;
    // A first code that is wrong turns nothing on.
    let res = app.call(&agent, "begin_two_step", &[]).await;
    assert_eq!(res.status(), 200);
    let res = app
        .call(&agent, "confirm_two_step", &[("code", "000000")])
        .await;
    wrong_code(res).await;
    let res = app.call(&agent, "two_step_status", &[]).await;
    let status: TwoStepStatus = res.json().await.unwrap();
    assert!(!status.on);

    let (secret, codes) = turn_on(&app, &agent).await;
    assert_eq!(codes.len(), 10);
    let res = app.call(&agent, "two_step_status", &[]).await;
    let status: TwoStepStatus = res.json().await.unwrap();
    assert_eq!((status.on, status.recovery_codes_left), (true, 10));
    // A second set-up cannot replace it while it is on.
    assert_eq!(app.call(&agent, "begin_two_step", &[]).await.status(), 409);

    // The password leads to the code step; the session is not signed in yet.
    let phone = app.client();
    let res = app.login(&phone, "agent", PASSWORD).await;
    assert!(
        sent_to(&res).starts_with("/login/code"),
        "{}",
        sent_to(&res)
    );
    assert_eq!(app.call(&phone, "two_step_status", &[]).await.status(), 401);
    let who: Option<app::domain::CurrentUser> =
        app.call(&phone, "whoami", &[]).await.json().await.unwrap();
    assert!(who.is_none());

    // Wrong, then the code already used to confirm (same 30 s step): both refused.
    wrong_code(app.call(&phone, "login_code", &[("code", "123456")]).await).await;
    wrong_code(
        app.call(&phone, "login_code", &[("code", &code(&secret, 0))])
            .await,
    )
    .await;
    // The next code, typed with a space as apps show it, signs in.
    let next = code(&secret, 1);
    let spaced = format!("{} {}", &next[..3], &next[3..]);
    let res = app.call(&phone, "login_code", &[("code", &spaced)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(sent_to(&res), "/agent");
    assert_eq!(app.call(&phone, "two_step_status", &[]).await.status(), 200);

    // Another browser with the same code: refused (it was used).
    let other = app.client();
    app.login(&other, "agent", PASSWORD).await;
    wrong_code(app.call(&other, "login_code", &[("code", &next)]).await).await;
    // A recovery code, in lower case: once.
    let recovery = codes[3].to_lowercase();
    let res = app.call(&other, "login_code", &[("code", &recovery)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let third = app.client();
    app.login(&third, "agent", PASSWORD).await;
    wrong_code(app.call(&third, "login_code", &[("code", &recovery)]).await).await;
    let res = app.call(&other, "two_step_status", &[]).await;
    let status: TwoStepStatus = res.json().await.unwrap();
    assert_eq!(status.recovery_codes_left, 9);

    // Turning it off needs a code; then the password is enough again.
    wrong_code(
        app.call(&other, "turn_off_two_step", &[("code", "999999")])
            .await,
    )
    .await;
    let res = app
        .call(&other, "turn_off_two_step", &[("code", &codes[0])])
        .await;
    assert_eq!(res.status(), 200);
    let again = app.client();
    let res = app.login(&again, "agent", PASSWORD).await;
    assert_eq!(sent_to(&res), "/agent");
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action like 'two_step.%' order by id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(actions, ["two_step.on", "two_step.off"]);
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_passwords() {
    let app = spawn_app_with(|c| c.login_max_failures_per_account = 3).await;
    let admin = app.logged_in("admin").await;
    let (secret, _) = turn_on(&app, &admin).await;
    let phone = app.client();
    app.login(&phone, "admin", PASSWORD).await;
    for _ in 0..3 {
        wrong_code(app.call(&phone, "login_code", &[("code", "000000")]).await).await;
    }
    // Past the limit even the right code is refused unchecked (and not used up).
    let res = app
        .call(&phone, "login_code", &[("code", &code(&secret, 1))])
        .await;
    assert_eq!(res.status(), 429);
    assert!(matches!(app_error(res).await, AppError::RateLimited { .. }));
}

#[tokio::test]
async fn members_have_no_two_step_set_up_and_a_code_without_a_password_is_refused() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    for endpoint in ["two_step_status", "begin_two_step"] {
        assert_eq!(
            app.call(&silver, endpoint, &[]).await.status(),
            403,
            "{endpoint}"
        );
    }
    let res = app
        .call(&silver, "confirm_two_step", &[("code", "123456")])
        .await;
    assert_eq!(res.status(), 403);
    // No password step in this session: nothing to finish.
    let stranger = app.client();
    let res = app
        .call(&stranger, "login_code", &[("code", "123456")])
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        app.call(&stranger, "begin_two_step", &[]).await.status(),
        401
    );
}

#[tokio::test]
async fn when_the_admin_requires_it_staff_set_it_up_before_reaching_the_desk() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let form = [
        ("section", "general"),
        ("form[min_tier]", "silver"),
        ("form[chat_agent_cap]", "3"),
        ("form[chat_max_wait_minutes]", "10"),
        ("form[reminder_hours]", "72"),
        ("form[auto_close_hours]", "240"),
        ("form[staff_two_step]", "on"),
    ];
    let res = app.call(&admin, "save_settings", &form).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert!(app.state.desk().settings.general.staff_two_step);

    // A member is not concerned.
    let silver = app.client();
    assert_eq!(sent_to(&app.login(&silver, "silver", PASSWORD).await), "/");

    // The agent's password leads to the set-up, not to the desk.
    let agent = app.client();
    let res = app.login(&agent, "agent", PASSWORD).await;
    assert_eq!(sent_to(&res), "/account/two-step");
    let who: Option<app::domain::CurrentUser> =
        app.call(&agent, "whoami", &[]).await.json().await.unwrap();
    assert!(who.is_none(), "not signed in before it is set up");
    assert_eq!(
        app.call(&agent, "get_notifications", &[]).await.status(),
        401
    );
    // There is no code to give yet.
    assert_eq!(
        app.call(&agent, "login_code", &[("code", "123456")])
            .await
            .status(),
        401
    );
    let status: TwoStepStatus = app
        .call(&agent, "two_step_status", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(status.setting_up && !status.on);

    let (_, codes) = turn_on(&app, &agent).await;
    assert_eq!(codes.len(), 10);
    let who: Option<app::domain::CurrentUser> =
        app.call(&agent, "whoami", &[]).await.json().await.unwrap();
    assert_eq!(who.map(|u| u.username).as_deref(), Some("agent"));

    // Unticked again: an agent without it signs in with the password alone.
    let off: Vec<(&str, &str)> = form
        .iter()
        .copied()
        .filter(|(k, _)| !k.contains("two_step"))
        .collect();
    assert_eq!(app.call(&admin, "save_settings", &off).await.status(), 200);
    assert!(!app.state.desk().settings.general.staff_two_step);
    let other = app.client();
    assert_eq!(
        sent_to(&app.login(&other, "admin", PASSWORD).await),
        "/agent"
    );
}

#[tokio::test]
async fn an_admin_resets_a_lost_two_step_and_nobody_else_may() {
    let app = spawn_app().await;
    let agent = app.logged_in("agent").await;
    turn_on(&app, &agent).await;
    let agent_id: i64 = sqlx::query_scalar("select id from users where username = 'agent'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let id = agent_id.to_string();
    // Not the agent themselves (that is "turn off", with a code), not a member.
    let silver = app.logged_in("silver").await;
    for (who, client) in [("agent", &agent), ("silver", &silver)] {
        let res = app.call(client, "reset_two_step", &[("id", &id)]).await;
        assert_eq!(res.status(), 403, "{who}");
    }
    let admin = app.logged_in("admin").await;
    let res = app
        .call(&admin, "reset_two_step", &[("id", "999999")])
        .await;
    assert_eq!(res.status(), 404);
    let res = app.call(&admin, "reset_two_step", &[("id", &id)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let phone = app.client();
    assert_eq!(
        sent_to(&app.login(&phone, "agent", PASSWORD).await),
        "/agent"
    );
    let resets: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'two_step.reset' and target_id = $1",
    )
    .bind(agent_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(resets, 1);
}
