//! Web Push (RFC 8030): the desk's VAPID key (RFC 8292), the check of a subscription a browser
//! hands over, and the encrypted request (RFC 8291) for one device. The sender is in `sender`.
pub mod payload;
pub mod sender;

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair};
use web_push_native::p256;
use web_push_native::WebPushBuilder;

use super::config::Config;
use super::db::{Db, NewSubscription, PushTarget};
use crate::domain::Invalid;
use crate::error::AppError;

/// How long a VAPID signature is valid. Push services refuse more than 24 hours.
const SIGNATURE_VALID: Duration = Duration::from_secs(12 * 3600);
const MAX_ENDPOINT: usize = 1024;
const MAX_LABEL: usize = 80;

/// Cheap to clone; `None` in the state when push is off.
#[derive(Clone)]
pub struct Push {
    inner: Arc<Inner>,
}

struct Inner {
    key: ES256KeyPair,
    /// The public key as browsers take it (`applicationServerKey`): SEC1 uncompressed, base64url.
    public_key: String,
    subject: String,
    services: Vec<String>,
    ttl: Duration,
    client: reqwest::Client,
}

impl std::fmt::Debug for Push {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Push")
            .field("public_key", &self.inner.public_key)
            .field("subject", &self.inner.subject)
            .finish_non_exhaustive()
    }
}

impl Push {
    /// The key comes from `APP_VAPID_PRIVATE_KEY`, or is made once and kept in the database (a
    /// new key would orphan every device's subscription, which is bound to the key). `from` is
    /// the desk's email sender (`Mail::from`), the contact when `APP_VAPID_SUBJECT` is unset.
    pub async fn new(
        db: &Db,
        config: &Config,
        from: &lettre::message::Mailbox,
    ) -> Result<Option<Push>, String> {
        if !config.push_enabled {
            return Ok(None);
        }
        let encoded = match &config.vapid_private_key {
            Some(key) => key.clone(),
            None => super::db::secret(&db.pool, "vapid_private_key", &B64.encode(fresh_scalar()))
                .await
                .map_err(|e| format!("cannot read the push key: {e}"))?,
        };
        let scalar = B64
            .decode(encoded.trim())
            .map_err(|_| "APP_VAPID_PRIVATE_KEY: not base64url".to_string())?;
        let key = ES256KeyPair::from_bytes(&scalar)
            .map_err(|e| format!("APP_VAPID_PRIVATE_KEY: not a P-256 private key ({e})"))?;
        let public_key = B64.encode(key.public_key().public_key().to_bytes_uncompressed());
        let subject = match &config.vapid_subject {
            Some(s) if s.starts_with("mailto:") || s.starts_with("https:") => s.clone(),
            Some(s) => return Err(format!("APP_VAPID_SUBJECT: '{s}' is not mailto: or https:")),
            None => format!("mailto:{}", from.email),
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            // A push service answers; it never sends us elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot make the push HTTP client: {e}"))?;
        Ok(Some(Push {
            inner: Arc::new(Inner {
                key,
                public_key,
                subject,
                services: config.push_services.clone(),
                ttl: config.push_ttl,
                client,
            }),
        }))
    }

    pub fn public_key(&self) -> &str {
        &self.inner.public_key
    }

    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.inner.client
    }

    /// Refuses what no browser sends, and endpoints that are not a known push service's:
    /// https only (plain http only to this machine, for local tests), a listed host.
    pub fn check_subscription(&self, sub: &NewSubscription<'_>) -> Result<(), AppError> {
        let bad = |field: &str, why: &str| AppError::malformed(field, why.to_string());
        if sub.endpoint.len() > MAX_ENDPOINT {
            return Err(bad("endpoint", "is too long"));
        }
        let url = reqwest::Url::parse(sub.endpoint).map_err(|_| bad("endpoint", "not a URL"))?;
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let loopback = matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]");
        let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && loopback);
        let listed = self
            .inner
            .services
            .iter()
            .any(|s| host == *s || host.ends_with(&format!(".{s}")));
        if !scheme_ok || !listed || url.username() != "" || url.password().is_some() {
            return Err(AppError::validation("endpoint", Invalid::NotPushService));
        }
        let key = B64
            .decode(sub.p256dh)
            .map_err(|_| bad("p256dh", "not base64url"))?;
        p256::PublicKey::from_sec1_bytes(&key)
            .map_err(|_| bad("p256dh", "not a P-256 public key"))?;
        match B64.decode(sub.auth) {
            Ok(auth) if auth.len() == 16 => {}
            _ => return Err(bad("auth", "not a 16-byte secret in base64url")),
        }
        if sub.label.chars().count() > MAX_LABEL {
            return Err(AppError::validation(
                "label",
                Invalid::TooLong { max: MAX_LABEL },
            ));
        }
        Ok(())
    }

    /// The encrypted, signed request that delivers `payload` to one device. `topic` lets the
    /// push service keep only the newest of a ticket's notices for a phone that is off;
    /// `urgent` asks it to wake a phone that saves its battery.
    pub fn request(
        &self,
        target: &PushTarget,
        payload: &[u8],
        topic: &str,
        urgent: bool,
    ) -> Result<reqwest::Request, String> {
        let endpoint = target
            .endpoint
            .parse()
            .map_err(|_| "stored endpoint is not a URI".to_string())?;
        let key = B64
            .decode(&target.p256dh)
            .ok()
            .and_then(|k| p256::PublicKey::from_sec1_bytes(&k).ok())
            .ok_or("stored device key is not a P-256 key")?;
        let auth = B64
            .decode(&target.auth)
            .ok()
            .filter(|a| a.len() == 16)
            .ok_or("stored auth secret is not 16 bytes")?;
        let mut request = WebPushBuilder::new(
            endpoint,
            key,
            web_push_native::Auth::clone_from_slice(&auth),
        )
        .with_valid_duration(SIGNATURE_VALID)
        .with_vapid(&self.inner.key, &self.inner.subject)
        .build(payload)
        .map_err(|e| format!("cannot encrypt the push: {e}"))?;
        let headers = request.headers_mut();
        headers.insert("ttl", self.inner.ttl.as_secs().into());
        headers.insert(
            "urgency",
            reqwest::header::HeaderValue::from_static(if urgent { "high" } else { "normal" }),
        );
        if let Ok(topic) = reqwest::header::HeaderValue::from_str(topic) {
            headers.insert("topic", topic);
        }
        reqwest::Request::try_from(request).map_err(|e| format!("cannot send the push: {e}"))
    }
}

/// 32 random bytes that are a valid P-256 private key (nearly all are: below the group order,
/// not zero).
fn fresh_scalar() -> [u8; 32] {
    loop {
        let bytes: [u8; 32] = rand::random();
        if p256::SecretKey::from_slice(&bytes).is_ok() {
            return bytes;
        }
    }
}
