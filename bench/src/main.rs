//! `make bench`: starts the desk (release build, in this process, on SQLite and on PostgreSQL
//! when it is reachable) and its two baselines, loads them with the same tool in the same run,
//! and prints a table. `BENCH_SECONDS` sets the length of each measurement (default 10).
mod baseline;
mod chat;
mod load;
mod sizes;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use app::domain::{DisplayName, Email, MemberNumber, Role, Tier, Username};
use app::ssr::db::{Db, NewUser};
use app::ssr::{AppState, Config};
use leptos::config::LeptosOptions;
use load::{Figures, Target};

const PASSWORD: &str = "bench-password";

fn seconds() -> Duration {
    Duration::from_secs(
        std::env::var("BENCH_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(10),
    )
}

/// The desk, served from this process the way the binary serves it.
pub struct Desk {
    pub addr: SocketAddr,
    pub state: AppState,
    _dir: TempDir,
}

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn start_desk(backend: &str, tweak: impl FnOnce(&mut Config)) -> Desk {
    let id: u64 = rand_id();
    let dir = std::env::temp_dir().join(format!("desk-bench-{id:x}"));
    std::fs::create_dir_all(&dir).unwrap();
    let database_url = bench_database(backend, id, &dir).await;
    let mut config = Config {
        database_url,
        attachments_dir: dir.join("attachments"),
        // The harness logs in and chats far more than a member would.
        login_max_failures_per_client: 1_000_000,
        chat_max_per_hour: 1_000_000,
        chat_agent_cap: 1_000_000,
        uploads_per_minute: 1_000_000,
        storage_quota_bytes: u64::MAX / 2,
        max_streams_per_user: 1_000_000,
        chat_messages_per_second: 1_000_000,
        demo_seed: true,
        ..Config::default()
    };
    tweak(&mut config);
    let options = LeptosOptions::builder()
        .output_name("desk")
        .site_root("target/site")
        .build();
    let state = server::make_state(config, options).await.expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::serve(
        state.clone(),
        listener,
        std::future::pending::<()>(),
    ));
    Desk {
        addr,
        state,
        _dir: TempDir(dir),
    }
}

/// A database of the bench's own: a SQLite file in `dir`, or a new PostgreSQL database
/// (`scripts/bench.sh` drops those when it ends).
async fn bench_database(backend: &str, id: u64, dir: &std::path::Path) -> String {
    if backend == "postgres" {
        let admin = std::env::var("TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        app::ssr::db::create_postgres_database(&admin, &format!("desk_t_bench_{id:x}"))
            .await
            .expect("PostgreSQL reachable, bench database created")
    } else {
        format!("sqlite://{}/desk.db", dir.display())
    }
}

/// How many turns each dashboard server gets (`BENCH_ROUNDS`, default 3).
fn bench_rounds() -> usize {
    std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(3)
}

/// The item whose `key` is the median one (for rounds: the median round, so its latencies
/// belong to that same round).
pub(crate) fn median_by<T>(items: &[T], key: impl Fn(&T) -> f64) -> &T {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by(|a, b| key(a).total_cmp(&key(b)));
    sorted[sorted.len() / 2]
}

/// The median round (by req/s), every round's req/s, and the errors of all rounds.
fn summary(rounds: &[Figures]) -> (&Figures, String, u64) {
    let each: Vec<String> = rounds.iter().map(|f| format!("{:.0}", f.rps())).collect();
    let errors = rounds.iter().map(|f| f.errors).sum();
    (median_by(rounds, Figures::rps), each.join(", "), errors)
}

fn rand_id() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    t.as_nanos() as u64 ^ u64::from(std::process::id()) << 32
}

/// The desk as its own process (the release binary, as deployed), so that its memory is
/// measured without the load generator's and the two do not share a runtime. The harness keeps
/// its own connection to the same database to set data up.
pub struct DeskProcess {
    pub addr: SocketAddr,
    pub db: Db,
    child: KillOnDrop,
    _dir: TempDir,
}

impl DeskProcess {
    /// The server process's resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        rss_kib_of(&format!("/proc/{}/status", self.child.0.id()))
    }

    /// The server process's open-files limit.
    pub fn open_files_limit(&self) -> Option<u64> {
        chat::open_files_limit(&self.child.0.id().to_string())
    }
}

/// The server stops with the harness, even when the harness panics.
struct KillOnDrop(std::process::Child);
impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Resident memory from a `/proc/.../status` file, in KiB (0 when unreadable).
pub fn rss_kib_of(status_file: &str) -> u64 {
    std::fs::read_to_string(status_file)
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Starts `target/release/server` (or `BENCH_SERVER_BIN`) with demo accounts, on a SQLite
/// file or a new PostgreSQL database of its own.
pub async fn start_desk_process(backend: &str) -> DeskProcess {
    let bin = std::env::var("BENCH_SERVER_BIN").unwrap_or_else(|_| "target/release/server".into());
    let id = rand_id();
    let dir = TempDir(std::env::temp_dir().join(format!("desk-bench-{id:x}")));
    std::fs::create_dir_all(&dir.0).unwrap();
    let database_url = bench_database(backend, id, &dir.0).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let log = std::fs::File::create(dir.0.join("server.log")).unwrap();
    let child = std::process::Command::new(&bin)
        .env("DATABASE_URL", &database_url)
        .env("APP_LISTEN_ADDR", addr.to_string())
        .env("APP_ATTACHMENTS_DIR", dir.0.join("attachments"))
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_OUTPUT_NAME", "desk")
        // The harness logs in and chats far more than a member would.
        .env("APP_LOGIN_MAX_FAILURES_CLIENT", "1000000")
        .env("APP_CHAT_MAX_PER_HOUR", "1000000")
        .env("APP_CHAT_AGENT_CAP", "1000000")
        .env("APP_DEMO", "1")
        .env("APP_MAX_STREAMS_PER_USER", "1000000")
        // All the bench's chat traffic comes from one member.
        .env("APP_CHAT_MESSAGES_PER_SECOND", "1000000")
        .env("RUST_LOG", "error")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("{bin}: {e} (make bench builds it)"));
    let mut child = KillOnDrop(child);
    // The server migrates the database itself; the harness connects once it answers.
    let health = format!("http://{addr}/healthz");
    let mut up = false;
    for _ in 0..300 {
        if reqwest::get(&health)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        if let Ok(Some(status)) = child.0.try_wait() {
            panic!("{bin} exited: {status}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "{bin} did not become healthy");
    DeskProcess {
        addr,
        db: Db::connect(&database_url).await.expect("bench database"),
        child,
        _dir: dir,
    }
}

/// Adds a Gold member with the password the harness uses.
async fn add_member(db: &Db, username: &str) {
    let hash = app::ssr::passwords::hash_blocking(PASSWORD).unwrap();
    db.users()
        .insert_all(
            &[NewUser {
                username: Username::parse(username).unwrap(),
                display_name: DisplayName::parse("Bench Member").unwrap(),
                email: Email::parse("bench@example.com").unwrap(),
                member_number: Some(MemberNumber::parse("5550001").unwrap()),
                tier: Tier::Gold,
                role: Role::Member,
                password_hash: hash,
            }],
            app::ssr::db::now_ms(),
        )
        .await
        .unwrap();
}

/// A logged-in client and its session cookie.
async fn login(addr: SocketAddr, username: &str, password: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(format!("http://{addr}/api/login"))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{}=", app::ssr::auth::SESSION_COOKIE)))
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_string();
    (client, cookie)
}

fn png_of(size: usize, salt: u64) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    v.extend((0..size as u64).map(|i| (i.wrapping_mul(2654435761) ^ salt) as u8));
    v
}

/// Files a ticket through `url` (the desk's server function or the hand-written handler);
/// `cookie` is sent as a header when the client keeps no cookies of its own.
async fn submit(
    client: &reqwest::Client,
    url: &str,
    cookie: Option<&str>,
    title: &str,
    file: Option<Vec<u8>>,
) -> bool {
    let mut form = reqwest::multipart::Form::new()
        .text("title", title.to_string())
        .text("language", "en")
        .text(
            "description",
            "The order page shows error 5 after I press Pay.",
        );
    if let Some(bytes) = file {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(bytes).file_name("screen.png"),
        );
    }
    let mut req = client.post(url).multipart(form);
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    req.send().await.is_ok_and(|r| r.status() == 200)
}

/// The page a browser gets for `req`.
async fn html(req: reqwest::RequestBuilder) -> String {
    req.header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn row(name: &str, f: &Figures, extra: &str) {
    println!(
        "| {name} | {:.0} | {:.2} | {:.2} | {} | {extra} |",
        f.rps(),
        f.p50_ms(),
        f.p99_ms(),
        f.errors
    );
}

async fn dashboard(backend: &str) {
    let desk = start_desk(backend, |_| {}).await;
    add_member(&desk.state.db, "bench").await;
    let (client, cookie) = login(desk.addr, "bench", PASSWORD).await;
    for n in 0..50 {
        let url = format!("http://{}/api/submit_ticket", desk.addr);
        assert!(submit(&client, &url, None, &format!("Bench issue {n}"), None).await);
    }
    let page = html(client.get(format!("http://{}/", desk.addr))).await;
    assert!(
        page.contains("Bench issue 49"),
        "the dashboard shows the 50 tickets"
    );
    let hand = baseline::serve_hand_written(desk.state.db.clone(), &page).await;
    let bare = baseline::serve_bare(page.clone()).await;
    let hand_page = html(
        reqwest::Client::new()
            .get(format!("http://{hand}/"))
            .header("cookie", &cookie),
    )
    .await;
    assert!(
        hand_page.contains("Bench issue 49"),
        "the baseline shows the same tickets"
    );

    println!("\n### Member dashboard, 50 tickets, {backend} (page {} bytes; hand-written page {} bytes)\n", page.len(), hand_page.len());
    let servers = [
        ("desk (Leptos SSR)", desk.addr),
        ("hand-written axum+sqlx", hand),
        ("bare axum, fixed page", bare),
    ];
    let targets = servers.map(|(_, addr)| Target {
        addr,
        path: "/".into(),
        cookie: Some(cookie.clone()),
    });
    // The machine's speed drifts over a run (the same baseline has moved by a third between
    // runs), so the servers take turns, round after round, and each ratio compares figures
    // taken seconds apart. A short warm-up first fills connection pools and caches.
    for target in &targets {
        load::closed_loop(target, 64, Duration::from_secs(2)).await;
    }
    let mut rounds: [Vec<Figures>; 3] = Default::default();
    for _ in 0..bench_rounds() {
        for (i, target) in targets.iter().enumerate() {
            rounds[i].push(load::closed_loop(target, 64, seconds()).await);
        }
    }
    println!("| server | saturation req/s (64 conns), median of rounds | p50 ms | p99 ms | errors | each round's req/s | at 50% of its median: p50 / p99 ms |");
    println!("|---|---|---|---|---|---|---|");
    for (i, (name, _)) in servers.iter().enumerate() {
        let (sat, each, errors) = summary(&rounds[i]);
        let half = load::fixed_rate(&targets[i], 32, sat.rps() / 2.0, seconds()).await;
        println!(
            "| {name} | {:.0} | {:.2} | {:.2} | {errors} | {each} | {:.2} / {:.2} ({} errors) |",
            sat.rps(),
            sat.p50_ms(),
            sat.p99_ms(),
            half.p50_ms(),
            half.p99_ms(),
            half.errors
        );
    }
    let ratios = |to: usize| -> Vec<f64> {
        rounds[0]
            .iter()
            .zip(&rounds[to])
            .map(|(desk, base)| 100.0 * desk.rps() / base.rps())
            .collect()
    };
    let (to_hand, to_bare) = (ratios(1), ratios(2));
    let listed = |v: &[f64]| {
        v.iter()
            .map(|r| format!("{r:.0}%"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "\nDesk / hand-written, round by round: {}; median **{:.0}%**. Desk / bare: median {:.0}%.",
        listed(&to_hand),
        median_by(&to_hand, |r| *r),
        median_by(&to_bare, |r| *r)
    );

    // Submitting with a 1 MB screenshot, 8 members at once, to the desk and to the
    // hand-written handler in turns (as above).
    let mut members = Vec::new();
    for m in 0..8 {
        add_member(&desk.state.db, &format!("bench{m}")).await;
        members.push(login(desk.addr, &format!("bench{m}"), PASSWORD).await);
    }
    let members = std::sync::Arc::new(members);
    let hand_submit = baseline::serve_hand_written_submit(desk.state.clone()).await;
    let urls = [
        format!("http://{}/api/submit_ticket", desk.addr),
        format!("http://{hand_submit}/submit"),
    ];
    let plain = reqwest::Client::new();
    let mut rounds: [Vec<Figures>; 2] = Default::default();
    for _ in 0..bench_rounds() {
        for (i, url) in urls.iter().enumerate() {
            let (members, url, plain) = (members.clone(), url.clone(), plain.clone());
            let figures = load::closed_loop_with(8, seconds(), move |w, n| {
                let (members, url, plain) = (members.clone(), url.clone(), plain.clone());
                async move {
                    let file = png_of(1024 * 1024, (i as u64) << 48 | (w as u64) << 32 | n);
                    let title = format!("Upload {i}-{w}-{n}");
                    let (client, cookie) = &members[w];
                    // The desk's client keeps its cookie; the hand-written handler gets it as
                    // a header.
                    match i {
                        0 => submit(client, &url, None, &title, Some(file)).await,
                        _ => submit(&plain, &url, Some(cookie), &title, Some(file)).await,
                    }
                }
            })
            .await;
            rounds[i].push(figures);
        }
    }
    println!("\n### Ticket submit with a 1 MB PNG, {backend}\n");
    println!("| server | tickets/s (8 members back to back), median of rounds | p50 ms | p99 ms | errors | each round's tickets/s |");
    println!("|---|---|---|---|---|---|");
    for (i, name) in ["desk (server function)", "hand-written axum multipart"]
        .iter()
        .enumerate()
    {
        let (f, each, errors) = summary(&rounds[i]);
        println!(
            "| {name} | {:.0} | {:.2} | {:.2} | {errors} | {each} |",
            f.rps(),
            f.p50_ms(),
            f.p99_ms(),
        );
    }
    let ratios: Vec<f64> = rounds[0]
        .iter()
        .zip(&rounds[1])
        .map(|(desk, hand)| 100.0 * desk.rps() / hand.rps())
        .collect();
    println!(
        "\nDesk / hand-written, round by round: {}; median **{:.0}%**.",
        ratios
            .iter()
            .map(|r| format!("{r:.0}%"))
            .collect::<Vec<_>>()
            .join(", "),
        median_by(&ratios, |r| *r)
    );
}

async fn logins() {
    let desk = start_desk("sqlite", |_| {}).await;
    add_member(&desk.state.db, "bench").await;
    let addr = desk.addr;
    let figures = load::closed_loop_with(4, seconds(), move |_, _| async move {
        reqwest::Client::new()
            .post(format!("http://{addr}/api/login"))
            .form(&[("username", "bench"), ("password", PASSWORD)])
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    })
    .await;
    let params = argon2::Params::default();
    println!(
        "\n### Login (argon2id m = {} KiB, t = {}, p = {})\n",
        params.m_cost(),
        params.t_cost(),
        params.p_cost()
    );
    println!("| what | logins/s | p50 ms | p99 ms | errors | |");
    println!("|---|---|---|---|---|---|");
    row("4 clients logging in back to back", &figures, "");
}

#[tokio::main]
async fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("# make bench\n\n{cores} cores; each figure measured for {} s; load tool: bench/src/load.rs (hyper, HDR histogram).", seconds().as_secs());
    // The in-process desk renders as the shipped server only when built with the same cfg
    // (scripts/bench.sh sets it).
    if cfg!(erase_components) {
        println!("The desk in this process renders with erased component types, as the shipped server does.");
    } else {
        println!("**Built without `--cfg erase_components`: the in-process desk renders differently from the shipped server.**");
    }
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let wants = |part: &str| only.is_empty() || only.split(',').any(|p| p == part);
    let pg = tokio::net::TcpStream::connect("127.0.0.1:5432")
        .await
        .is_ok();
    if wants("dashboard") {
        dashboard("sqlite").await;
        if pg {
            dashboard("postgres").await;
        } else {
            println!("\n(PostgreSQL not reachable at 127.0.0.1:5432: its figures were skipped)");
        }
    }
    if wants("login") {
        logins().await;
    }
    if wants("chat") {
        chat::run("sqlite").await;
        if pg {
            chat::run("postgres").await;
        }
    }
    if wants("client") {
        sizes::print();
    }
}
