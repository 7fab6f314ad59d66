//! Per-person caps and rates: event streams, chat sockets, chat frames, uploads and storage, and
//! the ownership check made before a single file byte is read.

use std::time::Duration;

use app::domain::{ClientFrame, ServerFrame};
use app::error::AppError;
use futures::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::Message;

use crate::common::*;

const QUESTION: &str = "My order page stays blank after I log in";

#[tokio::test]
async fn event_streams_per_person_are_capped() {
    let app = spawn_app_with(|c| c.max_streams_per_user = 3).await;
    let silver = app.logged_in("silver").await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(Events::open(&app, &silver).await);
    }
    let res = silver.get(app.url("/events")).send().await.unwrap();
    assert_eq!(res.status(), 429);
    // Another person is not affected, and closing one frees a place.
    Events::open(&app, &app.logged_in("diamond").await).await;
    drop(open.pop());
    tokio::time::sleep(Duration::from_millis(300)).await;
    Events::open(&app, &silver).await;
}

#[tokio::test]
async fn chat_sockets_per_person_are_capped() {
    let app = spawn_app_with(|c| c.max_streams_per_user = 3).await;
    let silver = person(&app, "silver").await;
    let chat = start_ok(&app, &silver, QUESTION).await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(connect(&app, &silver, chat).await.expect("socket"));
    }
    assert_eq!(connect(&app, &silver, chat).await.err(), Some(429));
    drop(open.pop());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(connect(&app, &silver, chat).await.is_ok());
}

#[tokio::test]
async fn a_flood_of_chat_messages_is_refused_past_the_rate() {
    let app = spawn_app().await;
    let silver = person(&app, "silver").await;
    let chat = start_ok(&app, &silver, QUESTION).await;
    let mut ws = open(&app, &silver, chat, 0).await;
    for i in 0..40 {
        send(
            &mut ws,
            &ClientFrame::Send {
                body: format!("flood {i}"),
                client_ref: format!("r{i}"),
            },
        )
        .await;
    }
    let (mut acks, mut limited) = (0, 0);
    while acks + limited < 40 {
        let frame = next_matching(&mut ws, "ack or refusal", |f| {
            matches!(f, ServerFrame::Ack { .. } | ServerFrame::Error { .. })
        })
        .await;
        match frame {
            ServerFrame::Ack { .. } => acks += 1,
            ServerFrame::Error {
                error: Some(AppError::RateLimited { .. }),
                ..
            } => limited += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(limited > 0, "40 messages at once were all taken");
    assert!(acks <= 15, "{acks} stored");
    let stored: i64 = sqlx::query_scalar(
        "select count(*) from chat_messages where chat_id = $1 and kind = 'message'",
    )
    .bind(chat)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(stored, acks);
    // Typing is dropped silently past its rate: the agent's side never hears a flood.
    for _ in 0..100 {
        send(&mut ws, &ClientFrame::Typing).await;
    }
    let res = tokio::time::timeout(Duration::from_secs(1), ws.next()).await;
    if let Ok(Some(Ok(Message::Text(t)))) = res {
        assert!(!t.as_str().contains("rate"), "typing answered with {t}");
    }
}

/// A text file of `n` bytes, different for each `seed` (files are stored once per content).
fn text_file(seed: usize, n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| b'a' + ((i * 7919 + seed * 31) % 26) as u8)
        .collect()
}

#[tokio::test]
async fn each_member_has_a_storage_quota() {
    let app = spawn_app_with(|c| c.storage_quota_bytes = 250_000).await;
    let silver = app.logged_in("silver").await;
    let tickets = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from tickets")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    let before = tickets().await;
    let args = [
        ("title", "Screenshots of the error"),
        ("language", "en"),
        ("description", "The order page shows an error after login."),
    ];
    for i in 0..2 {
        let res = app
            .upload(
                &silver,
                "submit_ticket",
                &args,
                &[(&format!("log{i}.txt"), text_file(i, 100_000))],
            )
            .await;
        assert_eq!(res.status(), 200, "upload {i}");
    }
    let res = app
        .upload(
            &silver,
            "submit_ticket",
            &args,
            &[("log2.txt", text_file(2, 100_000))],
        )
        .await;
    assert_eq!(res.status(), 400);
    match app_error(res).await {
        AppError::Validation { field, problem } => {
            assert_eq!(field, "files");
            assert!(problem.to_string().contains("quota"), "{problem}");
        }
        other => panic!("expected the quota refusal, got {other:?}"),
    }
    assert_eq!(
        tickets().await,
        before + 2,
        "the refused ticket was not stored"
    );
    assert_eq!(app.stored_files().len(), 2, "{:?}", app.stored_files());
    // Another member has their own quota.
    let diamond = app.logged_in("diamond").await;
    let res = app
        .upload(
            &diamond,
            "submit_ticket",
            &args,
            &[("log.txt", text_file(3, 100_000))],
        )
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn uploads_per_person_are_rate_limited() {
    let app = spawn_app_with(|c| c.uploads_per_minute = 3).await;
    let silver = app.logged_in("silver").await;
    let args = [
        ("title", "Screenshots of the error"),
        ("language", "en"),
        ("description", "The order page shows an error after login."),
    ];
    for i in 0..3 {
        let res = app
            .upload(
                &silver,
                "submit_ticket",
                &args,
                &[("shot.png", png_bytes())],
            )
            .await;
        assert_eq!(res.status(), 200, "upload {i}");
    }
    let res = app
        .upload(
            &silver,
            "submit_ticket",
            &args,
            &[("shot.png", png_bytes())],
        )
        .await;
    assert_eq!(res.status(), 429);
    assert!(matches!(app_error(res).await, AppError::RateLimited { .. }));
}

#[tokio::test]
async fn a_reply_to_someone_elses_ticket_is_refused_before_its_files_are_read() {
    let app = spawn_app_with(|c| c.client_timeout = Duration::from_secs(4)).await;
    let diamond = app.logged_in("diamond").await;
    let theirs = submit_ok(
        &app,
        &diamond,
        "Diamond's ticket",
        "en",
        "Only Diamond may see this.",
    )
    .await;
    let login = app.login(&app.client(), "silver", PASSWORD).await;
    let cookie = session_cookie(&login).unwrap();
    // The id comes first, then a file that never finishes arriving.
    let mut conn = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/reply_ticket HTTP/1.1\r\nHost: {addr}\r\nCookie: {name}={cookie}\r\n\
         Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 5000000\r\n\r\n\
         --XYZ\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n{theirs}\r\n\
         --XYZ\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nhello\r\n\
         --XYZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n\
         Content-Type: text/plain\r\n\r\n{start}",
        addr = app.addr,
        name = app::ssr::auth::SESSION_COOKIE,
        start = "x".repeat(10_000),
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let started = std::time::Instant::now();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), async {
        use tokio::io::AsyncReadExt;
        conn.read(&mut answer).await.unwrap()
    })
    .await
    .expect("an answer");
    let answer = String::from_utf8_lossy(&answer[..n]).to_string();
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the server waited for the file before refusing ({:?})",
        started.elapsed()
    );
}

/// What a browser without JavaScript sends for "no file chosen": an empty part with an empty
/// file name.
fn form_without_files(args: &[(&str, &str)]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in args {
        form = form.text(k.to_string(), v.to_string());
    }
    form.part(
        "files",
        reqwest::multipart::Part::bytes(Vec::new())
            .file_name("")
            .mime_str("application/octet-stream")
            .unwrap(),
    )
}

#[tokio::test]
async fn forms_without_files_use_no_upload_rate_or_quota() {
    let app = spawn_app_with(|c| {
        c.uploads_per_minute = 1;
        c.storage_quota_bytes = 1;
    })
    .await;
    let silver = app.logged_in("silver").await;
    for i in 0..3 {
        let res = silver
            .post(app.url("/api/submit_ticket"))
            .multipart(form_without_files(&[
                ("title", "No screenshot this time"),
                ("language", "en"),
                ("description", "The order page shows an error after login."),
            ]))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "ticket {i}: {}",
            res.text().await.unwrap()
        );
    }
}

#[tokio::test]
async fn parallel_uploads_cannot_share_the_room_left_in_a_quota() {
    let app = spawn_app_with(|c| c.storage_quota_bytes = 250_000).await;
    let silver = app.logged_in("silver").await;
    let args = [
        ("title", "Screenshots of the error"),
        ("language", "en"),
        ("description", "The order page shows an error after login."),
    ];
    let sends = (0..6).map(|i| {
        let (app, silver, args) = (&app, &silver, &args);
        async move {
            let file = text_file(10 + i, 100_000);
            let res = app
                .upload(silver, "submit_ticket", args, &[("log.txt", file)])
                .await;
            res.status().as_u16()
        }
    });
    let statuses = futures::future::join_all(sends).await;
    let stored: i64 = app
        .state
        .db
        .attachments()
        .used_by(
            sqlx::query_scalar::<_, i64>("select id from users where username = 'silver'")
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(
        stored <= 250_000,
        "{stored} bytes stored, quota 250000: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        2,
        "{statuses:?}"
    );
}
