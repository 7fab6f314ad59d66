//! The tests' own push service: a real HTTP server on this machine that takes what the desk
//! posts to a device's endpoint, answers as a push service would (201, or a status a test
//! scripts: 410, 503), and opens each message as the browser would: it checks the VAPID
//! signature (RFC 8292) and decrypts the payload (RFC 8291) from the primitives (ECDH, HKDF,
//! AES-GCM), so a mistake in the desk's encryption cannot be mirrored in the check.
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aes_gcm::aead::{Aead, KeyInit};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use p256::ecdsa::signature::Verifier;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::Value;
use sha2::Sha256;

use super::*;

/// One request the desk made to a device's endpoint, and what the service answered.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub device: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub answered: u16,
}

#[derive(Default)]
struct Inner {
    deliveries: Vec<Delivery>,
    /// Per device: statuses to answer before the default 201.
    scripted: HashMap<String, VecDeque<u16>>,
}

#[derive(Clone)]
pub struct PushService {
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
}

/// A browser's side of one subscription: its keys, which only it (here: the test) holds.
pub struct Device {
    pub id: String,
    pub endpoint: String,
    secret: p256::SecretKey,
    pub p256dh: String,
    auth: [u8; 16],
    pub auth_b64: String,
}

async fn take(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path(device): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut inner = inner.lock().unwrap();
    let answered = inner
        .scripted
        .get_mut(&device)
        .and_then(|q| q.pop_front())
        .unwrap_or(201);
    inner.deliveries.push(Delivery {
        device,
        headers,
        body: body.to_vec(),
        answered,
    });
    StatusCode::from_u16(answered).unwrap()
}

impl PushService {
    pub async fn start() -> PushService {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let router = axum::Router::new()
            .route("/push/{device}", axum::routing::post(take))
            .with_state(inner.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        PushService { addr, inner }
    }

    pub fn device(&self) -> Device {
        let id = format!("d{:016x}", rand::random::<u64>());
        let secret = loop {
            if let Ok(key) = p256::SecretKey::from_slice(&rand::random::<[u8; 32]>()) {
                break key;
            }
        };
        let public = secret.public_key().to_encoded_point(false);
        let auth: [u8; 16] = rand::random();
        Device {
            endpoint: format!("http://{}/push/{id}", self.addr),
            id,
            p256dh: B64.encode(public.as_bytes()),
            secret,
            auth,
            auth_b64: B64.encode(auth),
        }
    }

    /// The next answers to `device` (then 201 again).
    pub fn script(&self, device: &Device, statuses: &[u16]) {
        self.inner
            .lock()
            .unwrap()
            .scripted
            .insert(device.id.clone(), statuses.iter().copied().collect());
    }

    pub fn deliveries(&self, device: &Device) -> Vec<Delivery> {
        let inner = self.inner.lock().unwrap();
        inner
            .deliveries
            .iter()
            .filter(|d| d.device == device.id)
            .cloned()
            .collect()
    }

    /// Waits (up to 20 s) for `n` requests to `device`.
    pub async fn wait_for(&self, device: &Device, n: usize) -> Vec<Delivery> {
        for _ in 0..200 {
            let got = self.deliveries(device);
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "device {} got {} pushes, not {n}",
            device.id,
            self.deliveries(device).len()
        );
    }
}

impl Device {
    /// Turns push on for this device as `client`'s browser would.
    pub async fn subscribe(&self, app: &TestApp, client: &Client) -> Response {
        app.call(
            client,
            "push_subscribe",
            &[
                ("endpoint", &self.endpoint),
                ("p256dh", &self.p256dh),
                ("auth", &self.auth_b64),
                ("label", "Chrome · Android"),
            ],
        )
        .await
    }

    /// Checks a delivery as a push service and a browser would, and returns its JSON:
    /// signed by `server_key` (VAPID) for this endpoint's origin, encrypted for this device.
    pub fn open(&self, delivery: &Delivery, server_key: &str) -> Value {
        let h = |name: &str| {
            delivery
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(h("content-encoding"), "aes128gcm");
        assert!(h("ttl").parse::<u64>().unwrap() >= 60, "TTL: {}", h("ttl"));
        check_vapid(&h("authorization"), server_key, &self.endpoint);
        let plain = decrypt(&delivery.body, &self.secret, &self.auth);
        serde_json::from_slice(&plain).expect("the payload is JSON")
    }
}

/// RFC 8292: `vapid t=<JWT>, k=<public key>`; the key is the desk's, the ES256 signature
/// checks with it, the audience is the push service's origin, it expires within a day, and it
/// names a contact.
pub fn check_vapid(header: &str, server_key: &str, endpoint: &str) {
    let rest = header
        .strip_prefix("vapid ")
        .expect("a vapid Authorization");
    let mut t = "";
    let mut k = "";
    for part in rest.split(',').map(str::trim) {
        if let Some(v) = part.strip_prefix("t=") {
            t = v;
        } else if let Some(v) = part.strip_prefix("k=") {
            k = v;
        }
    }
    assert_eq!(
        k, server_key,
        "signed with the key browsers subscribed with"
    );
    let (signed, sig) = t.rsplit_once('.').expect("a JWT");
    let (head, claims) = signed.split_once('.').expect("a JWT");
    let head: Value = serde_json::from_slice(&B64.decode(head).unwrap()).unwrap();
    assert_eq!(head["alg"], "ES256");
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&B64.decode(k).unwrap()).unwrap();
    let sig = p256::ecdsa::Signature::from_slice(&B64.decode(sig).unwrap()).unwrap();
    key.verify(signed.as_bytes(), &sig)
        .expect("the VAPID signature checks");
    let claims: Value = serde_json::from_slice(&B64.decode(claims).unwrap()).unwrap();
    let url = reqwest::Url::parse(endpoint).unwrap();
    // The origin of the push resource. web-push-native writes it without the port, which is
    // what a real push service (always on 443) sees; this service's port is a test's.
    let origin = format!("{}://{}", url.scheme(), url.host_str().unwrap());
    assert_eq!(claims["aud"], origin.as_str());
    let exp = claims["exp"].as_i64().unwrap();
    let now = (app::ssr::db::now_ms() / 1000) as i64;
    assert!(
        exp > now && exp <= now + 24 * 3600,
        "exp within a day: {exp}"
    );
    assert!(claims["sub"].as_str().unwrap().starts_with("mailto:"));
}

/// RFC 8291 with the aes128gcm coding of RFC 8188, for one record.
pub fn decrypt(body: &[u8], ua_secret: &p256::SecretKey, auth: &[u8; 16]) -> Vec<u8> {
    let salt = &body[..16];
    let record_size = u32::from_be_bytes(body[16..20].try_into().unwrap()) as usize;
    let id_len = body[20] as usize;
    let as_public_bytes = &body[21..21 + id_len];
    let ciphertext = &body[21 + id_len..];
    assert!(ciphertext.len() <= record_size, "a single record");
    let as_public = p256::PublicKey::from_sec1_bytes(as_public_bytes).expect("keyid: a P-256 key");
    let shared = p256::ecdh::diffie_hellman(ua_secret.to_nonzero_scalar(), as_public.as_affine());
    let ua_public = ua_secret.public_key().to_encoded_point(false);
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(ua_public.as_bytes());
    key_info.extend_from_slice(as_public_bytes);
    let mut ikm = [0u8; 32];
    hkdf::Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes())
        .expand(&key_info, &mut ikm)
        .unwrap();
    let prk = hkdf::Hkdf::<Sha256>::new(Some(salt), &ikm);
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .unwrap();
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .unwrap();
    let padded = aes_gcm::Aes128Gcm::new(&cek.into())
        .decrypt(&nonce.into(), ciphertext)
        .expect("the payload decrypts with the device's keys");
    // The last record ends with the delimiter 2, then zero padding.
    let end = padded.iter().rposition(|&b| b != 0).expect("a delimiter");
    assert_eq!(padded[end], 2, "last-record delimiter");
    padded[..end].to_vec()
}

/// A test app that posts pushes to this machine's push services (only), soon and often.
pub fn push_config(c: &mut Config) {
    c.push_services = vec!["127.0.0.1".into()];
    c.mail_poll = Duration::from_millis(200);
    c.mail_retry = Duration::from_secs(1);
}

/// The desk's VAPID public key, as the notifications page gives it to browsers.
pub async fn server_key(app: &TestApp, client: &Client) -> String {
    let res = app.call(client, "get_notifications", &[]).await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    v["push_key"].as_str().expect("push is on").to_string()
}
