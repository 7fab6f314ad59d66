//! Health, compression, caching and the admin CLI, against the real server and binary.

use crate::common::*;

#[tokio::test]
async fn healthz_reports_database_ok() {
    let app = spawn_app().await;
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn pages_are_compressed() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    for enc in ["br", "gzip"] {
        let res = client
            .get(app.url("/login"))
            .header("accept-encoding", enc)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-encoding"], enc);
    }
}

#[tokio::test]
async fn every_page_links_its_stylesheet_and_module_under_the_built_names() {
    let app = spawn_app().await;
    let html = reqwest::get(app.url("/login"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let opts = &app.state.leptos_options;
    let css = format!(
        r#"<link id="leptos" rel="stylesheet" href="/{}/{}"#,
        opts.site_pkg_dir, opts.output_name
    );
    assert_eq!(html.matches(&css).count(), 1, "{html}");
    assert!(html.contains(&format!(
        "import('/{}/{}",
        opts.site_pkg_dir, opts.output_name
    )));
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let app = spawn_app().await;
    let res = app.page(&app.client(), "/no/such/page").await;
    assert_eq!(res.status(), 404);
}

fn run_cli(app: &TestApp, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("APP_DEMO", "0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

const HEADER: &str = "username,display_name,email,member_number,tier,role,password,password_hash\n";

#[tokio::test]
async fn csv_import_with_a_bad_row_writes_nothing() {
    let app = spawn_app().await;
    let before = app.state.db.users().count().await.unwrap();
    let dir = std::env::temp_dir().join(format!("desk-csv-{:x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("members.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}ana,Ana Pérez,ana@example.com,2000001,Gold,member,long-enough-pw,\n\
             bea,Bea,bea@example.com,2000002,Bronze,member,long-enough-pw,\n\
             cai,Cai,cai@example.com,2000003,Silver,member,long-enough-pw,\n"
        ),
    )
    .unwrap();
    let out = run_cli(&app, &["members", "import", file.to_str().unwrap()], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("line 3") && stderr.contains("tier"),
        "{stderr}"
    );
    assert_eq!(
        app.state.db.users().count().await.unwrap(),
        before,
        "a partial import was written"
    );

    // The same file without the bad row goes in whole, and the new member can log in.
    std::fs::write(
        &file,
        format!(
            "{HEADER}ana,Ana Pérez,ana@example.com,2000001,Gold,member,long-enough-pw,\n\
             cai,Cai,cai@example.com,2000003,Silver,member,long-enough-pw,\n"
        ),
    )
    .unwrap();
    let out = run_cli(&app, &["members", "import", file.to_str().unwrap()], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(app.state.db.users().count().await.unwrap(), before + 2);
    let client = app.client();
    let res = app.login(&client, "ana", "long-enough-pw").await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );

    // Importing again refuses the taken usernames and writes nothing.
    let out = run_cli(&app, &["members", "import", file.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn members_add_reads_the_password_from_stdin() {
    let app = spawn_app().await;
    let out = run_cli(
        &app,
        &[
            "members",
            "add",
            "--username",
            "Zoe",
            "--name",
            "Zoe Z",
            "--email",
            "zoe@example.com",
            "--tier",
            "platinum",
        ],
        Some("a-long-password\n"),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let client = app.client();
    let res = app.login(&client, "zoe", "a-long-password").await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let bad = run_cli(
        &app,
        &[
            "members",
            "add",
            "--username",
            "x",
            "--name",
            "X",
            "--email",
            "nope",
            "--tier",
            "gold",
            "--password",
            "long-enough-pw",
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(1));
}

#[tokio::test]
async fn the_service_worker_is_served_fresh_and_never_caches_member_data() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/sw.js")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let script = res.text().await.unwrap();
    assert!(script.contains("desk-shell-"));
    assert!(!script.contains("__VERSION__"), "version stamped");
    // Only the offline page, static files and hashed /pkg assets are ever put in the cache.
    assert!(script.contains(r#"const OFFLINE_URL = "/offline";"#));
    // The one request to the API it makes is handing the desk a renewed push subscription,
    // a POST (never cached).
    let handover = r#"fetch("/api/push_subscribe", { method: "POST""#;
    assert_eq!(script.matches("/api/").count(), 1);
    assert_eq!(script.matches(handover).count(), 1);
    let offline = app.page(&app.client(), "/offline").await;
    assert_eq!(offline.status(), 200);
    assert!(offline.text().await.unwrap().contains("You are offline"));
}
