//! Probes an attacker would try: forged error text in page URLs, a foreign `Host` (DNS
//! rebinding), secrets and member text in the logs, what the server says about demo accounts.

use std::time::Duration;

use app::domain::Invalid;
use app::error::AppError;
use base64::Engine;

use crate::common::*;

/// The chat form's URL carrying an error the way Leptos' no-JavaScript form redirect does.
fn forged_error_url(text: &str) -> String {
    let err = AppError::validation("question", Invalid::malformed(text));
    let json = serde_json::to_string(&err).unwrap();
    let b64 = base64::engine::general_purpose::URL_SAFE.encode(json);
    format!("/chat?__path=/api/start_chat&__err={b64}")
}

#[tokio::test]
async fn a_link_with_forged_error_text_does_not_show_it() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let bait = "Your account is suspended, call 555-0100";
    let url = forged_error_url(bait);
    // Followed from another site (or typed): the error is dropped.
    for site in [Some("cross-site"), Some("none"), None] {
        let mut req = silver.get(app.url(&url)).header("accept", "text/html");
        if let Some(site) = site {
            req = req.header("sec-fetch-site", site);
        }
        let res = req.send().await.unwrap();
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        let body = res.text().await.unwrap();
        assert!(!body.contains(bait), "{site:?}: forged text shown");
        if let Some(location) = location {
            assert!(!location.contains("__err"), "{location}");
        }
    }
    // Our own redirect after a plain form post (same origin) still shows its error.
    let res = silver
        .get(app.url(&url))
        .header("accept", "text/html")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains(bait));
}

#[tokio::test]
async fn a_request_for_another_host_is_refused() {
    let app = spawn_app().await;
    let client = app.client();
    for host in [
        "evil.example",
        "evil.example:3000",
        "127.0.0.1.evil.example",
    ] {
        let res = client
            .get(app.url("/login"))
            .header("host", host)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 421, "{host}");
    }
    // Our own names still work.
    for host in [
        format!("{}", app.addr),
        format!("localhost:{}", app.addr.port()),
    ] {
        let res = client
            .get(app.url("/login"))
            .header("host", &host)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{host}");
    }
}

#[tokio::test]
async fn a_configured_public_name_is_accepted_and_others_refused() {
    let app = spawn_app_with(|c| c.public_url = Some("https://support.example.com".into())).await;
    let client = app.client();
    let ok = client
        .get(app.url("/login"))
        .header("host", "support.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let no = client
        .get(app.url("/login"))
        .header("host", "other.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(no.status(), 421);
}

/// Runs the real binary with `envs`, lets `probe` talk to it, stops it and returns what it
/// printed (stdout + stderr). `None` for `addr` when it exits by itself before listening.
async fn run_binary<F, Fut>(envs: &[(&str, String)], probe: F) -> String
where
    F: FnOnce(Option<String>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut cmd = server_command();
    cmd.env_remove("APP_DEMO").env("RUST_LOG", "info");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let server = start_binary(cmd, Duration::from_secs(30)).await;
    probe(server.addr.clone()).await;
    server.stop().await
}

fn temp_sqlite() -> (String, TempDir) {
    let dir = std::env::temp_dir().join(format!("desk-bin-{:x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    (format!("sqlite://{}/desk.db", dir.display()), TempDir(dir))
}

struct TempDir(std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn request_logs_carry_no_member_text() {
    let (url, dir) = temp_sqlite();
    let files = dir.0.join("files").display().to_string();
    let secret = "MySecretQuestionText";
    let out = run_binary(
        &[("DATABASE_URL", url), ("APP_ATTACHMENTS_DIR", files)],
        |addr| async move {
            let addr = addr.expect("server up");
            let client = reqwest::Client::new();
            for path in [
                format!("/chat?question={secret}"),
                format!("/api/get_chat?id=1&q={secret}"),
                format!("/login?{secret}=1"),
            ] {
                let _ = client.get(format!("http://{addr}{path}")).send().await;
            }
        },
    )
    .await;
    assert!(out.contains("/chat"), "the request was logged: {out}");
    assert!(!out.contains(secret), "member text in the logs: {out}");
}

#[tokio::test]
async fn database_passwords_never_reach_the_logs() {
    for url in [
        "mysql://desk:Hunter2Secret@127.0.0.1:1/desk",
        "postgres://desk:Hunter2Secret@127.0.0.1:1/desk",
    ] {
        let out = run_binary(&[("DATABASE_URL", url.to_string())], |addr| async move {
            assert!(addr.is_none(), "no database, no server");
        })
        .await;
        assert!(out.contains("database"), "{out}");
        assert!(!out.contains("Hunter2Secret"), "{url}: {out}");
    }
}

#[tokio::test]
async fn the_server_says_on_start_whether_demo_accounts_exist() {
    let (url, dir) = temp_sqlite();
    let files = dir.0.join("files").display().to_string();
    let out = run_binary(
        &[
            ("DATABASE_URL", url.clone()),
            ("APP_ATTACHMENTS_DIR", files.clone()),
        ],
        |addr| async move {
            let addr = addr.expect("server up");
            let res = reqwest::Client::new()
                .post(format!("http://{addr}/api/login"))
                .form(&[("username", "admin"), ("password", PASSWORD)])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 401, "no demo admin without APP_DEMO");
        },
    )
    .await;
    assert!(out.contains("No demo accounts"), "{out}");
    assert!(!out.contains("Demo logins"), "{out}");
    let out = run_binary(
        &[
            ("DATABASE_URL", url),
            ("APP_ATTACHMENTS_DIR", files),
            ("APP_DEMO", "1".into()),
        ],
        |addr| async move {
            assert!(addr.is_some());
        },
    )
    .await;
    assert!(out.contains("Demo logins"), "{out}");
}

#[tokio::test]
async fn files_are_stored_and_served_under_a_name_that_matches_their_type() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let text = b"Error 0x80070005 at checkout\n".to_vec();
    let cases = [
        ("invoice.html", text.clone(), "invoice.txt"),
        ("run.bat", text.clone(), "run.txt"),
        ("setup.ps1", text.clone(), "setup.txt"),
        ("shortcut.url", text.clone(), "shortcut.txt"),
        ("notes.txt", text.clone(), "notes.txt"),
        ("screen.html", png_bytes(), "screen.png"),
        ("photo", png_bytes(), "photo.png"),
    ];
    for (sent, bytes, stored) in cases {
        let res = app
            .upload(
                &silver,
                "submit_ticket",
                &[
                    ("title", "A file with a name"),
                    ("language", "en"),
                    ("description", "The order page shows an error after login."),
                ],
                &[(sent, bytes)],
            )
            .await;
        assert_eq!(res.status(), 200, "{sent}");
        let id: i64 = res.json().await.unwrap();
        let d = detail(&app, &silver, id).await;
        let file = &d.attachments[0];
        assert_eq!(file.file_name, stored, "{sent}");
        let res = agent.get(app.url(&file.url())).send().await.unwrap();
        let disposition = res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            disposition.contains(&format!("filename=\"{stored}\"")),
            "{disposition}"
        );
    }
}

#[tokio::test]
async fn the_error_filter_redirects_only_to_our_own_pages_and_reads_encoded_names() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    // A path that starts with two slashes must not become a link to another site.
    let res = silver
        .get(app.url("//evil.example/?__err=eA&__path=/api/start_chat"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    if let Some(location) = res.headers().get("location") {
        let location = location.to_str().unwrap();
        assert!(
            location.starts_with('/') && !location.starts_with("//"),
            "{location}"
        );
        assert!(!location.starts_with("/\\"), "{location}");
    }
    // Names written with percent escapes are the same names to Leptos.
    let bait = "Encoded bait, call 555-0199";
    let url = forged_error_url(bait)
        .replace("__path=", "%5F%5Fpath=")
        .replace("__err=", "%5F_err=");
    let res = silver
        .get(app.url(&url))
        .header("accept", "text/html")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    assert!(
        !res.text().await.unwrap().contains(bait),
        "encoded names passed"
    );
    if let Some(location) = location {
        assert!(!location.to_lowercase().contains("err"), "{location}");
    }
}
