//! The real SMTP server of the tests (maildev, started by `scripts/mail-server.sh`): an app
//! that sends through it, and its HTTP API to read what arrived.
use std::time::Duration;

use serde_json::Value;

use super::*;

pub fn smtp_url() -> String {
    std::env::var("TEST_SMTP_URL").unwrap_or_else(|_| "smtp://127.0.0.1:1025".into())
}

fn mail_api() -> String {
    std::env::var("TEST_MAIL_API").unwrap_or_else(|_| "http://127.0.0.1:1080".into())
}

pub const REPLY_DOMAIN: &str = "reply.test.example.com";

/// Sends email quickly (polls often, retries after a second) and listens for replies.
pub fn mail_config(c: &mut Config) {
    c.smtp_url = Some(smtp_url());
    c.mail_poll = Duration::from_millis(200);
    c.mail_retry = Duration::from_secs(1);
    c.inbound_smtp_addr = Some("127.0.0.1:0".into());
    c.reply_domain = Some(REPLY_DOMAIN.into());
}

pub async fn spawn_mail_app() -> TestApp {
    spawn_app_with(mail_config).await
}

/// Every email maildev holds for `to` whose subject contains `token`.
pub async fn inbox(to: &str, token: &str) -> Vec<Value> {
    let all: Vec<Value> = reqwest::get(format!("{}/email", mail_api()))
        .await
        .expect("maildev reachable: run scripts/mail-server.sh start")
        .json()
        .await
        .unwrap();
    all.into_iter()
        .filter(|m| {
            let to_match = m["to"].as_array().into_iter().flatten().any(|a| {
                a["address"]
                    .as_str()
                    .is_some_and(|x| x.eq_ignore_ascii_case(to))
            });
            to_match && m["subject"].as_str().unwrap_or("").contains(token)
        })
        .collect()
}

/// Waits (up to 20 s) until `to` has at least `n` emails about `token`.
pub async fn wait_for_mail(to: &str, token: &str, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        let got = inbox(to, token).await;
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{to} did not get {n} emails about '{token}': {:?}",
        inbox(to, token).await
    );
}

pub fn header<'a>(mail: &'a Value, name: &str) -> &'a str {
    mail["headers"][name].as_str().unwrap_or("")
}

/// A member of this test's own, with an address no other test uses.
pub async fn own_member(app: &TestApp, tag: &str) -> (String, String) {
    let username = format!("{tag}{:x}", rand::random::<u32>());
    app.add_user(&username, Tier::Gold, Role::Member).await;
    let email = format!("{username}@test.example.com");
    (username, email)
}

/// Sends `message` to the app's reply listener, as the member's mail exchanger would.
pub async fn send_to_listener(
    app: &TestApp,
    message: lettre::Message,
) -> Result<lettre::transport::smtp::response::Response, lettre::transport::smtp::Error> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
    let addr = listener_addr(app).await;
    let smtp = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(addr.ip().to_string())
        .port(addr.port())
        .build();
    smtp.send(message).await
}

/// The reply listener's address, once the server has bound it.
pub async fn listener_addr(app: &TestApp) -> std::net::SocketAddr {
    for _ in 0..100 {
        if let Some(addr) = app.state.mail.inbound_addr() {
            return addr;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the reply listener did not start")
}
