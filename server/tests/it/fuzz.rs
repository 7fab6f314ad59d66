//! Random bodies against every registered server function, as nobody, a member, a Manager-tier
//! member and an agent: the answer is always a clear 4xx or a success, never a 5xx, and the
//! server stays up. Deterministic: `FUZZ_SEED` picks the run, `FUZZ_CASES` how many bodies per
//! endpoint and person (`make reliability` runs many more than `make test`).

use crate::common::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Field names the server functions take, plus some they do not.
const FIELDS: &[&str] = &[
    "id",
    "title",
    "description",
    "language",
    "body",
    "text",
    "question",
    "name",
    "email",
    "member_id",
    "status",
    "tier",
    "search",
    "after",
    "chat_id",
    "ticket_id",
    "online",
    "username",
    "password",
    "reason",
    "files",
    "page",
    "x",
    "",
];

fn random_text(rng: &mut StdRng) -> String {
    match rng.gen_range(0..10) {
        0 => String::new(),
        1 => "<script>alert(1)</script>".into(),
        2 => rng.gen::<i64>().to_string(),
        3 => "99999999999999999999999999".into(),
        4 => "-1".into(),
        5 => "x".repeat(rng.gen_range(1..200_000)),
        6 => "Ñandú 日本語 🙂 \u{202e}".repeat(rng.gen_range(1..50)),
        7 => "\0\u{1}\u{7f}".into(),
        8 => {
            ["true", "false", "null", "[]", "{}", "open", "en", "Gold"][rng.gen_range(0..8)].into()
        }
        _ => (0..rng.gen_range(1..40))
            .map(|_| rng.gen_range(b' '..=b'~') as char)
            .collect(),
    }
}

fn random_bytes(rng: &mut StdRng) -> Vec<u8> {
    let n = rng.gen_range(0..4096);
    let mut v: Vec<u8> = (0..n).map(|_| rng.gen()).collect();
    if rng.gen_bool(0.3) {
        // A real signature in front of garbage.
        let mut with = png_bytes()[..8].to_vec();
        with.append(&mut v);
        v = with;
    }
    v
}

enum Body {
    Form(Vec<(String, String)>),
    Multipart(Vec<(String, String)>, Vec<(String, Vec<u8>)>),
    Raw(Option<&'static str>, Vec<u8>),
}

fn random_body(rng: &mut StdRng) -> Body {
    let fields = |rng: &mut StdRng| {
        (0..rng.gen_range(0..6))
            .map(|_| {
                let name = FIELDS[rng.gen_range(0..FIELDS.len())].to_string();
                (name, random_text(rng))
            })
            .collect::<Vec<_>>()
    };
    match rng.gen_range(0..3) {
        0 => Body::Form(fields(rng)),
        1 => {
            let f = fields(rng);
            let files = (0..rng.gen_range(0..3))
                .map(|_| (random_text(rng), random_bytes(rng)))
                .collect();
            Body::Multipart(f, files)
        }
        _ => {
            let types = [
                None,
                Some("application/x-www-form-urlencoded"),
                Some("application/json"),
                Some("multipart/form-data"),
                Some("multipart/form-data; boundary=zzz"),
                Some("text/plain"),
            ];
            Body::Raw(types[rng.gen_range(0..types.len())], random_bytes(rng))
        }
    }
}

fn describe(body: &Body) -> String {
    let short = |s: &str| s.chars().take(40).collect::<String>();
    match body {
        Body::Form(f) => format!(
            "form {:?}",
            f.iter()
                .map(|(k, v)| (k.clone(), short(v)))
                .collect::<Vec<_>>()
        ),
        Body::Multipart(f, files) => format!(
            "multipart {:?} + {} files",
            f.iter()
                .map(|(k, v)| (k.clone(), short(v)))
                .collect::<Vec<_>>(),
            files.len()
        ),
        Body::Raw(ct, b) => format!("raw {ct:?} {} bytes", b.len()),
    }
}

#[tokio::test]
async fn random_bodies_never_get_a_5xx_from_any_server_function() {
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261126);
    let cases: usize = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let mut rng = StdRng::seed_from_u64(seed);
    let app = spawn_app().await;
    let mut endpoints: Vec<&str> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    endpoints.sort();
    // Logging out would end the session the next cases run with.
    endpoints.retain(|p| *p != "/api/logout");
    assert!(endpoints.len() >= 20, "{endpoints:?}");
    let people = [
        ("nobody", app.client()),
        ("silver", app.logged_in("silver").await),
        ("manager", app.logged_in("manager").await),
        ("agent", app.logged_in("agent").await),
    ];
    let mut tried = 0;
    for endpoint in &endpoints {
        for (who, client) in &people {
            for _ in 0..cases {
                let body = random_body(&mut rng);
                let what = describe(&body);
                let req = client.post(app.url(endpoint));
                let req = match body {
                    Body::Form(f) => req.form(&f),
                    Body::Multipart(f, files) => {
                        let mut form = reqwest::multipart::Form::new();
                        for (k, v) in f {
                            form = form.text(k, v);
                        }
                        for (name, bytes) in files {
                            form = form.part(
                                "files",
                                reqwest::multipart::Part::bytes(bytes).file_name(name),
                            );
                        }
                        req.multipart(form)
                    }
                    Body::Raw(ct, bytes) => {
                        let req = req.body(bytes);
                        match ct {
                            Some(ct) => req.header("content-type", ct),
                            None => req,
                        }
                    }
                };
                let res = req.send().await.unwrap_or_else(|e| {
                    panic!("seed {seed}: {endpoint} as {who} with {what}: no answer: {e}")
                });
                let status = res.status().as_u16();
                assert!(
                    status < 500,
                    "seed {seed}: {endpoint} as {who} with {what}: {status} {}",
                    res.text().await.unwrap_or_default()
                );
                tried += 1;
            }
        }
    }
    eprintln!(
        "seed {seed}: {tried} random requests over {} server functions, no 5xx",
        endpoints.len()
    );
    let health = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}
