//! The desk as it is deployed for more than one machine: two server processes (the real
//! binary) on one PostgreSQL database and one S3 bucket (SeaweedFS), a member reaching them
//! through a small load balancer that sends each new connection to the first instance that
//! answers. Instance A is killed with SIGKILL in the middle of a chat; the member's socket
//! comes back through the balancer to B and nothing is lost. `make instances` runs it alone.
//! PostgreSQL only: SQLite is one process's database.
use std::time::Duration;

use app::domain::{ChatStatus, ClientFrame, ServerFrame};
use futures::StreamExt;
use reqwest::Client;
use tokio::net::{TcpListener, TcpStream};

use crate::common::*;

/// The server binary with the settings every instance shares: the database, the bucket (one
/// prefix for this test), the mail server and a fast scheduler. Only the first seeds the demo.
async fn start_instance(database_url: &str, prefix: &str, seed: bool) -> Binary {
    let s3_endpoint =
        std::env::var("TEST_S3_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:8433".into());
    let bucket = std::env::var("TEST_S3_BUCKET").unwrap_or_else(|_| "desk-test".into());
    let mut cmd = server_command();
    cmd.env("DATABASE_URL", database_url)
        .env("APP_DEMO", if seed { "1" } else { "0" })
        .env("APP_S3_BUCKET", bucket)
        .env("APP_S3_ENDPOINT", s3_endpoint)
        .env("APP_S3_ACCESS_KEY_ID", "desk-test-key")
        .env("APP_S3_SECRET_ACCESS_KEY", "desk-test-secret")
        .env("APP_S3_PREFIX", prefix)
        .env("APP_SMTP_URL", smtp_url())
        .env("APP_MAIL_POLL_MS", "200")
        .env("APP_SCHEDULER_SECS", "1")
        .env("APP_SESSION_RECHECK_SECS", "1")
        .env("RUST_LOG", "warn");
    start_binary(cmd, Duration::from_secs(60)).await
}

/// A load balancer as small as it gets: each new TCP connection goes to the first backend
/// that accepts it, so everything lands on A while A lives, and on B after.
async fn balancer(backends: Vec<String>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let backends = backends.clone();
            tokio::spawn(async move {
                for backend in &backends {
                    if let Ok(mut server) = TcpStream::connect(backend).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        return;
                    }
                }
            });
        }
    });
    addr
}

async fn say(ws: &mut Ws, body: &str) {
    send(
        ws,
        &ClientFrame::Send {
            body: body.into(),
            client_ref: body.into(),
        },
    )
    .await;
    next_matching(ws, "ack", |f| matches!(f, ServerFrame::Ack { .. })).await;
}

/// Messages until one says `body`; returns every message seen on the way.
async fn hear(ws: &mut Ws, body: &str) -> Vec<app::domain::ChatMessage> {
    let mut seen = Vec::new();
    loop {
        let batch = next_messages(ws).await;
        let done = batch.iter().any(|m| m.body == body);
        seen.extend(batch);
        if done {
            return seen;
        }
    }
}

async fn post(client: &Client, url: String, args: &[(&str, &str)]) -> reqwest::Response {
    client.post(url).form(args).send().await.unwrap()
}

#[tokio::test]
async fn two_instances_share_files_sessions_limits_and_mail_and_a_chat_survives_sigkill() {
    if !backend_is_postgres() {
        eprintln!(
            "SQLite run: one instance only; the deployment test runs with TEST_DATABASE=postgres"
        );
        return;
    }
    let (database_url, _dir) = fresh_database().await;
    let prefix = format!("deploy-{:016x}", rand::random::<u64>());
    let mut a = start_instance(&database_url, &prefix, true).await;
    let b = start_instance(&database_url, &prefix, false).await;
    let lb = balancer(vec![a.addr().to_string(), b.addr().to_string()]).await;

    // Sessions are shared: signed in through the balancer (on A), known to B.
    let member = person_at(&lb, "silver").await;
    let me = member
        .http
        .post(b.url("/api/whoami"))
        .send()
        .await
        .unwrap()
        .json::<Option<app::domain::CurrentUser>>()
        .await
        .unwrap();
    assert_eq!(me.expect("B knows the session").username, "silver");

    // A file uploaded through A is served by B, byte for byte.
    let mut screenshot = png_bytes();
    screenshot.extend_from_slice(prefix.as_bytes());
    let token = format!("Deploy {}", &prefix[7..15]);
    let res = member
        .http
        .post(a.url("/api/submit_ticket"))
        .multipart(multipart(
            &[
                ("title", token.as_str()),
                ("language", "en"),
                ("description", "Filed on A with a screenshot."),
            ],
            &[("shot.png", screenshot.clone())],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let ticket: i64 = res.json().await.unwrap();
    let detail: app::domain::TicketDetail = post(
        &member.http,
        b.url("/api/get_ticket"),
        &[("id", &ticket.to_string())],
    )
    .await
    .json()
    .await
    .unwrap();
    let file = detail.attachments.first().expect("the screenshot").id;
    let res = member
        .http
        .get(b.url(&format!("/attachments/{file}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), screenshot.as_slice());

    // The outbox is one: two senders, one email to each member of staff for the new ticket.
    wait_for_mail("agent@demo.example.com", &token, 1).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(inbox("agent@demo.example.com", &token).await.len(), 1);

    // Throttling is one: failures on A and on B count together.
    let guesser = Client::new();
    let mut last = 0;
    for n in 0..6 {
        let at = if n % 2 == 0 { &a } else { &b };
        last = post(
            &guesser,
            at.url("/api/login"),
            &[("username", "diamond"), ("password", "wrong guess")],
        )
        .await
        .status()
        .as_u16();
    }
    assert_eq!(
        last, 429,
        "the sixth failure (three per instance) is refused"
    );

    // A chat: the member through the balancer (on A), the agent on B.
    let agent = person_at(b.addr(), "agent").await;
    let res = post(
        &agent.http,
        b.url("/api/set_presence"),
        &[("online", "true")],
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = post(
        &member.http,
        format!("http://{lb}/api/start_chat"),
        &[
            ("name", "Sofía"),
            ("email", "silver@demo.example.com"),
            ("question", "My order page stays blank after I log in"),
        ],
    )
    .await;
    let chat = match res.json::<app::domain::ChatStart>().await.unwrap() {
        app::domain::ChatStart::Started { id } => id,
        other => panic!("chat not started: {other:?}"),
    };
    let mut member_ws = connect_at(&lb, &member, chat).await.expect("socket");
    send(&mut member_ws, &ClientFrame::Resume { after: 0 }).await;
    let res = post(
        &agent.http,
        b.url("/api/accept_chat"),
        &[("id", &chat.to_string())],
    )
    .await;
    assert_eq!(res.status(), 200);
    next_state(&mut member_ws, |h, _| h.status == ChatStatus::Active).await;
    let mut agent_ws = connect_at(b.addr(), &agent, chat).await.expect("socket");
    send(&mut agent_ws, &ClientFrame::Resume { after: 0 }).await;

    say(&mut member_ws, "before: it is Firefox").await;
    hear(&mut agent_ws, "before: it is Firefox").await;
    say(&mut agent_ws, "before: which version?").await;
    let seen = hear(&mut member_ws, "before: which version?").await;
    // What the page has: it resumes after the newest of these.
    let last_seen = seen.iter().map(|m| m.id).max().unwrap();

    // A dies mid-chat. The member's socket ends; what the agent says meanwhile must not be lost.
    a.child.start_kill().unwrap();
    a.child.wait().await.unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(_)) = member_ws.next().await {}
    })
    .await;
    assert!(ended.is_ok(), "the member's socket on A ended with A");
    say(&mut agent_ws, "during: are you still there?").await;

    // The page reconnects through the balancer (now B) and resumes after what it had.
    let mut member_ws = connect_at(&lb, &member, chat).await.expect("socket");
    send(&mut member_ws, &ClientFrame::Resume { after: last_seen }).await;
    let missed = hear(&mut member_ws, "during: are you still there?").await;
    assert!(
        missed.iter().all(|m| m.id > last_seen),
        "only what the page did not have yet comes again"
    );
    say(&mut member_ws, "after: yes, version 140").await;
    hear(&mut agent_ws, "after: yes, version 140").await;

    // Every message once, in order, as B (and so the database) has it.
    let view: app::domain::ChatView = post(
        &member.http,
        b.url("/api/get_chat"),
        &[("id", &chat.to_string())],
    )
    .await
    .json()
    .await
    .unwrap();
    let said: Vec<&str> = view
        .messages
        .iter()
        .filter(|m| m.system.is_none())
        .map(|m| m.body.as_str())
        .collect();
    assert!(
        said.ends_with(&[
            "before: it is Firefox",
            "before: which version?",
            "during: are you still there?",
            "after: yes, version 140",
        ]),
        "{said:?}"
    );
    drop(b);
}
