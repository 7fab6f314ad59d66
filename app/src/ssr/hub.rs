//! The one hub for live updates. Pages subscribe through `/events` (server-sent events,
//! `http::events`), chat sockets through `subscribe_chat`. An event goes straight to this
//! instance's listeners. On PostgreSQL it also goes through `NOTIFY`, and every other instance's
//! listener re-broadcasts it locally, so a member connected to instance A hears an agent acting
//! on instance B; each instance passes over its own notifications, which it has delivered
//! already. On SQLite (one instance by nature) there is only the local channel.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, watch};

use super::db::{Backend, Db};
use super::queue_board::QueueSnapshot;
use crate::domain::LiveEvent;

const CHANNEL: &str = "desk_live";
/// PostgreSQL refuses a notification payload of 8,000 bytes or more.
const PAYLOAD_MAX: usize = 7_900;
/// Events sent to PostgreSQL in one statement, at most.
const BATCH_MAX: usize = 256;
/// Events a chat's channel holds for a socket that has not read them yet.
const CHAT_CHANNEL_SLOTS: usize = 16;

/// This instance's listeners, by what they follow.
#[derive(Debug)]
struct Channels {
    /// What pages hear (server-sent events).
    pages: broadcast::Sender<LiveEvent>,
    /// Queue moves: what the queue board follows (`queue_board`).
    queue: broadcast::Sender<LiveEvent>,
    /// What every chat socket hears besides its own chat (an account changed, read afresh).
    sockets: broadcast::Sender<LiveEvent>,
    /// One channel per chat with a socket open on this instance, so a message wakes the two
    /// sockets of its chat and not every socket on the instance.
    chats: Mutex<HashMap<i64, broadcast::Sender<LiveEvent>>>,
}

impl Channels {
    fn chats(&self) -> std::sync::MutexGuard<'_, HashMap<i64, broadcast::Sender<LiveEvent>>> {
        // The map stays consistent even if a holder panicked (each step is one insert or remove).
        self.chats
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Hands an event to this instance's listeners: the chat's own channel for chat events, the
    /// queue board for queue moves, every socket for what they all must hear, the page channel
    /// for what pages follow (a chat's messages and typing are not among them).
    fn deliver(&self, event: LiveEvent) {
        if let Some(chat_id) = event.chat_id() {
            if let Some(channel) = self.chats().get(&chat_id) {
                let _ = channel.send(event.clone());
            }
        }
        if event == LiveEvent::ChatQueue || event == LiveEvent::Resync {
            let _ = self.queue.send(event.clone());
        }
        if event.for_every_socket() {
            let _ = self.sockets.send(event.clone());
        }
        if event.for_pages() {
            let _ = self.pages.send(event);
        }
    }
}

#[derive(Clone, Debug)]
pub struct Hub {
    channels: Arc<Channels>,
    /// Set at shutdown: open event streams end, so a graceful shutdown does not wait forever.
    closing: Arc<watch::Sender<bool>>,
    /// Where each queued chat stands, read once per queue move for all sockets.
    board: watch::Receiver<Arc<QueueSnapshot>>,
    /// On PostgreSQL, the way to `NOTIFY` (see `notify_in_batches`).
    outgoing: Option<mpsc::UnboundedSender<LiveEvent>>,
}

/// How this instance's notifications begin (`{"origin":"<random id>",`), so that its listener
/// knows them as its own. Other instances' JSON decoders ignore the extra field.
fn origin_mark() -> String {
    format!("{{\"origin\":\"{:016x}\",", rand::random::<u64>())
}

impl Hub {
    /// Starts the PostgreSQL listener when the database is PostgreSQL.
    pub async fn start(db: Db, database_url: &str) -> Result<Hub, sqlx::Error> {
        let channels = Arc::new(Channels {
            pages: broadcast::channel(1024).0,
            queue: broadcast::channel(64).0,
            sockets: broadcast::channel(64).0,
            chats: Mutex::default(),
        });
        let board = super::queue_board::start(db.clone(), channels.queue.subscribe());
        let mut outgoing = None;
        if db.backend == Backend::Postgres {
            let origin: Arc<str> = origin_mark().into();
            let listener = listen(database_url).await?;
            let url = database_url.to_string();
            tokio::spawn(follow(listener, url, channels.clone(), origin.clone()));
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(notify_in_batches(db.clone(), rx, origin));
            outgoing = Some(tx);
        }
        Ok(Hub {
            channels,
            closing: Arc::new(watch::Sender::new(false)),
            board,
            outgoing,
        })
    }

    /// Announces a change. Never fails the caller: the change itself is already stored, and
    /// pages also refetch on reconnect. This instance's listeners hear it at once: waiting for
    /// the round trip through PostgreSQL was most of a chat message's delivery time.
    pub async fn publish(&self, event: LiveEvent) {
        if let Some(outgoing) = &self.outgoing {
            let _ = outgoing.send(event.clone());
        }
        self.channels.deliver(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.channels.pages.subscribe()
    }

    /// The newest queue board, and word of each new one.
    pub fn queue_board(&self) -> watch::Receiver<Arc<QueueSnapshot>> {
        self.board.clone()
    }

    /// What one chat's socket follows: that chat's events, and what every socket hears.
    pub fn subscribe_chat(&self, chat_id: i64) -> ChatFeed {
        let own = self
            .channels
            .chats()
            .entry(chat_id)
            // Small: every slot is allocated up front, per chat (256 were ~25 KiB of each open
            // chat's memory). A socket that falls behind gets `Lagged` and reads the chat
            // afresh, so a full channel loses nothing.
            .or_insert_with(|| broadcast::channel(CHAT_CHANNEL_SLOTS).0)
            .subscribe();
        ChatFeed {
            chat_id,
            own: Some(own),
            everyone: self.channels.sockets.subscribe(),
            channels: self.channels.clone(),
        }
    }

    /// Ends every open event stream (server shutdown).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves when the hub is closing.
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.closing.subscribe();
        async move {
            let _ = rx.wait_for(|closing| *closing).await;
        }
    }
}

/// Sends events to the other instances through PostgreSQL, in order. What queued up while one
/// statement was on its way goes in the next, as one statement: at a few thousand chat
/// messages a second, one `pg_notify` per message took a pooled connection and a round trip
/// each, beside the message's own transaction. Should the database refuse, the other instances
/// miss them (this one has delivered them already).
async fn notify_in_batches(
    db: Db,
    mut outgoing: mpsc::UnboundedReceiver<LiveEvent>,
    origin: Arc<str>,
) {
    let mut batch = Vec::with_capacity(BATCH_MAX);
    while outgoing.recv_many(&mut batch, BATCH_MAX).await > 0 {
        let payloads: Vec<String> = batch.iter().map(|e| payload(e, &origin)).collect();
        // One text parameter: the driver binds no arrays for both databases. A transaction
        // that notifies gets a transaction id, so its commit waited for a disk flush, although
        // notifications are never kept on disk (a crash loses the queue anyway): this one's
        // commit does not wait (`synchronous_commit` off for it alone). At 2,000 chat messages
        // a second that wait was a share of every delivery's tail.
        let sent = sqlx::query(
            "select pg_notify($1, value) from json_array_elements_text($2::json), \
             set_config('synchronous_commit', 'off', true)",
        )
        .bind(CHANNEL)
        .bind(serde_json::to_string(&payloads).unwrap_or_default())
        .execute(&db.pool)
        .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "pg_notify failed; other instances miss these events");
        }
        batch.clear();
    }
}

/// An event as a notification, marked with its instance's `origin` (see [`origin_mark`]). A
/// chat message too long to ride along is left out: its sockets read it from the database
/// instead.
fn payload(event: &LiveEvent, origin: &str) -> String {
    let marked = |event: &LiveEvent| {
        let text = serde_json::to_string(event).unwrap_or_default();
        // The event is a JSON object: the mark takes the place of its opening brace.
        format!("{origin}{}", text.strip_prefix('{').unwrap_or(&text))
    };
    let text = marked(event);
    match event {
        LiveEvent::Chat { next: Some(_), .. } if text.len() > PAYLOAD_MAX => {
            let mut lighter = event.clone();
            if let LiveEvent::Chat { next, .. } = &mut lighter {
                *next = None;
            }
            marked(&lighter)
        }
        _ => text,
    }
}

async fn listen(database_url: &str) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(database_url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Hands every notification to this instance's listeners. When the connection drops, whatever
/// was notified meanwhile is lost: once listening again, everyone is told to read afresh.
async fn follow(
    mut listener: sqlx::postgres::PgListener,
    database_url: String,
    channels: Arc<Channels>,
    origin: Arc<str>,
) {
    loop {
        match listener.try_recv().await {
            // This instance's own: delivered when it was published.
            Ok(Some(n)) if n.payload().starts_with(&*origin) => {}
            Ok(Some(n)) => match serde_json::from_str::<LiveEvent>(n.payload()) {
                Ok(event) => channels.deliver(event),
                Err(e) => tracing::warn!(error = %e, "undecodable live event"),
            },
            Ok(None) | Err(_) => {
                tracing::warn!("live listener lost its connection; reconnecting");
                listener = loop {
                    match listen(&database_url).await {
                        Ok(l) => break l,
                        Err(e) => {
                            tracing::warn!(error = %e, "live listener cannot reconnect yet");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                };
                channels.deliver(LiveEvent::Resync);
            }
        }
    }
}

/// A chat socket's subscription; the chat's channel goes away with its last socket.
pub struct ChatFeed {
    chat_id: i64,
    own: Option<broadcast::Receiver<LiveEvent>>,
    everyone: broadcast::Receiver<LiveEvent>,
    channels: Arc<Channels>,
}

impl ChatFeed {
    /// The next event for this chat: its own, or one for every socket. `Err(Lagged)` means some were
    /// missed (read the chat again); `Err(Closed)` that the hub is gone.
    pub async fn recv(&mut self) -> Result<LiveEvent, broadcast::error::RecvError> {
        let Some(own) = self.own.as_mut() else {
            return Err(broadcast::error::RecvError::Closed);
        };
        tokio::select! {
            event = own.recv() => event,
            event = self.everyone.recv() => event,
        }
    }
}

impl Drop for ChatFeed {
    fn drop(&mut self) {
        self.own.take();
        let mut chats = self.channels.chats();
        if chats
            .get(&self.chat_id)
            .is_some_and(|c| c.receiver_count() == 0)
        {
            chats.remove(&self.chat_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ChatMessage, NextMessage};

    fn message_event(body: &str) -> LiveEvent {
        LiveEvent::Chat {
            chat_id: 7,
            member_id: 1,
            agent_id: Some(2),
            message_only: true,
            next: Some(Box::new(NextMessage {
                after: 40,
                message: ChatMessage {
                    id: 41,
                    author_name: Some("Ana".into()),
                    from_staff: false,
                    system: None,
                    body: body.into(),
                    at: 1,
                    attachments: vec![],
                },
            })),
        }
    }

    #[test]
    fn a_message_rides_along_in_its_notification() {
        let event = message_event("hola");
        let origin = origin_mark();
        let sent = payload(&event, &origin);
        assert!(sent.starts_with(&origin), "{sent}");
        assert_eq!(serde_json::from_str::<LiveEvent>(&sent).unwrap(), event);
    }

    #[test]
    fn a_message_too_long_for_a_notification_is_left_for_the_database_to_tell() {
        // 4,000 quotes are 8,000 bytes once escaped: more than PostgreSQL takes.
        let event = message_event(&"\"".repeat(4000));
        let sent = payload(&event, &origin_mark());
        assert!(sent.len() <= PAYLOAD_MAX, "{} bytes", sent.len());
        match serde_json::from_str::<LiveEvent>(&sent).unwrap() {
            LiveEvent::Chat {
                chat_id: 7,
                message_only: true,
                next: None,
                ..
            } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}
