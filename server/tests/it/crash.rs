//! The long reliability runs (`make reliability`, ignored by `make test`): the real server
//! binary killed with SIGKILL in the middle of 1,000 concurrent submissions, and PostgreSQL
//! cut off under load. `TEST_DATABASE=postgres` runs them on PostgreSQL.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;
use sha2::{Digest, Sha256};

/// The server binary cargo built for these tests, on its own port, database and folder.
async fn start_server(database_url: &str, files: &Path) -> Binary {
    let mut cmd = server_command();
    cmd.env("DATABASE_URL", database_url)
        .env("APP_ATTACHMENTS_DIR", files)
        .env("APP_DEMO", "1")
        // Many submissions from one member: past the per-person rate on purpose.
        .env("APP_UPLOADS_PER_MINUTE", "1000000")
        .env("RUST_LOG", "warn");
    start_binary(cmd, Duration::from_secs(30)).await
}

async fn login(addr: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = client
        .post(format!("http://{addr}/api/login"))
        .form(&[("username", "silver"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "login: {}", res.status());
    client
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
#[ignore = "long run: make reliability"]
async fn sigkill_during_a_thousand_submissions_loses_no_acknowledged_ticket() {
    let (database_url, dir) = fresh_database().await;
    let files = dir.0.join("attachments");
    let server = start_server(&database_url, &files).await;
    let client = login(server.addr()).await;
    let shared = b"Browser: Chrome 131 on Android 14\n".to_vec();

    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..1000u32 {
        let client = client.clone();
        let url = server.url("/api/submit_ticket");
        let shared = shared.clone();
        let done_tx = done_tx.clone();
        tasks.spawn(async move {
            let mut own = png_bytes();
            own.extend_from_slice(&n.to_be_bytes());
            let title = format!("Crash run issue {n}");
            let form = multipart(
                &[
                    ("title", title.as_str()),
                    ("language", "en"),
                    (
                        "description",
                        "Submitted while the server is about to be killed.",
                    ),
                ],
                &[("own.png", own), ("shared.txt", shared)],
            );
            let outcome = match client.post(url).multipart(form).send().await {
                Ok(res) if res.status() == 200 => res.json::<i64>().await.ok(),
                _ => None,
            };
            let _ = done_tx.send(());
            (n, title, outcome)
        });
    }
    drop(done_tx);
    // Kill it part-way: after a tenth of the answers have come back.
    let mut answered = 0;
    while answered < 100 && done_rx.recv().await.is_some() {
        answered += 1;
    }
    let mut server = server;
    server.child.start_kill().expect("SIGKILL");
    server.child.wait().await.unwrap();
    let results = tasks.join_all().await;
    let acknowledged: Vec<(u32, String, i64)> = results
        .iter()
        .filter_map(|(n, title, id)| id.map(|id| (*n, title.clone(), id)))
        .collect();
    eprintln!(
        "{} of 1000 submissions acknowledged before SIGKILL, {} cut off",
        acknowledged.len(),
        1000 - acknowledged.len()
    );
    assert!(!acknowledged.is_empty() && acknowledged.len() < 1000);

    // Restart: start-up recovery finishes or drops what was staged.
    let server = start_server(&database_url, &files).await;
    let db = app::ssr::db::Db::connect(&database_url).await.unwrap();
    for (n, title, id) in &acknowledged {
        let stored: Option<String> = sqlx::query_scalar("select title from tickets where id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await
            .unwrap();
        assert_eq!(
            stored.as_deref(),
            Some(title.as_str()),
            "ticket {id} (#{n})"
        );
        let rows: Vec<(String,)> =
            sqlx::query_as("select sha256 from attachments where ticket_id = $1")
                .bind(id)
                .fetch_all(&db.pool)
                .await
                .unwrap();
        assert_eq!(rows.len(), 2, "ticket {id} has its two files");
    }
    // Nothing half-written anywhere: every ticket has its opening event, every file row its
    // bytes (with the right hash), every stored file a row, and nothing is left staged.
    let without_event: i64 = sqlx::query_scalar(
        "select count(*) from tickets t where not exists \
         (select 1 from ticket_events e where e.ticket_id = t.id)",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(without_event, 0);
    let referenced: HashSet<String> = sqlx::query_scalar::<_, String>(
        "select sha256 from attachments union select sha256 from chat_attachments",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    for sha in &referenced {
        let path = files.join(&sha[..2]).join(sha);
        let bytes = std::fs::read(&path).unwrap_or_else(|_| panic!("missing file {sha}"));
        assert_eq!(&hex(&Sha256::digest(&bytes)), sha);
    }
    let stored = files_under(&files);
    let staged: Vec<_> = stored
        .iter()
        .filter(|p| p.starts_with(files.join("tmp")))
        .collect();
    assert!(staged.is_empty(), "left staged: {staged:?}");
    for path in &stored {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(referenced.contains(&name), "orphan file {}", path.display());
    }
    let total: i64 =
        sqlx::query_scalar("select count(*) from tickets where title like 'Crash run%'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    eprintln!(
        "after restart: {total} crash-run tickets stored (acknowledged {}), {} files, none staged, none orphaned",
        acknowledged.len(),
        stored.len()
    );
    // The restarted server serves the acknowledged tickets.
    let client = login(server.addr()).await;
    let (_, _, id) = acknowledged[acknowledged.len() / 2];
    let res = client
        .post(server.url("/api/get_ticket"))
        .form(&[("id", id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
#[ignore = "long run: make reliability"]
async fn postgres_cut_off_under_load_gives_only_503s_and_recovers() {
    if !backend_is_postgres() {
        eprintln!("skipped: needs TEST_DATABASE=postgres");
        return;
    }
    let (app, relay) = spawn_app_behind_relay().await;
    let silver = app.logged_in("silver").await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let silver = silver.clone();
        let url = app.url("/");
        let stop = stop.clone();
        workers.spawn(async move {
            let mut seen = std::collections::BTreeMap::<u16, u32>::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let status = match silver.get(&url).header("accept", "text/html").send().await {
                    Ok(res) => res.status().as_u16(),
                    Err(_) => 0,
                };
                *seen.entry(status).or_default() += 1;
            }
            seen
        });
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    relay.set_up(false);
    tokio::time::sleep(Duration::from_secs(5)).await;
    relay.set_up(true);
    let back = Instant::now();
    let mut recovered = None;
    while back.elapsed() < Duration::from_secs(20) {
        if app.page(&silver, "/").await.status() == 200 {
            recovered = Some(back.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut seen = std::collections::BTreeMap::<u16, u32>::new();
    for part in workers.join_all().await {
        for (status, n) in part {
            *seen.entry(status).or_default() += n;
        }
    }
    eprintln!("statuses during 2 s up, 5 s down, back up: {seen:?}; recovered after {recovered:?}");
    assert!(recovered.is_some(), "did not recover");
    assert!(seen.keys().all(|s| *s == 200 || *s == 503), "{seen:?}");
    assert!(
        seen.get(&503).is_some_and(|n| *n > 0),
        "the outage was not seen: {seen:?}"
    );
    let health = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}
