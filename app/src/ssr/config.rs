//! Runtime settings, all from the environment with defaults that run with nothing set.
//! `.env.example` at the repository root documents each variable.
use std::time::Duration;

use std::path::PathBuf;

use crate::domain::{Tier, UploadLimits};

const DAY: u64 = 24 * 3600;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    /// Listen address; `None` keeps Leptos' `site-addr`.
    pub listen_addr: Option<String>,
    pub demo_seed: bool,
    pub min_tier: Tier,
    pub cookie_secure: bool,
    pub session_ttl: Duration,
    pub login_window: Duration,
    pub login_max_failures_per_account: i64,
    pub login_max_failures_per_client: i64,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    pub log_json: bool,
    /// How long after closing a member may reopen an issue by replying.
    pub reopen_window: Duration,
    /// Where attachments live on disk (content-addressed, with a `tmp/` beside them).
    pub attachments_dir: PathBuf,
    /// Attachments in an S3-compatible bucket instead of `attachments_dir` (what several
    /// instances behind a load balancer need).
    pub s3: Option<S3Config>,
    /// A staged file older than this is finished or deleted by recovery; younger ones may
    /// still be arriving at another instance. `None`: 0 on local disk (one instance owns it),
    /// an hour on a bucket.
    pub staging_grace: Option<Duration>,
    pub upload_limits: UploadLimits,
    /// After this long in the chat queue the member is offered a ticket instead.
    pub chat_max_wait: Duration,
    /// How many chats one agent may have open at once.
    pub chat_agent_cap: i64,
    /// New chats one member may start per hour.
    pub chat_max_per_hour: i64,
    /// Origins besides the request's own host whose pages may post to us (a proxy that
    /// rewrites `Host`), e.g. `https://support.example.com`.
    pub trusted_origins: Vec<String>,
    /// A client that sends no request headers, or no body bytes, for this long is cut off.
    pub client_timeout: Duration,
    /// The address members use, e.g. `https://support.example.com`: its host is the one
    /// accepted in `Host`, and `https` there turns on HSTS.
    pub public_url: Option<String>,
    /// More `Host` values to accept (another name of the same site), `host` or `host:port`.
    pub allowed_hosts: Vec<String>,
    /// Proxies between the trusted one and the client (a CDN in front of the load balancer):
    /// their hops in `X-Forwarded-For` are skipped too.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Bytes of files one member may have stored in all.
    pub storage_quota_bytes: u64,
    /// Requests carrying files one person may send per minute.
    pub uploads_per_minute: u32,
    /// Chat messages one person may send per second after a burst of five times as many.
    pub chat_messages_per_second: u32,
    /// Live-event streams, and chat sockets, one person may hold open at once (each).
    pub max_streams_per_user: usize,
    /// How often a chat socket is pinged; one silent for two of these is dropped.
    pub socket_ping: Duration,
    /// How often an open socket or stream checks that its session is still valid (logout on
    /// this instance ends it at once; a change made elsewhere within this long).
    pub session_recheck: Duration,
    /// Where email is sent through, as lettre reads it: `smtp://host:25` (plain),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://host:465`. `None`: email
    /// is off (the outbox still fills, and is sent once this is set).
    pub smtp_url: Option<String>,
    /// The From of every email, e.g. `Member Tech Support <support@example.com>`.
    pub mail_from: String,
    /// Staff get an email for new tickets and member answers (each can still opt out).
    pub notify_staff: bool,
    /// First wait before an email that failed is tried again; it doubles each time.
    pub mail_retry: Duration,
    /// Tries before an email is given up (logged, kept in the outbox as dropped).
    pub mail_max_attempts: i64,
    /// How often the sender looks at the outbox when nothing wakes it.
    pub mail_poll: Duration,
    /// Address of the built-in SMTP listener for replies by email, e.g. `0.0.0.0:2525`; the
    /// company's mail exchanger forwards the reply domain here. `None`: replies by email off.
    pub inbound_smtp_addr: Option<String>,
    /// The domain of reply addresses (`reply+<ticket>-<signature>@<domain>`).
    pub reply_domain: Option<String>,
    /// Largest email accepted by the listener (attachments included).
    pub inbound_max_bytes: usize,
    /// A ticket waiting this long for its member gets a reminder, and a second at twice this.
    pub reminder_after: Duration,
    /// ... and is closed after this long without an answer.
    pub auto_close_after: Duration,
    /// How often the reminder and auto-close scheduler looks.
    pub scheduler_every: Duration,
    /// Signs links and reply addresses. Unset: a key generated once and kept in the database.
    pub app_secret: Option<String>,
    /// Web Push on (browsers may subscribe, notices go to their devices).
    pub push_enabled: bool,
    /// The VAPID private key (RFC 8292): a P-256 scalar, 32 bytes in base64url. Unset: one is
    /// generated once and kept in the database, so all instances sign with the same key.
    pub vapid_private_key: Option<String>,
    /// Who push services may contact about our pushes (`mailto:` or `https:`); unset: the
    /// address of `APP_MAIL_FROM`.
    pub vapid_subject: Option<String>,
    /// Hosts (and their subdomains) of the push services a subscription may point at: the
    /// server posts to it, so nothing else is accepted.
    pub push_services: Vec<String>,
    /// How long a push service keeps a notice for a phone that is off.
    pub push_ttl: Duration,
    /// The zone business hours are counted in (IANA name) until an admin sets the hours.
    pub time_zone: String,
    /// New tickets go round robin to online agents until an admin sets the rule.
    pub auto_assign: bool,
    /// Staff must use two-step sign-in until an admin says otherwise.
    pub staff_two_step: bool,
    /// Members sign in through the company's identity provider (OpenID Connect) too.
    pub oidc: Option<OidcConfig>,
}

/// The push services of Chrome/Edge/Android (FCM), Firefox, Edge on Windows and Safari.
pub const DEFAULT_PUSH_SERVICES: [&str; 4] = [
    "fcm.googleapis.com",
    "push.services.mozilla.com",
    "notify.windows.com",
    "push.apple.com",
];

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://data/desk.db".into(),
            listen_addr: None,
            // Demo accounts share a published password: only when asked for (`make run` does).
            demo_seed: false,
            min_tier: Tier::Silver,
            // Browsers treat http://localhost and 127.0.0.1 as secure too, so this holds for
            // local use; only plain HTTP on another address needs APP_COOKIE_SECURE=0.
            cookie_secure: true,
            session_ttl: Duration::from_secs(14 * 24 * 3600),
            login_window: Duration::from_secs(15 * 60),
            login_max_failures_per_account: 5,
            login_max_failures_per_client: 20,
            trust_proxy: false,
            log_json: false,
            reopen_window: Duration::from_secs(30 * 24 * 3600),
            attachments_dir: PathBuf::from("data/attachments"),
            s3: None,
            staging_grace: None,
            upload_limits: UploadLimits::default(),
            chat_max_wait: Duration::from_secs(10 * 60),
            chat_agent_cap: 3,
            chat_max_per_hour: 5,
            trusted_origins: Vec::new(),
            client_timeout: Duration::from_secs(15),
            public_url: None,
            allowed_hosts: Vec::new(),
            trusted_proxies: Vec::new(),
            storage_quota_bytes: 200 * 1024 * 1024,
            uploads_per_minute: 20,
            chat_messages_per_second: 2,
            max_streams_per_user: 10,
            socket_ping: Duration::from_secs(20),
            session_recheck: Duration::from_secs(30),
            smtp_url: None,
            mail_from: "Member Tech Support <support@localhost>".into(),
            notify_staff: true,
            mail_retry: Duration::from_secs(30),
            mail_max_attempts: 10,
            mail_poll: Duration::from_secs(5),
            inbound_smtp_addr: None,
            reply_domain: None,
            inbound_max_bytes: 25 * 1024 * 1024,
            reminder_after: Duration::from_secs(3 * DAY),
            auto_close_after: Duration::from_secs(10 * DAY),
            scheduler_every: Duration::from_secs(60),
            app_secret: None,
            push_enabled: true,
            vapid_private_key: None,
            vapid_subject: None,
            push_services: DEFAULT_PUSH_SERVICES.map(String::from).to_vec(),
            push_ttl: Duration::from_secs(2 * DAY),
            time_zone: "UTC".into(),
            auto_assign: false,
            staff_two_step: false,
            oidc: None,
        }
    }
}

impl Config {
    pub fn from_env() -> Result<Config, String> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Separate from `from_env` so it can be tested without touching the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let d = Config::default();
        let flag = |k: &str, default: bool| -> Result<bool, String> {
            match get(k).as_deref().map(str::trim) {
                None | Some("") => Ok(default),
                Some("1" | "true" | "yes" | "on") => Ok(true),
                Some("0" | "false" | "no" | "off") => Ok(false),
                Some(v) => Err(format!("{k}: expected 0/1/true/false, got '{v}'")),
            }
        };
        let number = |k: &str, default: u64| -> Result<u64, String> {
            match get(k).as_deref().map(str::trim) {
                None | Some("") => Ok(default),
                Some(v) => v
                    .parse()
                    .map_err(|_| format!("{k}: expected a whole number, got '{v}'")),
            }
        };
        let text = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Ok(Config {
            database_url: get("DATABASE_URL")
                .filter(|v| !v.is_empty())
                .unwrap_or(d.database_url),
            listen_addr: get("APP_LISTEN_ADDR").filter(|v| !v.is_empty()),
            demo_seed: flag("APP_DEMO", d.demo_seed)?,
            min_tier: match get("APP_MIN_TIER").filter(|v| !v.is_empty()) {
                Some(v) => Tier::parse(&v).map_err(|e| format!("APP_MIN_TIER: {e}"))?,
                None => d.min_tier,
            },
            cookie_secure: flag("APP_COOKIE_SECURE", d.cookie_secure)?,
            session_ttl: Duration::from_secs(3600 * number("APP_SESSION_HOURS", 14 * 24)?),
            login_window: Duration::from_secs(60 * number("APP_LOGIN_WINDOW_MINUTES", 15)?),
            login_max_failures_per_account: number("APP_LOGIN_MAX_FAILURES_ACCOUNT", 5)? as i64,
            login_max_failures_per_client: number("APP_LOGIN_MAX_FAILURES_CLIENT", 20)? as i64,
            trust_proxy: flag("APP_TRUST_PROXY", d.trust_proxy)?,
            log_json: get("APP_LOG_FORMAT").is_some_and(|v| v == "json"),
            reopen_window: Duration::from_secs(24 * 3600 * number("APP_REOPEN_DAYS", 30)?),
            attachments_dir: get("APP_ATTACHMENTS_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .unwrap_or(d.attachments_dir),
            s3: S3Config::from_lookup(&get)?,
            staging_grace: match text("APP_STAGING_GRACE_SECS") {
                Some(_) => Some(Duration::from_secs(number("APP_STAGING_GRACE_SECS", 0)?)),
                None => None,
            },
            upload_limits: UploadLimits {
                max_files: number("APP_MAX_FILES", d.upload_limits.max_files as u64)? as usize,
                max_file_bytes: 1024
                    * 1024
                    * number("APP_MAX_FILE_MB", d.upload_limits.max_megabytes())?,
            },
            chat_max_wait: Duration::from_secs(60 * number("APP_CHAT_MAX_WAIT_MINUTES", 10)?),
            chat_agent_cap: number("APP_CHAT_AGENT_CAP", 3)? as i64,
            chat_max_per_hour: number("APP_CHAT_MAX_PER_HOUR", 5)? as i64,
            trusted_origins: list(get("APP_TRUSTED_ORIGINS"))
                .into_iter()
                .map(|o| o.trim_end_matches('/').to_string())
                .collect(),
            client_timeout: Duration::from_secs(number("APP_CLIENT_TIMEOUT_SECS", 15)?.max(1)),
            public_url: match get("APP_PUBLIC_URL").filter(|v| !v.trim().is_empty()) {
                Some(v) if v.starts_with("https://") || v.starts_with("http://") => {
                    Some(v.trim().trim_end_matches('/').to_string())
                }
                Some(v) => {
                    return Err(format!(
                        "APP_PUBLIC_URL: expected http(s)://host, got '{v}'"
                    ))
                }
                None => None,
            },
            allowed_hosts: list(get("APP_ALLOWED_HOSTS")),
            trusted_proxies: list(get("APP_TRUSTED_PROXIES"))
                .iter()
                .map(|p| {
                    p.parse()
                        .map_err(|_| format!("APP_TRUSTED_PROXIES: '{p}' is not an IP address"))
                })
                .collect::<Result<_, _>>()?,
            storage_quota_bytes: 1024 * 1024 * number("APP_STORAGE_QUOTA_MB", 200)?,
            uploads_per_minute: number("APP_UPLOADS_PER_MINUTE", 20)?.max(1) as u32,
            chat_messages_per_second: number("APP_CHAT_MESSAGES_PER_SECOND", 2)?.clamp(1, 1_000_000)
                as u32,
            max_streams_per_user: number("APP_MAX_STREAMS_PER_USER", 10)?.max(1) as usize,
            socket_ping: Duration::from_secs(number("APP_SOCKET_PING_SECS", 20)?.max(1)),
            session_recheck: Duration::from_secs(number("APP_SESSION_RECHECK_SECS", 30)?.max(1)),
            smtp_url: text("APP_SMTP_URL"),
            mail_from: text("APP_MAIL_FROM").unwrap_or(d.mail_from),
            notify_staff: flag("APP_NOTIFY_STAFF", d.notify_staff)?,
            mail_retry: Duration::from_secs(number("APP_MAIL_RETRY_SECS", 30)?.max(1)),
            mail_max_attempts: number("APP_MAIL_MAX_ATTEMPTS", 10)?.max(1) as i64,
            mail_poll: Duration::from_millis(number("APP_MAIL_POLL_MS", 5000)?.max(50)),
            inbound_smtp_addr: text("APP_INBOUND_SMTP_ADDR"),
            reply_domain: text("APP_REPLY_DOMAIN"),
            inbound_max_bytes: 1024 * 1024 * number("APP_INBOUND_MAX_MB", 25)?.max(1) as usize,
            reminder_after: Duration::from_secs(DAY * number("APP_REMINDER_DAYS", 3)?.max(1)),
            auto_close_after: Duration::from_secs(DAY * number("APP_AUTO_CLOSE_DAYS", 10)?.max(1)),
            scheduler_every: Duration::from_secs(number("APP_SCHEDULER_SECS", 60)?.max(1)),
            app_secret: text("APP_SECRET"),
            push_enabled: flag("APP_PUSH", d.push_enabled)?,
            vapid_private_key: text("APP_VAPID_PRIVATE_KEY"),
            vapid_subject: text("APP_VAPID_SUBJECT"),
            push_services: match list(text("APP_PUSH_SERVICES")) {
                services if services.is_empty() => d.push_services,
                services => services,
            },
            push_ttl: Duration::from_secs(number("APP_PUSH_TTL_SECS", 2 * DAY)?.max(60)),
            time_zone: text("APP_TIME_ZONE").unwrap_or(d.time_zone),
            auto_assign: flag("APP_AUTO_ASSIGN", d.auto_assign)?,
            staff_two_step: flag("APP_STAFF_TWO_STEP", d.staff_two_step)?,
            oidc: OidcConfig::from_lookup(&get)?,
        })
    }
}

/// Where the bucket is and how to sign requests to it. Its Debug leaves the secret out.
#[derive(Clone)]
pub struct S3Config {
    /// `http(s)://host:port` of an S3-compatible store; `None`: AWS itself.
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// A folder inside the bucket (one bucket for several desks, or for tests).
    pub prefix: Option<String>,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl S3Config {
    /// `APP_S3_BUCKET` turns the bucket on; the keys come from `APP_S3_ACCESS_KEY_ID` and
    /// `APP_S3_SECRET_ACCESS_KEY`, or AWS's usual variables.
    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Option<S3Config>, String> {
        let text = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let Some(bucket) = text("APP_S3_BUCKET") else {
            return Ok(None);
        };
        let key = |ours: &str, aws: &str| {
            text(ours)
                .or_else(|| text(aws))
                .ok_or_else(|| format!("APP_S3_BUCKET is set: {ours} (or {aws}) is needed too"))
        };
        let endpoint = text("APP_S3_ENDPOINT");
        if let Some(e) = &endpoint {
            if !(e.starts_with("http://") || e.starts_with("https://")) {
                return Err(format!(
                    "APP_S3_ENDPOINT: expected http(s)://host, got '{e}'"
                ));
            }
        }
        Ok(Some(S3Config {
            endpoint,
            bucket,
            region: text("APP_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
            access_key_id: key("APP_S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID")?,
            secret_access_key: key("APP_S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY")?,
            prefix: text("APP_S3_PREFIX").map(|p| p.trim_matches('/').to_string()),
        }))
    }
}

/// The company's identity provider, as the desk's OpenID Connect client sees it. Its Debug
/// leaves the secret out.
#[derive(Clone)]
pub struct OidcConfig {
    /// The provider's issuer URL; its discovery document is read from here.
    pub issuer: String,
    pub client_id: String,
    /// `None`: a public client (PKCE alone proves the code is ours).
    pub client_secret: Option<String>,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// Where the provider sends the member back; `None`: the public URL (or the request's
    /// own host) followed by `/auth/oidc/callback`.
    pub redirect_url: Option<String>,
    /// Which claims carry the member's facts, in the ID token or the userinfo answer.
    pub claims: ClaimNames,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimNames {
    pub tier: String,
    pub member_number: String,
    pub name: String,
    pub email: String,
    pub language: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        ClaimNames {
            tier: "tier".into(),
            member_number: "member_number".into(),
            name: "name".into(),
            email: "email".into(),
            language: "locale".into(),
        }
    }
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("redirect_url", &self.redirect_url)
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

impl OidcConfig {
    /// `APP_OIDC_ISSUER` turns member sign-in through the provider on; `APP_OIDC_CLIENT_ID` is
    /// then needed too.
    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Option<OidcConfig>, String> {
        let text = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let Some(issuer) = text("APP_OIDC_ISSUER") else {
            return Ok(None);
        };
        let url = |k: &str, v: &str| {
            if v.starts_with("https://") || v.starts_with("http://") {
                Ok(())
            } else {
                Err(format!("{k}: expected http(s)://..., got '{v}'"))
            }
        };
        url("APP_OIDC_ISSUER", &issuer)?;
        let client_id = text("APP_OIDC_CLIENT_ID")
            .ok_or("APP_OIDC_ISSUER is set: APP_OIDC_CLIENT_ID is needed too")?;
        let redirect_url = text("APP_OIDC_REDIRECT_URL");
        if let Some(r) = &redirect_url {
            url("APP_OIDC_REDIRECT_URL", r)?;
        }
        let d = ClaimNames::default();
        let claim = |k: &str, default: String| text(k).unwrap_or(default);
        Ok(Some(OidcConfig {
            issuer,
            client_id,
            client_secret: text("APP_OIDC_CLIENT_SECRET"),
            scopes: match text("APP_OIDC_SCOPES") {
                Some(v) => v
                    .split([' ', ','])
                    .filter(|s| !s.is_empty() && *s != "openid")
                    .map(String::from)
                    .collect(),
                None => vec!["email".into(), "profile".into()],
            },
            redirect_url,
            claims: ClaimNames {
                tier: claim("APP_OIDC_TIER_CLAIM", d.tier),
                member_number: claim("APP_OIDC_MEMBER_NUMBER_CLAIM", d.member_number),
                name: claim("APP_OIDC_NAME_CLAIM", d.name),
                email: claim("APP_OIDC_EMAIL_CLAIM", d.email),
                language: claim("APP_OIDC_LANGUAGE_CLAIM", d.language),
            },
        }))
    }
}

/// A comma-separated setting, blanks dropped.
fn list(value: Option<String>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_run_with_nothing_set() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/desk.db");
        assert_eq!(c.min_tier, Tier::Silver);
        assert!(!c.demo_seed, "demo accounts only when asked for");
        assert!(c.cookie_secure);
        assert_eq!(c.login_max_failures_per_account, 5);
    }

    #[test]
    fn overrides_and_errors() {
        let c = cfg(&[("APP_MIN_TIER", "Gold"), ("APP_DEMO", "1")]).unwrap();
        assert_eq!(c.min_tier, Tier::Gold);
        assert!(c.demo_seed);
        assert!(cfg(&[("APP_MIN_TIER", "bronze")]).is_err());
        assert!(cfg(&[("APP_DEMO", "maybe")]).is_err());
        assert!(cfg(&[("APP_LOGIN_WINDOW_MINUTES", "-3")]).is_err());
    }

    #[test]
    fn the_identity_provider_needs_a_client_and_never_shows_its_secret() {
        assert!(cfg(&[]).unwrap().oidc.is_none());
        let missing = cfg(&[("APP_OIDC_ISSUER", "https://id.example.com")]).unwrap_err();
        assert!(missing.contains("APP_OIDC_CLIENT_ID"), "{missing}");
        assert!(cfg(&[
            ("APP_OIDC_ISSUER", "id.example.com"),
            ("APP_OIDC_CLIENT_ID", "d")
        ])
        .is_err());
        let c = cfg(&[
            ("APP_OIDC_ISSUER", "https://id.example.com"),
            ("APP_OIDC_CLIENT_ID", "desk"),
            ("APP_OIDC_CLIENT_SECRET", "s3cret-value"),
            ("APP_OIDC_SCOPES", "openid email member"),
            ("APP_OIDC_TIER_CLAIM", "member_tier"),
        ])
        .unwrap()
        .oidc
        .unwrap();
        assert_eq!(c.scopes, ["email", "member"], "openid is always asked for");
        assert_eq!(c.claims.tier, "member_tier");
        assert_eq!(c.claims.email, "email", "the standard name by default");
        assert!(!format!("{c:?}").contains("s3cret-value"));
    }

    #[test]
    fn a_bucket_needs_its_keys_and_never_shows_its_secret() {
        assert!(cfg(&[]).unwrap().s3.is_none());
        let missing = cfg(&[("APP_S3_BUCKET", "desk")]).unwrap_err();
        assert!(missing.contains("APP_S3_ACCESS_KEY_ID"), "{missing}");
        let c = cfg(&[
            ("APP_S3_BUCKET", "desk"),
            ("APP_S3_ENDPOINT", "http://127.0.0.1:8333"),
            ("AWS_ACCESS_KEY_ID", "id"),
            ("APP_S3_SECRET_ACCESS_KEY", "very-secret"),
            ("APP_S3_PREFIX", "/eu/"),
        ])
        .unwrap();
        let s3 = c.s3.unwrap();
        assert_eq!(
            (s3.access_key_id.as_str(), s3.prefix.as_deref()),
            ("id", Some("eu"))
        );
        assert!(!format!("{s3:?}").contains("very-secret"));
        assert!(cfg(&[("APP_S3_BUCKET", "d"), ("APP_S3_ENDPOINT", "s3.local")]).is_err());
    }
}
