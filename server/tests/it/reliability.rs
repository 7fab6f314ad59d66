//! The quick part of the reliability suite (the long runs are `make reliability`): security
//! headers, cross-origin refusal, slow clients, graceful shutdown, database faults.
//! Runs on SQLite and PostgreSQL; the outage test needs PostgreSQL and says so when skipped.

use std::time::Duration;

use crate::common::*;
use app::error::AppError;
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("{} has no {name} header", res.url()))
        .to_str()
        .unwrap()
}

fn assert_security_headers(res: &reqwest::Response) {
    let csp = header(res, "content-security-policy");
    assert!(
        csp.contains("frame-ancestors 'none'"),
        "{}: {csp}",
        res.url()
    );
    assert!(
        csp.contains("object-src 'none'") || csp.contains("default-src 'none'"),
        "{}: {csp}",
        res.url()
    );
    assert_eq!(header(res, "x-content-type-options"), "nosniff");
    assert_eq!(header(res, "referrer-policy"), "same-origin");
    assert_eq!(header(res, "x-frame-options"), "DENY");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let anon = app.client();
    let silver = app.logged_in("silver").await;
    let res = app
        .upload(
            &silver,
            "submit_ticket",
            &[
                ("title", "Headers check"),
                ("language", "en"),
                ("description", "A ticket with a screenshot."),
            ],
            &[("shot.png", png_bytes())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    let file_id: i64 =
        sqlx::query_scalar::<_, i64>("select max(id) from attachments where ticket_id = $1")
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();

    let mut responses = vec![
        app.page(&anon, "/login").await,
        app.page(&anon, "/").await, // redirect to /login
        app.page(&anon, "/no-such-page").await,
        app.page(&silver, "/").await,
        app.page(&silver, &format!("/tickets/{id}")).await,
        anon.get(app.url("/healthz")).send().await.unwrap(),
        anon.get(app.url("/sw.js")).send().await.unwrap(),
        app.call(&anon, "login", &[("username", "x"), ("password", "y")])
            .await,
        app.call(&silver, "get_ticket", &[("id", &id.to_string())])
            .await,
        silver
            .get(app.url(&format!("/attachments/{file_id}")))
            .send()
            .await
            .unwrap(),
    ];
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses, [200, 302, 404, 200, 200, 200, 200, 401, 200, 200]);
    for res in &responses {
        assert_security_headers(res);
    }

    // A page's inline scripts carry the nonce that its policy allows, and no other.
    let page = responses.remove(3);
    let csp = header(&page, "content-security-policy").to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("page policy has a nonce")
        .to_string();
    assert!(nonce.len() >= 16, "{nonce}");
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .expect("a script-src directive");
    assert!(!script_src.contains("unsafe-inline"), "{script_src}");
    assert!(!script_src.contains("'unsafe-eval'"), "{script_src}");
    let html = page.text().await.unwrap();
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty());
    for script in scripts {
        let tag = script.split('>').next().unwrap();
        // leptos_i18n keeps an empty <script> as a placeholder; browsers skip an empty inline
        // script before any CSP check, so it needs no nonce.
        if script.starts_with("></script>") {
            continue;
        }
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")),
            "script without the page's nonce: <script{tag}>"
        );
    }
    // A new page, a new nonce.
    let again = app.page(&silver, "/").await;
    assert!(!header(&again, "content-security-policy").contains(&nonce));
}

#[tokio::test]
async fn writes_from_another_sites_page_are_refused() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let own_origin = format!("http://{}", app.addr);
    let submit = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut req = silver
            .post(app.url("/api/submit_ticket"))
            .multipart(multipart(
                &[
                    ("title", "Cross-site attempt"),
                    ("language", "en"),
                    ("description", "Posted by some other site's page."),
                ],
                &[],
            ));
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(s) = fetch_site {
            req = req.header("sec-fetch-site", s);
        }
        req.send()
    };
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from tickets where title = $1")
            .bind("Cross-site attempt")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };

    for (origin, site) in [
        (Some("https://evil.example"), None),
        (Some("null"), None),
        (Some("http://127.0.0.1.evil.example"), None),
        (None, Some("cross-site")),
        (None, Some("same-site")),
    ] {
        let res = submit(origin, site).await.unwrap();
        assert_eq!(res.status(), 403, "origin {origin:?} fetch-site {site:?}");
        match app_error(res).await {
            AppError::Validation { field, problem } => {
                assert_eq!(field, "origin");
                assert!(problem.to_string().contains("other sites"), "{problem}");
            }
            other => panic!("expected an origin refusal, got {other:?}"),
        }
    }
    assert_eq!(count().await, 0, "a refused request created a ticket");

    // The same request from our own page, or from a client that is not a browser page, works.
    let res = submit(Some(&own_origin), Some("same-origin"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = submit(None, None).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(count().await, 2);

    // Logging in from another site's form is refused too (no session is handed out).
    let res = app
        .client()
        .post(app.url("/api/login"))
        .header("origin", "https://evil.example")
        .form(&[("username", "silver"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(session_cookie(&res).is_none());

    // Reads are not affected; a WebSocket opened by another site's page is refused.
    let res = silver
        .get(app.url("/"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let login = app.login(&app.client(), "silver", PASSWORD).await;
    let cookie = session_cookie(&login).unwrap();
    let mut req = format!("ws://{}/chats/1/socket", app.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "cookie",
        format!("{}={cookie}", app::ssr::auth::SESSION_COOKIE)
            .parse()
            .unwrap(),
    );
    req.headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    match tokio_tungstenite::connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            assert_eq!(res.status().as_u16(), 403)
        }
        other => panic!("expected a 403 handshake, got {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn trusted_origins_from_the_configuration_may_post() {
    let app =
        spawn_app_with(|c| c.trusted_origins = vec!["https://support.example.com".into()]).await;
    let res = app
        .client()
        .post(app.url("/api/login"))
        .header("origin", "https://support.example.com")
        .form(&[("username", "silver"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert!(session_cookie(&res).is_some());
}

/// Reads what the server sends until it closes the connection (or `limit` passes).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return None, // still open
            Ok(Ok(0)) | Ok(Err(_)) => return Some(String::from_utf8_lossy(&got).into_owned()),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test]
async fn slow_clients_are_cut_off() {
    let app = spawn_app_with(|c| c.client_timeout = Duration::from_secs(1)).await;

    // Headers that never finish: the connection is closed.
    let mut slow = TcpStream::connect(app.addr).await.unwrap();
    slow.write_all(b"GET /login HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut slow, Duration::from_secs(10)).await;
    let answer = answer.expect("a client that never finishes its headers is disconnected");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );

    // A body that stalls half-way: 408, and nothing was stored.
    let login = app.login(&app.client(), "silver", PASSWORD).await;
    let cookie = session_cookie(&login).unwrap();
    let mut slow = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/submit_ticket HTTP/1.1\r\nHost: {}\r\nCookie: {name}={cookie}\r\n\
         Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 100000\r\n\r\n\
         --XYZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nStalled",
        app.addr,
        name = app::ssr::auth::SESSION_COOKIE,
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    let answer = read_until_closed(&mut slow, Duration::from_secs(10))
        .await
        .expect("a stalled upload is cut off");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(app.stored_files().is_empty());

    // Meanwhile everyone else is served normally.
    let res = app.page(&app.client(), "/login").await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn sigterm_finishes_requests_in_flight_and_tells_sockets_to_reconnect() {
    let (app, stop, handle) = spawn_stoppable(|_| {}).await;
    let login = app.login(&app.client(), "silver", PASSWORD).await;
    let cookie = session_cookie(&login).unwrap();
    let silver = app.logged_in("silver").await;

    // A chat socket that is open when the server stops.
    let res = silver
        .post(app.url("/api/start_chat"))
        .form(&[
            ("name", "Silver"),
            ("email", "silver@example.com"),
            ("question", "My order page is blank after I pay"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let chat_id = match res.json::<app::domain::ChatStart>().await.unwrap() {
        app::domain::ChatStart::Started { id } => id,
        other => panic!("{other:?}"),
    };
    let mut req = format!("ws://{}/chats/{chat_id}/socket", app.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "cookie",
        format!("{}={cookie}", app::ssr::auth::SESSION_COOKIE)
            .parse()
            .unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();

    // An upload whose body is still arriving when the signal comes.
    let (tx, rx) = futures::channel::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let boundary = "BOUNDARY";
    let first = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nSent during shutdown\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nen\r\n"
    );
    let rest = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n\
         The body finished after the server was told to stop.\r\n--{boundary}--\r\n"
    );
    let upload = tokio::spawn({
        let silver = silver.clone();
        let url = app.url("/api/submit_ticket");
        async move {
            silver
                .post(url)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(reqwest::Body::wrap_stream(rx))
                .send()
                .await
        }
    });
    let mut tx = tx;
    use futures::SinkExt;
    tx.send(Ok(first.into_bytes())).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    stop.send(()).unwrap();
    // The socket is told the server is restarting (1012) so the page reconnects elsewhere.
    let close = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(msg) = ws.next().await {
            if let Ok(Message::Close(frame)) = msg {
                return frame;
            }
        }
        None
    })
    .await
    .expect("close frame within 5 s")
    .expect("a close frame with a code");
    assert_eq!(close.code, CloseCode::Restart);
    assert!(close.reason.contains("reconnect"), "{}", close.reason);

    // New connections are no longer accepted, but the upload in flight completes.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(TcpStream::connect(app.addr).await.is_err());
    tx.send(Ok(rest.into_bytes())).await.unwrap();
    drop(tx);
    let res = upload.await.unwrap().expect("in-flight request answered");
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let id: i64 = res.json().await.unwrap();
    let title: String = sqlx::query_scalar("select title from tickets where id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(title, "Sent during shutdown");
    tokio::time::timeout(Duration::from_secs(10), handle)
        .await
        .expect("server stopped")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn sqlite_writes_wait_out_a_lock_instead_of_failing() {
    if backend_is_postgres() {
        eprintln!("skipped: SQLite only");
        return;
    }
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    // Another process-like connection takes the write lock for a second.
    use sqlx::{Connection, Executor};
    let path = app.database_url.trim_start_matches("sqlite://");
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
        .await
        .unwrap();
    other.execute("begin immediate").await.unwrap();
    let writes = (0..10).map(|n| {
        let silver = silver.clone();
        let app = &app;
        async move {
            app.call(
                &silver,
                "submit_ticket",
                &[
                    ("title", &format!("While locked {n}")),
                    ("language", "en"),
                    (
                        "description",
                        "Submitted while another writer held the lock.",
                    ),
                ],
            )
            .await
            .status()
            .as_u16()
        }
    });
    let release = async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        other.execute("commit").await.unwrap();
    };
    let (statuses, ()) = tokio::join!(futures::future::join_all(writes), release);
    assert_eq!(statuses, vec![200; 10]);
}

#[tokio::test]
async fn postgres_outage_gives_a_clean_503_and_the_app_recovers_by_itself() {
    if !backend_is_postgres() {
        eprintln!("skipped: needs TEST_DATABASE=postgres");
        return;
    }
    let (app, relay) = spawn_app_behind_relay().await;
    let silver = app.logged_in("silver").await;
    assert_eq!(app.page(&silver, "/").await.status(), 200);

    relay.set_up(false);
    // Let the relay drop the connections the pool holds.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let page = app.page(&silver, "/").await;
    let status = page.status();
    let html = page.text().await.unwrap();
    assert_eq!(status, 503, "{}", &html[html.find("<main").unwrap_or(0)..]);
    assert!(html.contains("try again"), "{html}");
    let res = app.call(&silver, "get_ticket", &[("id", "1")]).await;
    assert_eq!(res.status(), 503);
    assert_eq!(app_error(res).await, AppError::Unavailable);
    let res = app
        .client()
        .post(app.url("/api/login"))
        .form(&[("username", "gold"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    let health = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 503);
    eprintln!(
        "four requests during the outage took {:?}",
        started.elapsed()
    );

    relay.set_up(true);
    let mut recovered = false;
    for _ in 0..40 {
        if app.page(&silver, "/").await.status() == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        recovered,
        "the app did not recover once the database was back"
    );
    let res = app.call(&silver, "my_tickets", &[]).await;
    assert_eq!(res.status(), 200);
}

/// Unmounts the test's small file system when the test ends.
struct Mounted(std::path::PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn a_full_attachment_disk_gives_a_clear_error_and_keeps_nothing_half_stored() {
    let dir = std::env::temp_dir().join(format!("desk-full-{:x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&dir)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!("skipped: mounting a 1 MB tmpfs for the attachments needs root");
        return;
    }
    let _mounted = Mounted(dir.clone());
    let app = spawn_app_with(|c| c.attachments_dir = dir.clone()).await;
    let silver = app.logged_in("silver").await;
    let submit = |file: Vec<u8>, title: &'static str| {
        let silver = silver.clone();
        let app = &app;
        async move {
            app.upload(
                &silver,
                "submit_ticket",
                &[
                    ("title", title),
                    ("language", "en"),
                    ("description", "A screenshot of the error page."),
                ],
                &[("screen.png", file)],
            )
            .await
        }
    };
    let tickets = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from tickets")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    assert_eq!(submit(png_bytes(), "Fits on the disk").await.status(), 200);
    let before = (
        tickets().await,
        app.state.db.attachments().count().await.unwrap(),
    );

    // 1.5 MB does not fit in what is left of 1 MB.
    let mut big = png_bytes();
    big.extend((0..1_500_000u64).map(|i| (i * 7919 % 251) as u8));
    let res = submit(big, "Does not fit").await;
    assert_eq!(res.status(), 507);
    assert_eq!(app_error(res).await, AppError::StorageFull);
    assert_eq!(
        (
            tickets().await,
            app.state.db.attachments().count().await.unwrap()
        ),
        before,
        "a refused submission stored something"
    );
    let staged: Vec<_> = std::fs::read_dir(dir.join("tmp")).unwrap().collect();
    assert!(staged.is_empty(), "half-written files left: {staged:?}");

    // The half-written file was removed, so the room it took is back.
    let mut small = png_bytes();
    small.extend_from_slice(b"another one");
    assert_eq!(submit(small, "Fits again").await.status(), 200);
}
