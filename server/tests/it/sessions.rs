//! Session lifetime, cookie attributes, caching of member pages, and live connections that must
//! end with the session that opened them.

use std::time::Duration;

use app::domain::{ClientFrame, CurrentUser};
use futures::StreamExt;
use tokio_tungstenite::tungstenite::Message;

use crate::common::*;

async fn whoami(app: &TestApp, client: &reqwest::Client) -> Option<CurrentUser> {
    app.call(client, "whoami", &[]).await.json().await.unwrap()
}

#[tokio::test]
async fn activity_keeps_a_session_alive_and_idleness_ends_it() {
    let app = spawn_app_with(|c| c.session_ttl = Duration::from_secs(4)).await;
    let client = app.logged_in("silver").await;
    for second in 1..=7 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(
            whoami(&app, &client).await.is_some(),
            "signed out after {second} s of use"
        );
    }
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(
        whoami(&app, &client).await.is_none(),
        "still signed in after 6 s idle"
    );
}

fn set_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.contains("desk_session="))
        .expect("session cookie")
}

#[tokio::test]
async fn the_session_cookie_is_secure_and_host_only_by_default() {
    let app = spawn_app().await;
    let res = app.login(&app.client(), "silver", PASSWORD).await;
    let cookie = set_cookie(&res);
    assert!(cookie.starts_with("__Host-desk_session="), "{cookie}");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain="), "{cookie}");
}

#[tokio::test]
async fn hsts_is_sent_when_served_over_https() {
    let app = spawn_app_with(|c| c.trust_proxy = true).await;
    let client = app.client();
    let https = client
        .get(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let hsts = https
        .headers()
        .get("strict-transport-security")
        .expect("HSTS over https")
        .to_str()
        .unwrap();
    assert!(hsts.contains("max-age="), "{hsts}");
    let http = client.get(app.url("/login")).send().await.unwrap();
    assert!(http.headers().get("strict-transport-security").is_none());

    let public =
        spawn_app_with(|c| c.public_url = Some("https://support.example.com".into())).await;
    let res = public
        .client()
        .get(public.url("/login"))
        .header("host", "support.example.com")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("strict-transport-security").is_some());
}

#[tokio::test]
async fn pages_and_answers_with_member_data_are_never_stored() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let page = app.page(&silver, "/").await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let api = app.call(&silver, "my_tickets", &[]).await;
    assert_eq!(api.status(), 200);
    assert_eq!(api.headers()["cache-control"], "no-store");
    let login = app.page(&app.client(), "/login").await;
    assert_eq!(login.headers()["cache-control"], "no-store");
}

/// Waits until a chat socket is closed by the server (a close frame or the end of the stream).
async fn closed_within(ws: &mut Ws, limit: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return false,
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return true,
            Ok(Some(Ok(_))) => continue,
        }
    }
}

#[tokio::test]
async fn logout_ends_the_sessions_sockets_and_event_streams() {
    let app = spawn_app().await;
    let silver = person(&app, "silver").await;
    let chat = start_ok(&app, &silver, "My order page stays blank after I log in").await;
    let mut ws = open(&app, &silver, chat, 0).await;
    let mut events = Events::open(&app, &silver.http).await;
    let res = app.call(&silver.http, "logout", &[]).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert!(
        closed_within(&mut ws, Duration::from_secs(5)).await,
        "socket outlived logout"
    );
    assert!(
        events.ended_within(Duration::from_secs(5)).await,
        "event stream outlived logout"
    );
}

#[tokio::test]
async fn a_role_change_or_a_disabled_account_ends_open_connections() {
    let app = spawn_app_with(|c| c.session_recheck = Duration::from_secs(1)).await;
    let agent = person(&app, "agent").await;
    let silver = person(&app, "silver").await;
    let chat = start_ok(&app, &silver, "My order page stays blank after I log in").await;
    let res = app
        .call(&agent.http, "set_presence", &[("online", "true")])
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .call(&agent.http, "accept_chat", &[("id", &chat.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    let mut agent_ws = open(&app, &agent, chat, 0).await;
    let mut agent_events = Events::open(&app, &agent.http).await;
    let mut member_ws = open(&app, &silver, chat, 0).await;

    // An administrator (another process, or another instance) takes the agent role away.
    sqlx::query("update users set role = 'member' where username = 'agent'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    assert!(closed_within(&mut agent_ws, Duration::from_secs(5)).await);
    assert!(agent_events.ended_within(Duration::from_secs(5)).await);

    // ...and disables the member's account.
    app.state
        .db
        .users()
        .set_disabled("silver", true)
        .await
        .unwrap();
    assert!(closed_within(&mut member_ws, Duration::from_secs(5)).await);
    assert!(whoami(&app, &silver.http).await.is_none());
    let res = app.login(&app.client(), "silver", PASSWORD).await;
    assert_eq!(res.status(), 401, "a disabled account cannot sign in");
}

#[tokio::test]
async fn a_socket_that_stops_answering_pings_is_dropped() {
    let app = spawn_app_with(|c| c.socket_ping = Duration::from_secs(1)).await;
    let silver = person(&app, "silver").await;
    let chat = start_ok(&app, &silver, "My order page stays blank after I log in").await;
    let mut ws = connect(&app, &silver, chat).await.expect("socket");
    send(&mut ws, &ClientFrame::Resume { after: 0 }).await;
    // A phone that went away: nothing is read, so no pong goes back.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(
        closed_within(&mut ws, Duration::from_secs(3)).await,
        "a silent socket was kept open"
    );
}

#[tokio::test]
async fn after_the_database_listener_reconnects_pages_and_sockets_resync() {
    if !backend_is_postgres() {
        return; // SQLite has no listener: events never leave the process.
    }
    let app = spawn_app().await;
    let agent = person(&app, "agent").await;
    let silver = person(&app, "silver").await;
    let chat = start_ok(&app, &silver, "My order page stays blank after I log in").await;
    let mut events = Events::open(&app, &agent.http).await;
    let mut ws = open(&app, &silver, chat, 0).await;
    next_state(&mut ws, |_, _| true).await;
    let killed: i64 = sqlx::query_scalar(
        "select count(pg_terminate_backend(pid)) from pg_stat_activity \
         where datname = current_database() and query ilike 'listen%'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(killed, 1, "one listener connection");
    events.wait_for("event: resync").await;
    next_state(&mut ws, |_, _| true).await;
}
