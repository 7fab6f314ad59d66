//! Spawns the real server (real router, real database) on a random port for one test.
//! `TEST_DATABASE=postgres` runs the same tests against a fresh PostgreSQL database each.
#![allow(dead_code)]

use std::net::SocketAddr;

use app::error::AppError;
use app::ssr::Config;
use leptos::config::LeptosOptions;
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use tokio::net::TcpListener;

pub const PASSWORD: &str = "demo-password";

pub struct TestApp {
    pub addr: SocketAddr,
    pub database_url: String,
    pub state: app::ssr::AppState,
    _dir: Option<tempdir::TempDirGuard>,
}

mod tempdir {
    /// Removes the test's SQLite folder when the test ends.
    pub struct TempDirGuard(pub std::path::PathBuf);
    impl Drop for TempDirGuard {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub fn backend_is_postgres() -> bool {
    std::env::var("TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

async fn fresh_database() -> (String, Option<tempdir::TempDirGuard>) {
    let id: u64 = rand::random();
    if backend_is_postgres() {
        let admin = std::env::var("TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("desk_t_{id:x}");
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .expect("PostgreSQL reachable");
        sqlx::query(&format!("create database {name}"))
            .execute(&mut conn)
            .await
            .expect("create db");
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        (format!("{base}/{name}"), None)
    } else {
        let dir = std::env::temp_dir().join(format!("desk-test-{id:x}"));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/desk.db", dir.display());
        (url, Some(tempdir::TempDirGuard(dir)))
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let (database_url, dir) = fresh_database().await;
    let mut config = Config {
        database_url: database_url.clone(),
        ..Config::default()
    };
    tweak(&mut config);
    let options = LeptosOptions::builder()
        .output_name("desk")
        .site_root("target/site")
        .build();
    let state = server::make_state(config, options).await.expect("state");
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serve_state = state.clone();
    tokio::spawn(async move {
        server::serve(serve_state, listener, std::future::pending())
            .await
            .unwrap();
    });
    TestApp {
        addr,
        database_url,
        state,
        _dir: dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    pub async fn login(&self, client: &Client, username: &str, password: &str) -> Response {
        client
            .post(self.url("/api/login"))
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// Logs in and checks that it worked.
    pub async fn logged_in(&self, username: &str) -> Client {
        let client = self.client();
        let res = self.login(&client, username, PASSWORD).await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "login {username}: {}",
            res.status()
        );
        client
    }

    /// Loads a page as a browser does (asking for HTML).
    pub async fn page(&self, client: &Client, path: &str) -> Response {
        client
            .get(self.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap()
    }

    /// Calls a server function with form arguments.
    pub async fn call(&self, client: &Client, endpoint: &str, args: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .form(args)
            .send()
            .await
            .unwrap()
    }
}

/// Decodes the typed error a server function sent.
pub async fn app_error(res: Response) -> AppError {
    let body = res.text().await.unwrap();
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not an AppError ({e}): {body}"))
}

pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("desk_session="))
        .map(|v| {
            v.split(';')
                .next()
                .unwrap()
                .trim_start_matches("desk_session=")
                .to_string()
        })
}
