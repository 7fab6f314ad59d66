//! Chat at scale on one instance (SQLite, then PostgreSQL), the release server in its own
//! process: what each member socket costs it at 10,000, how many it holds (50,000 wanted), how
//! fast a message goes from a member's socket to the agent's at 2,000 messages/s, and how fast
//! the waiting members hear that the queue moved.
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use app::domain::{ClientFrame, ServerFrame};
use futures::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::{login, rss_kib_of, start_desk_process, DeskProcess};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// A loopback source address for each new client socket, in turn. One source address to one
/// server port gives at most the ephemeral port range (about 28,000 here); 127.0.0.0/8 is all
/// loopback, so 127.0.0.2, .3, ... each bring a range of their own.
fn next_source() -> SocketAddr {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed) % 16;
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2 + n as u8)), 0)
}

/// The open-files limit of a process, from `/proc/<pid>/limits` (soft limit).
pub fn open_files_limit(pid: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/limits"))
        .ok()?
        .lines()
        .find(|l| l.starts_with("Max open files"))?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()
}

/// Inserts `n` chats for `member` with the given status (and agent), returns their ids.
async fn insert_chats(
    desk: &DeskProcess,
    member: i64,
    agent: Option<i64>,
    status: &str,
    n: usize,
) -> Vec<i64> {
    let mut ids = Vec::with_capacity(n);
    let now = app::ssr::db::now_ms();
    // A member has one open chat at a time (a partial unique index). The bench holds thousands
    // of sockets from one signed-in member (logging in thousands would measure argon2 instead),
    // so its throwaway database drops that rule.
    sqlx::query("drop index if exists chats_one_open_per_member")
        .execute(&desk.db.pool)
        .await
        .unwrap();
    let mut tx = desk.db.pool.begin().await.unwrap();
    for i in 0..n {
        let id: i64 = sqlx::query_scalar(
            "insert into chats (member_id, display_name, member_number, email, question, language, \
             status, agent_id, created_at, accepted_at) \
             values ($1, 'Bench Member', '5550001', 'bench@example.com', 'My order page is blank', \
             'en', $2, $3, $4, $5) returning id",
        )
        .bind(member)
        .bind(status)
        .bind(agent)
        .bind(now + i as i64)
        .bind(agent.map(|_| now))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    ids
}

async fn open(desk: &DeskProcess, cookie: &str, chat: i64) -> Option<Ws> {
    let mut req = format!("ws://{}/chats/{chat}/socket", desk.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    let tcp = tokio::net::TcpSocket::new_v4().ok()?;
    tcp.bind(next_source()).ok()?;
    let stream = tcp.connect(desk.addr).await.ok()?;
    stream.set_nodelay(true).ok()?;
    let (mut ws, _) =
        tokio_tungstenite::client_async(req, tokio_tungstenite::MaybeTlsStream::Plain(stream))
            .await
            .ok()?;
    let resume = serde_json::to_string(&ClientFrame::Resume { after: 0 }).unwrap();
    ws.send(Message::Text(resume.into())).await.ok()?;
    // Held once the server has answered with the chat's state.
    loop {
        match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                if matches!(
                    serde_json::from_str(t.as_str()),
                    Ok(ServerFrame::State { .. })
                ) {
                    return Some(ws);
                }
            }
            Ok(Some(Ok(_))) => {}
            _ => return None,
        }
    }
}

async fn user_id(desk: &DeskProcess, username: &str) -> i64 {
    sqlx::query_scalar("select id from users where username = $1")
        .bind(username)
        .fetch_one(&desk.db.pool)
        .await
        .unwrap()
}

/// Opens member sockets on `chats`, 200 at a time, onto `held`; stops at the first batch that
/// could not all be opened (a limit was reached).
async fn open_more(desk: &DeskProcess, cookie: &str, chats: &[i64], held: &mut Vec<Ws>) -> bool {
    for batch in chats.chunks(200) {
        let opened =
            futures::future::join_all(batch.iter().map(|id| open(desk, cookie, *id))).await;
        let ok: Vec<Ws> = opened.into_iter().flatten().collect();
        let full = ok.len() < batch.len();
        held.extend(ok);
        if full {
            return false;
        }
    }
    true
}

pub async fn run(backend: &str) {
    let desk = start_desk_process(backend).await;
    crate::add_member(&desk.db, "bench").await;
    let member = user_id(&desk, "bench").await;
    let agent = user_id(&desk, "agent").await;
    let (_, member_cookie) = login(desk.addr, "bench", crate::PASSWORD).await;
    let (agent_http, agent_cookie) = login(desk.addr, "agent", app::ssr::seed::DEMO_PASSWORD).await;
    println!("\n### Chat, one instance, {backend}\n");

    // 1. Memory: member sockets on active chats, opened 200 at a time, measured at 10,000;
    // then capacity: on towards 50,000 until a limit stops it.
    let measured_at = env_count("BENCH_SOCKETS", 10_000);
    let capacity = env_count("BENCH_SOCKETS_MAX", 50_000).max(measured_at);
    let chats = insert_chats(&desk, member, Some(agent), "active", capacity).await;
    let (before, before_here) = (desk.rss_kib(), rss_kib_of("/proc/self/status"));
    let started = Instant::now();
    let mut held = Vec::with_capacity(capacity);
    open_more(&desk, &member_cookie, &chats[..measured_at], &mut held).await;
    let (after, after_here) = (desk.rss_kib(), rss_kib_of("/proc/self/status"));
    let per = |grew: u64, sockets: usize| grew as f64 / sockets.max(1) as f64;
    println!(
        "- Member sockets held: {} of {} tried (opened in {:.1} s); server memory grew {:.1} MiB, \
         {:.1} KiB per socket (server alone: {:.1} MiB resident in all; the client side grew \
         {:.1} KiB per socket).",
        held.len(),
        measured_at,
        started.elapsed().as_secs_f64(),
        after.saturating_sub(before) as f64 / 1024.0,
        per(after.saturating_sub(before), held.len()),
        after as f64 / 1024.0,
        per(after_here.saturating_sub(before_here), held.len()),
    );
    if held.len() == measured_at && capacity > measured_at {
        // Read now: at the limit the harness has no descriptor left to open /proc with.
        let limits = format!(
            "open-files limit: server {}, harness {}",
            desk.open_files_limit()
                .map_or("unknown".into(), |n| n.to_string()),
            open_files_limit("self").map_or("unknown".into(), |n| n.to_string()),
        );
        let started = Instant::now();
        open_more(&desk, &member_cookie, &chats[measured_at..], &mut held).await;
        let opened = held.len();
        // A few closed again so the harness can read the server's memory.
        held.truncate(opened.saturating_sub(16));
        let after = desk.rss_kib();
        println!(
            "- Capacity: {} of {} member sockets held at once ({} more opened in {:.1} s); \
             server {:.1} MiB resident, {:.1} KiB per socket over the start ({limits}).",
            opened,
            capacity,
            opened - measured_at,
            started.elapsed().as_secs_f64(),
            after as f64 / 1024.0,
            per(after.saturating_sub(before), held.len()),
        );
    }
    drop(held);
    // The server tears down 10,000 sockets: delivery is measured once that is done.
    tokio::time::sleep(Duration::from_secs(5)).await;

    // 2. Delivery: 50 chats, member → agent, 2,000 messages/s in all, in rounds
    // (BENCH_CHAT_ROUNDS, default 3) on fresh chats: on 2 cores shared with the database, one
    // round's tail moves with whatever else the machine does (a checkpoint, say), so every
    // round is printed and the median round read.
    let rounds = env_count("BENCH_CHAT_ROUNDS", 3).max(1);
    let mut p99s = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        p99s.push(delivery(&desk, member, agent, &member_cookie, &agent_cookie).await);
    }
    if rounds > 1 {
        let listed: Vec<String> = p99s.iter().map(|p| format!("{p:.2}")).collect();
        println!(
            "- Delivery p99, round by round: {} ms; median **{:.2} ms**.",
            listed.join(", "),
            *crate::median_by(&p99s, |p| *p)
        );
    }

    // 3. Queue moves: 100 queued chats with open sockets; the agent accepts the first; time until
    // every other member's socket shows its new position.
    let queued = insert_chats(&desk, member, None, "queued", 100).await;
    let mut sockets = Vec::new();
    for id in &queued[1..] {
        sockets.push(
            open(&desk, &member_cookie, *id)
                .await
                .expect("queued socket"),
        );
    }
    let t0 = Instant::now();
    let res = agent_http
        .post(format!("http://{}/api/accept_chat", desk.addr))
        .form(&[("id", queued[0].to_string())])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "accept: {}", res.status());
    let waits = futures::future::join_all(sockets.iter_mut().map(|ws| async move {
        while let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_secs(10), ws.next()).await
        {
            if let Message::Text(t) = msg {
                // A state frame with queue details is the position update.
                if let Ok(ServerFrame::State { queue: Some(_), .. }) =
                    serde_json::from_str(t.as_str())
                {
                    return Some(t0.elapsed());
                }
            }
        }
        None
    }))
    .await;
    let mut got: Vec<Duration> = waits.into_iter().flatten().collect();
    got.sort();
    if got.is_empty() {
        println!("- Queue moves: no waiting socket heard the move within 10 s.");
    } else {
        println!(
            "- Queue moves: 99 waiting members; {} heard their new position, median after {:.1} ms, last after {:.1} ms.",
            got.len(),
            got[got.len() / 2].as_secs_f64() * 1000.0,
            got[got.len() - 1].as_secs_f64() * 1000.0
        );
    }
}

/// One delivery round on 50 fresh chats, printed; returns its p99 in ms.
async fn delivery(
    desk: &DeskProcess,
    member: i64,
    agent: i64,
    member_cookie: &str,
    agent_cookie: &str,
) -> f64 {
    let pairs = 50usize;
    // Another rate (BENCH_CHAT_RATE) tells load from stalls when the tail is long.
    let rate = env_count("BENCH_CHAT_RATE", 2000) as f64;
    let secs = crate::seconds();
    let chats = insert_chats(desk, member, Some(agent), "active", pairs).await;
    let epoch = Instant::now();
    let mut receivers = Vec::new();
    let mut senders = Vec::new();
    for id in &chats {
        let agent_ws = open(desk, agent_cookie, *id).await.expect("agent socket");
        let member_ws = open(desk, member_cookie, *id).await.expect("member socket");
        receivers.push(agent_ws);
        senders.push(member_ws);
    }
    let recv_tasks: Vec<_> = receivers
        .into_iter()
        .map(|mut ws| {
            tokio::spawn(async move {
                let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
                let deadline = Instant::now() + crate::seconds() + Duration::from_secs(5);
                while let Ok(Some(Ok(msg))) =
                    tokio::time::timeout_at(deadline.into(), ws.next()).await
                {
                    if let Message::Text(t) = msg {
                        if let Ok(ServerFrame::Messages { messages }) =
                            serde_json::from_str(t.as_str())
                        {
                            for m in messages {
                                if let Some(sent) = m
                                    .body
                                    .strip_prefix("t=")
                                    .and_then(|v| v.parse::<u64>().ok())
                                {
                                    let now = epoch.elapsed().as_micros() as u64;
                                    hist.record(now.saturating_sub(sent).max(1)).unwrap();
                                }
                            }
                        }
                    }
                }
                hist
            })
        })
        .collect();
    let per_socket = Duration::from_secs_f64(pairs as f64 / rate);
    let send_tasks: Vec<_> = senders
        .into_iter()
        .enumerate()
        .map(|(i, mut ws)| {
            tokio::spawn(async move {
                let start = Instant::now() + per_socket.mul_f64(i as f64 / pairs as f64);
                let mut due = start;
                let mut tally = Tally::default();
                while due < start + secs {
                    tokio::time::sleep_until(due.into()).await;
                    let body = format!("t={}", epoch.elapsed().as_micros());
                    let frame = ClientFrame::Send {
                        body,
                        client_ref: format!("{i}-{}", tally.sent),
                    };
                    if ws
                        .send(Message::Text(serde_json::to_string(&frame).unwrap().into()))
                        .await
                        .is_err()
                    {
                        break;
                    }
                    tally.sent += 1;
                    due += per_socket;
                    // Drain acks so the socket's buffer does not fill.
                    while let Ok(Some(Ok(msg))) =
                        tokio::time::timeout(Duration::from_millis(0), ws.next()).await
                    {
                        tally.count(&msg);
                    }
                }
                // The last acks.
                while tally.acked + tally.refused < tally.sent {
                    match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
                        Ok(Some(Ok(msg))) => tally.count(&msg),
                        _ => break,
                    }
                }
                tally
            })
        })
        .collect();
    let mut tally = Tally::default();
    for t in send_tasks {
        let t = t.await.unwrap();
        tally.sent += t.sent;
        tally.acked += t.acked;
        tally.refused += t.refused;
    }
    let mut all = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
    for t in recv_tasks {
        all.add(t.await.unwrap()).unwrap();
    }
    println!(
        "- Delivery member → agent, {pairs} chats, {rate:.0} messages/s offered for {} s: {} sent, \
         {} stored (acknowledged), {} refused, {} delivered ({:.0}/s); latency p50 {:.2} ms, \
         p99 {:.2} ms, max {:.2} ms (stored before delivery).",
        secs.as_secs(),
        tally.sent,
        tally.acked,
        tally.refused,
        all.len(),
        all.len() as f64 / secs.as_secs_f64(),
        all.value_at_quantile(0.5) as f64 / 1000.0,
        all.value_at_quantile(0.99) as f64 / 1000.0,
        all.max() as f64 / 1000.0
    );
    all.value_at_quantile(0.99) as f64 / 1000.0
}

/// One sender's messages: sent, acknowledged as stored, refused with an error frame.
#[derive(Default)]
struct Tally {
    sent: u64,
    acked: u64,
    refused: u64,
}

impl Tally {
    fn count(&mut self, msg: &Message) {
        if let Message::Text(t) = msg {
            match serde_json::from_str(t.as_str()) {
                Ok(ServerFrame::Ack { .. }) => self.acked += 1,
                Ok(ServerFrame::Error { message, .. }) => {
                    if self.refused == 0 {
                        eprintln!("chat bench: a message was refused: {message}");
                    }
                    self.refused += 1;
                }
                _ => {}
            }
        }
    }
}
