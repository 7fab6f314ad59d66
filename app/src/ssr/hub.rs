//! The one hub for live updates (tickets now, chat later). Pages subscribe through `/events`
//! (server-sent events). On PostgreSQL every event goes through `NOTIFY`, and each instance's
//! listener re-broadcasts it locally, so a member connected to instance A hears an agent acting
//! on instance B. On SQLite (one instance by nature) events go straight to the local channel.
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt};
use tokio::sync::{broadcast, watch};
use tower_sessions::Session;

use super::auth::handler_user;
use super::db::{Backend, Db};
use super::state::AppState;
use crate::domain::LiveEvent;

const CHANNEL: &str = "desk_live";

#[derive(Clone, Debug)]
pub struct Hub {
    local: broadcast::Sender<LiveEvent>,
    db: Db,
    /// Set at shutdown: open event streams end, so a graceful shutdown does not wait forever.
    closing: Arc<watch::Sender<bool>>,
}

impl Hub {
    /// Starts the PostgreSQL listener when the database is PostgreSQL.
    pub async fn start(db: Db, database_url: &str) -> Result<Hub, sqlx::Error> {
        let (local, _) = broadcast::channel(1024);
        let hub = Hub {
            local,
            db,
            closing: Arc::new(watch::Sender::new(false)),
        };
        if hub.db.backend == Backend::Postgres {
            let mut listener = sqlx::postgres::PgListener::connect(database_url).await?;
            listener.listen(CHANNEL).await?;
            let local = hub.local.clone();
            tokio::spawn(async move {
                loop {
                    // recv() reconnects by itself after a dropped connection.
                    match listener.recv().await {
                        Ok(n) => match serde_json::from_str::<LiveEvent>(n.payload()) {
                            Ok(event) => {
                                let _ = local.send(event);
                            }
                            Err(e) => tracing::warn!(error = %e, "undecodable live event"),
                        },
                        Err(e) => {
                            tracing::warn!(error = %e, "live listener error, retrying");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            });
        }
        Ok(hub)
    }

    /// Announces a change. Never fails the caller: the change itself is already stored, and
    /// pages also refetch on reconnect.
    pub async fn publish(&self, event: LiveEvent) {
        match self.db.backend {
            Backend::Sqlite => {
                let _ = self.local.send(event);
            }
            Backend::Postgres => {
                let payload = serde_json::to_string(&event).unwrap_or_default();
                let sent = sqlx::query("select pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(payload)
                    .execute(&self.db.pool)
                    .await;
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "pg_notify failed; delivering locally only");
                    let _ = self.local.send(event);
                }
            }
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.local.subscribe()
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

/// `GET /events`: the signed-in person's live events. A first `ready` event tells the page it is
/// connected (and, after a reconnect, to refetch what it may have missed); `resync` says the same
/// when this client fell behind.
pub async fn events(State(state): State<AppState>, session: Session) -> Response {
    let user = match handler_user(&state, &session).await {
        Ok(u) => u,
        Err(response) => return response,
    };
    let rx = state.hub.subscribe();
    let is_staff = user.role.is_staff();
    let live = futures::stream::unfold(rx, move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(ev) if ev.visible_to(user.id, is_staff) => {
                    let data = serde_json::to_string(&ev).unwrap_or_default();
                    return Some((Event::default().event("live").data(data), rx));
                }
                Ok(_) => continue,
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    return Some((Event::default().event("resync").data("{}"), rx))
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    // `retry` tells the browser how soon to reconnect when the stream ends (a restart, a deploy).
    let ready = futures::stream::once(async {
        Event::default()
            .event("ready")
            .retry(Duration::from_secs(2))
            .data("{}")
    });
    let stream: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> =
        Box::pin(ready.chain(live).take_until(state.hub.closed()).map(Ok));
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
