//! The load tool: HTTP/1.1 keep-alive connections on hyper, latencies in an HDR histogram.
//! Two shapes: closed loop (each connection sends its next request when the last answer is
//! in: finds the saturation rate) and fixed rate (requests leave on a schedule; latency counts
//! from the scheduled moment, so a stalled server is not hidden by fewer requests being sent).
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::Request;
use hyper_util::rt::TokioIo;

/// What one request looks like; every connection sends the same one.
#[derive(Clone)]
pub struct Target {
    pub addr: SocketAddr,
    pub path: String,
    pub cookie: Option<String>,
}

pub struct Figures {
    pub requests: u64,
    pub errors: u64,
    pub seconds: f64,
    pub latency_us: Histogram<u64>,
}

impl Figures {
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
    pub fn p50_ms(&self) -> f64 {
        self.latency_us.value_at_quantile(0.50) as f64 / 1000.0
    }
    pub fn p99_ms(&self) -> f64 {
        self.latency_us.value_at_quantile(0.99) as f64 / 1000.0
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Sender {
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    tcp.set_nodelay(true).ok();
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    sender
}

/// One GET; `Ok` only for a 2xx answer whose whole body was read.
async fn get(sender: &mut Sender, target: &Target) -> Result<(), ()> {
    let mut req = Request::get(&target.path)
        .header("host", target.addr.to_string())
        .header("accept", "text/html");
    if let Some(c) = &target.cookie {
        req = req.header("cookie", c);
    }
    let req = req.body(Full::new(Bytes::new())).unwrap();
    sender.ready().await.map_err(|_| ())?;
    let res = sender.send_request(req).await.map_err(|_| ())?;
    let ok = res.status().is_success();
    res.into_body().collect().await.map_err(|_| ())?;
    if ok {
        Ok(())
    } else {
        Err(())
    }
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).unwrap()
}

/// `connections` connections, each sending back to back for `duration`.
pub async fn closed_loop(target: &Target, connections: usize, duration: Duration) -> Figures {
    let start = Instant::now();
    let end = start + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let target = target.clone();
        tasks.spawn(async move {
            let mut sender = connect(target.addr).await;
            let (mut hist, mut errors) = (histogram(), 0u64);
            while Instant::now() < end {
                let t = Instant::now();
                match get(&mut sender, &target).await {
                    Ok(()) => hist.record(t.elapsed().as_micros().max(1) as u64).unwrap(),
                    Err(()) => {
                        errors += 1;
                        sender = connect(target.addr).await;
                    }
                }
            }
            (hist, errors)
        });
    }
    collect(tasks, start).await
}

/// `rate` requests per second in all, spread over `connections` connections, for `duration`.
pub async fn fixed_rate(
    target: &Target,
    connections: usize,
    rate: f64,
    duration: Duration,
) -> Figures {
    let start = Instant::now();
    let per_conn = Duration::from_secs_f64(connections as f64 / rate);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..connections {
        let target = target.clone();
        tasks.spawn(async move {
            let mut sender = connect(target.addr).await;
            let (mut hist, mut errors) = (histogram(), 0u64);
            // Stagger the connections so the requests do not leave in bursts.
            let first = start + per_conn.mul_f64(i as f64 / connections as f64);
            let mut due = first;
            while due < start + duration {
                tokio::time::sleep_until(due.into()).await;
                match get(&mut sender, &target).await {
                    Ok(()) => hist
                        .record(due.elapsed().as_micros().max(1) as u64)
                        .unwrap(),
                    Err(()) => {
                        errors += 1;
                        sender = connect(target.addr).await;
                    }
                }
                due += per_conn;
            }
            (hist, errors)
        });
    }
    collect(tasks, start).await
}

async fn collect(tasks: tokio::task::JoinSet<(Histogram<u64>, u64)>, start: Instant) -> Figures {
    let mut all = histogram();
    let mut errors = 0;
    for (hist, e) in tasks.join_all().await {
        all.add(hist).unwrap();
        errors += e;
    }
    Figures {
        requests: all.len(),
        errors,
        seconds: start.elapsed().as_secs_f64(),
        latency_us: all,
    }
}

/// Runs `make_request` back to back on `workers` tasks for `duration` (for requests hyper's
/// plain GET does not cover: multipart uploads, logins).
pub async fn closed_loop_with<F, Fut>(
    workers: usize,
    duration: Duration,
    make_request: F,
) -> Figures
where
    F: Fn(usize, u64) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let start = Instant::now();
    let end = start + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..workers {
        let make_request = make_request.clone();
        tasks.spawn(async move {
            let (mut hist, mut errors, mut n) = (histogram(), 0u64, 0u64);
            while Instant::now() < end {
                let t = Instant::now();
                if make_request(w, n).await {
                    hist.record(t.elapsed().as_micros().max(1) as u64).unwrap();
                } else {
                    errors += 1;
                }
                n += 1;
            }
            (hist, errors)
        });
    }
    collect(tasks, start).await
}
