//! Spawns the real server (real router, real database) on a random port for one test.
//! `TEST_DATABASE=postgres` runs the same tests against a fresh PostgreSQL database each.
#![allow(dead_code)]

mod binary;
mod events;
mod mail;
mod push;
mod sockets;
mod tickets;

pub use binary::*;
pub use events::*;
pub use mail::*;
pub use push::*;
pub use sockets::*;
pub use tickets::*;

use std::net::SocketAddr;

use app::domain::{Role, Tier};
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
    /// Where this test's attachments are stored.
    pub files_dir: std::path::PathBuf,
    _dir: tempdir::TempDirGuard,
    _stop: Option<tokio::sync::oneshot::Sender<()>>,
}

pub mod tempdir {
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

/// A fresh database, and a temporary folder for its attachments (and, on SQLite, the file).
pub async fn fresh_database() -> (String, tempdir::TempDirGuard) {
    let id: u64 = rand::random();
    let dir = std::env::temp_dir().join(format!("desk-test-{id:x}"));
    std::fs::create_dir_all(&dir).unwrap();
    let guard = tempdir::TempDirGuard(dir.clone());
    if backend_is_postgres() {
        let admin = std::env::var("TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let url = app::ssr::db::create_postgres_database(&admin, &format!("desk_t_{id:x}"))
            .await
            .expect("PostgreSQL reachable, test database created");
        (url, guard)
    } else {
        (format!("sqlite://{}/desk.db", dir.display()), guard)
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let (mut app, stop, _) = spawn_stoppable(tweak).await;
    // Serves until the test ends (dropping the sender would stop it).
    app._stop = Some(stop);
    app
}

/// A server that stops (gracefully) when the returned sender fires; the handle ends with it.
/// A server on a database with nobody in it (not even the tests' people).
pub async fn spawn_app_empty() -> TestApp {
    let (mut app, stop, _) = spawn_with_people(|_| {}, false).await;
    app._stop = Some(stop);
    app
}

pub async fn spawn_stoppable(
    tweak: impl FnOnce(&mut Config),
) -> (
    TestApp,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    spawn_with_people(tweak, true).await
}

async fn spawn_with_people(
    tweak: impl FnOnce(&mut Config),
    people: bool,
) -> (
    TestApp,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let (database_url, dir) = fresh_database().await;
    let files_dir = dir.0.join("attachments");
    let mut config = Config {
        database_url: database_url.clone(),
        attachments_dir: files_dir.clone(),
        ..Config::default()
    };
    tweak(&mut config);
    let demo = config.demo_seed;
    let options = LeptosOptions::builder()
        .output_name("desk")
        .site_root("target/site")
        .build();
    let state = server::make_state(config, options).await.expect("state");
    // The people tests act as are the tests' own; only tests of the demo data ask for it.
    if people && !demo {
        add_people(&state).await;
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(server::serve(state.clone(), listener, async move {
        let _ = stopped.await;
    }));
    let app = TestApp {
        addr,
        database_url,
        state,
        files_dir,
        _dir: dir,
        _stop: None,
    };
    (app, stop, handle)
}

impl TestApp {
    /// The id of a person, by username, through the app's own user repository.
    pub async fn user_id(&self, username: &str) -> i64 {
        let name = app::domain::Username::parse(username).unwrap();
        let record = self.state.db.users().by_username(&name).await.unwrap();
        record.expect("a known user").user.id
    }

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

    /// A page's HTML, loaded as a browser does.
    pub async fn html(&self, client: &Client, path: &str) -> String {
        self.page(client, path).await.text().await.unwrap()
    }

    /// Calls a server function with form arguments (multipart for the upload endpoints).
    pub async fn call(&self, client: &Client, endpoint: &str, args: &[(&str, &str)]) -> Response {
        let path = format!("/api/{endpoint}");
        if app::api::MULTIPART_ENDPOINTS.contains(&path.as_str()) {
            return self.upload(client, endpoint, args, &[]).await;
        }
        client
            .post(self.url(&path))
            .form(args)
            .send()
            .await
            .unwrap()
    }

    /// Posts a multipart form with files `(file name, bytes)` in the `files` field.
    pub async fn upload(
        &self,
        client: &Client,
        endpoint: &str,
        args: &[(&str, &str)],
        files: &[(&str, Vec<u8>)],
    ) -> Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .multipart(multipart(args, files))
            .send()
            .await
            .unwrap()
    }

    /// Every file under the attachments folder (staged ones included).
    pub fn stored_files(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.files_dir, &mut out);
        out
    }
}

pub fn multipart(args: &[(&str, &str)], files: &[(&str, Vec<u8>)]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in args {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in files {
        let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string());
        form = form.part("files", part);
    }
    form
}

/// A real 1x1 PNG (valid signature, IHDR, IDAT, IEND).
pub fn png_bytes() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15,
        0xc4, 0x89, 0, 0, 0, 13, b'I', b'D', b'A', b'T', 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
        0x1f, 0, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0, 0, 0, 0, b'I', b'E', b'N',
        b'D', 0xae, 0x42, 0x60, 0x82,
    ]);
    v
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
        .find(|v| v.starts_with(&format!("{}=", app::ssr::auth::SESSION_COOKIE)))
        .map(|v| {
            v.split(';')
                .next()
                .unwrap()
                .trim_start_matches(&format!("{}=", app::ssr::auth::SESSION_COOKIE))
                .to_string()
        })
}

/// An app whose PostgreSQL connections all go through a [`Relay`] the test can cut.
pub async fn spawn_app_behind_relay() -> (TestApp, Relay) {
    let relay = Relay::start("127.0.0.1:5432".parse().unwrap()).await;
    let port = relay.port;
    let app = spawn_app_with(move |c| {
        c.database_url = c.database_url.replace(":5432/", &format!(":{port}/"));
        assert!(c.database_url.contains(&format!(":{port}/")));
        // Load tests send far more than one person may.
        c.uploads_per_minute = 1_000_000;
    })
    .await;
    (app, relay)
}

/// A TCP relay between the app and PostgreSQL that the test can cut and restore.
pub struct Relay {
    pub port: u16,
    up: tokio::sync::watch::Sender<bool>,
}

impl Relay {
    pub async fn start(target: std::net::SocketAddr) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (up, up_rx) = tokio::sync::watch::channel(true);
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let mut up_rx = up_rx.clone();
                if !*up_rx.borrow() {
                    continue; // dropped: the database "is down"
                }
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = up_rx.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Relay { port, up }
    }

    pub fn set_up(&self, up: bool) {
        self.up.send_replace(up);
    }
}

/// The people most tests sign in as (password [`PASSWORD`]): one member at the gate, one above
/// it, one below it, an agent and an admin.
pub const PEOPLE: [(&str, &str, Option<&str>, Tier, Role); 5] = [
    (
        "silver",
        "Sofía Silva",
        Some("1000001"),
        Tier::Silver,
        Role::Member,
    ),
    (
        "diamond",
        "Dmitri Diaz",
        Some("1000002"),
        Tier::Diamond,
        Role::Member,
    ),
    (
        "manager",
        "Mona Manning",
        Some("1000003"),
        Tier::Manager,
        Role::Member,
    ),
    ("agent", "Alex Agent", None, Tier::Silver, Role::Agent),
    ("admin", "Ada Admin", None, Tier::Silver, Role::Admin),
];

/// Into an empty database only: a second instance on the same database finds them there.
async fn add_people(state: &app::ssr::AppState) {
    if state.db.users().count().await.unwrap() > 0 {
        return;
    }
    let hash = password_hash().await;
    let users: Vec<_> = PEOPLE
        .iter()
        .map(|(username, name, number, tier, role)| {
            new_user(username, name, *number, *tier, *role, hash)
        })
        .collect();
    state
        .db
        .users()
        .insert_all(&users, app::ssr::db::now_ms())
        .await
        .unwrap();
}

/// [`PASSWORD`] hashed once for every account tests make (each argon2 hash takes a moment).
async fn password_hash() -> &'static str {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async {
        app::ssr::passwords::hash(PASSWORD.to_string())
            .await
            .unwrap()
    })
    .await
}

fn new_user(
    username: &str,
    name: &str,
    number: Option<&str>,
    tier: Tier,
    role: Role,
    hash: &str,
) -> app::ssr::db::NewUser {
    use app::domain::{DisplayName, Email, MemberNumber, Username};
    app::ssr::db::NewUser {
        username: Username::parse(username).unwrap(),
        display_name: DisplayName::parse(name).unwrap(),
        email: Email::parse(&format!("{username}@test.example.com")).unwrap(),
        member_number: number.map(|n| MemberNumber::parse(n).unwrap()),
        tier,
        role,
        password_hash: hash.to_string(),
    }
}

impl TestApp {
    /// Adds an account of this test's own (password [`PASSWORD`]), for tests that need more
    /// people than the demo has.
    pub async fn add_user(&self, username: &str, tier: Tier, role: Role) {
        let name = format!("Test {username}");
        let user = new_user(username, &name, None, tier, role, password_hash().await);
        self.state
            .db
            .users()
            .insert_all(&[user], app::ssr::db::now_ms())
            .await
            .unwrap();
    }

    /// A client whose connections come from another loopback address (another "machine").
    pub fn client_from(&self, ip: &str) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .local_address(ip.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap()
    }
}

/// Waits until the server process at `addr` (`host:port`) answers its health check; fails the
/// test after `limit`.
pub async fn wait_until_healthy(addr: &str, limit: std::time::Duration) {
    let probe = Client::new();
    let deadline = std::time::Instant::now() + limit;
    loop {
        let up = probe
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200);
        if up {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "server {addr} did not come up"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
