//! Email: notices queued in the outbox by the change that causes them (`db::outbox`), written
//! in the reader's language (`compose`), sent with retries by one sender per row (`sender`), and
//! replies read back into their ticket by the built-in SMTP listener (`inbound`). The links and
//! wake-ups here serve the push sender (`ssr::push`) too.
pub mod compose;
pub mod inbound;
pub mod sender;
pub mod signing;

use std::sync::Arc;

use lettre::message::Mailbox;
use tokio::sync::Notify;

use super::config::Config;
use super::db::{About, Db};
use crate::domain::{Channel, NoticeKind, Topic};
use signing::Signer;

/// What the rest of the server needs of email: wake the sender, and make or check the signed
/// things emails carry. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Mail {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// One per sender (email, push): a change wakes both.
    wake_email: Notify,
    wake_push: Notify,
    signer: Signer,
    base_url: String,
    reply_domain: Option<String>,
    from: Mailbox,
    inbound_addr: std::sync::OnceLock<std::net::SocketAddr>,
}

const REPLY_PREFIX: &str = "reply+";

impl Mail {
    /// The signing key comes from `APP_SECRET`, or is made once and kept in the database.
    pub async fn new(db: &Db, config: &Config, site_addr: &str) -> Result<Mail, String> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| format!("APP_MAIL_FROM: not an address ({e})"))?;
        let key = match &config.app_secret {
            Some(secret) => secret.clone(),
            None => {
                let fresh: [u8; 32] = rand::random();
                let fresh: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
                super::db::secret(&db.pool, "link_key", &fresh)
                    .await
                    .map_err(|e| format!("cannot read the signing key: {e}"))?
            }
        };
        let base_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{site_addr}"));
        Ok(Mail {
            inner: Arc::new(Inner {
                wake_email: Notify::new(),
                wake_push: Notify::new(),
                signer: Signer::new(key.as_bytes()),
                base_url,
                reply_domain: config.reply_domain.clone(),
                from,
                inbound_addr: std::sync::OnceLock::new(),
            }),
        })
    }

    /// Tells the senders that the outbox has new rows (they also look on their own now and
    /// then).
    pub fn wake(&self) {
        self.inner.wake_email.notify_one();
        self.inner.wake_push.notify_one();
    }

    pub(crate) async fn woken(&self, channel: Channel) {
        match channel {
            Channel::Email => self.inner.wake_email.notified().await,
            Channel::Push => self.inner.wake_push.notified().await,
        }
    }

    /// Where the reply listener listens, once it does.
    pub fn inbound_addr(&self) -> Option<std::net::SocketAddr> {
        self.inner.inbound_addr.get().copied()
    }

    pub fn set_inbound_addr(&self, addr: std::net::SocketAddr) {
        let _ = self.inner.inbound_addr.set(addr);
    }

    pub fn from(&self) -> &Mailbox {
        &self.inner.from
    }

    /// The domain after the @ of the From address, for Message-IDs.
    pub fn domain(&self) -> &str {
        self.inner.from.email.domain()
    }

    pub fn ticket_url(&self, ticket_id: i64) -> String {
        format!("{}/tickets/{ticket_id}", self.inner.base_url)
    }

    /// The page a notice is about: the ticket, or the chat's transcript.
    pub fn page_url(&self, about: About) -> String {
        match about {
            About::Ticket(id) => self.ticket_url(id),
            About::Chat(id) => format!("{}/chats/{id}", self.inner.base_url),
        }
    }

    /// After a closing or a chat: the links that rate it good or bad (the page opens with that
    /// choice).
    pub fn rate_urls(&self, kind: NoticeKind, about: About) -> Option<(String, String)> {
        let rated = [
            NoticeKind::Closed,
            NoticeKind::AutoClosed,
            NoticeKind::ChatEnded,
        ];
        rated.contains(&kind).then(|| {
            let url = self.page_url(about);
            (
                format!("{url}?rate=good#rate"),
                format!("{url}?rate=bad#rate"),
            )
        })
    }

    pub fn notifications_url(&self) -> String {
        format!("{}/notifications", self.inner.base_url)
    }

    pub fn unsubscribe_url(&self, user_id: i64, topic: Topic) -> String {
        let topic = topic.as_str();
        let sig = self
            .inner
            .signer
            .sign("unsubscribe", &format!("{user_id}:{topic}"));
        format!(
            "{}/unsubscribe?u={user_id}&t={topic}&s={sig}",
            self.inner.base_url
        )
    }

    pub fn unsubscribe_is_genuine(&self, user_id: i64, topic: Topic, sig: &str) -> bool {
        let value = format!("{user_id}:{}", topic.as_str());
        self.inner.signer.verify("unsubscribe", &value, sig)
    }

    /// `reply+<ticket>-<signature>@<reply domain>`, signed for this ticket and its member;
    /// `None` when replies by email are off.
    pub fn reply_address(&self, ticket_id: i64, member_id: i64) -> Option<String> {
        let domain = self.inner.reply_domain.as_deref()?;
        let sig = self
            .inner
            .signer
            .sign("reply", &format!("{ticket_id}:{member_id}"));
        Some(format!("{REPLY_PREFIX}{ticket_id}-{sig}@{domain}"))
    }

    /// The ticket a reply address names, if it has the shape of one and the reply domain. The
    /// signature is checked against the ticket's member by [`Mail::reply_is_genuine`].
    pub fn parse_reply_address<'a>(&self, address: &'a str) -> Option<(i64, &'a str)> {
        let domain = self.inner.reply_domain.as_deref()?;
        let (local, at) = address.rsplit_once('@')?;
        if !at.eq_ignore_ascii_case(domain) {
            return None;
        }
        let rest = local
            .get(..REPLY_PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(REPLY_PREFIX))
            .map(|_| &local[REPLY_PREFIX.len()..])?;
        let (ticket, sig) = rest.split_once('-')?;
        Some((ticket.parse().ok()?, sig))
    }

    pub fn reply_is_genuine(&self, ticket_id: i64, member_id: i64, sig: &str) -> bool {
        let value = format!("{ticket_id}:{member_id}");
        self.inner.signer.verify("reply", &value, sig)
    }
}
