//! `GET /events`: a person's live events as server-sent events.
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast;
use tower_sessions::Session;

use super::refusal;
use crate::domain::{stream_event, LiveEvent};
use crate::ssr::auth::{guard, still_signed_in, Access};
use crate::ssr::state::AppState;

/// `GET /events`: the signed-in person's live events. A first `ready` event tells the page it is
/// connected (and, after a reconnect, to refetch what it may have missed); `resync` says the same
/// when this client fell behind. The stream ends when its session does (logout, a role change,
/// a disabled account), checked on every `Account` event for this person and every
/// `APP_SESSION_RECHECK_SECS`.
pub async fn events(State(state): State<AppState>, session: Session) -> Response {
    let user = match guard(&state, &session, Access::DeskUser).await {
        Ok(u) => u,
        Err(e) => return refusal(e),
    };
    let Some(slot) = state.limits.stream(user.id) else {
        return super::too_many_open();
    };
    let session_id = session.id();
    let rx = state.hub.subscribe();
    let mut recheck = tokio::time::interval(state.config.session_recheck);
    recheck.reset();
    let st = state.clone();
    let live = futures::stream::unfold((rx, recheck, slot), move |(mut rx, mut recheck, slot)| {
        let st = st.clone();
        let user = user.clone();
        async move {
            loop {
                let event = tokio::select! {
                    event = rx.recv() => event,
                    _ = recheck.tick() => Ok(LiveEvent::Account { user_id: user.id }),
                };
                match event {
                    Ok(LiveEvent::Account { user_id }) if user_id == user.id => {
                        if !still_signed_in(&st, session_id, &user).await {
                            return None;
                        }
                    }
                    Ok(LiveEvent::Resync) => {
                        let ev = Event::default().event(stream_event::RESYNC).data("{}");
                        return Some((ev, (rx, recheck, slot)));
                    }
                    Ok(ev) if ev.visible_to(user.id, user.role.is_staff()) => {
                        let data = serde_json::to_string(&ev).unwrap_or_default();
                        let ev = Event::default().event(stream_event::LIVE).data(data);
                        return Some((ev, (rx, recheck, slot)));
                    }
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let ev = Event::default().event(stream_event::RESYNC).data("{}");
                        return Some((ev, (rx, recheck, slot)));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        }
    });
    // `retry` tells the browser how soon to reconnect when the stream ends (a restart, a deploy).
    // Drawn per stream, so the browsers of a restarted instance come back spread over seconds
    // rather than all at the same instant.
    let retry = Duration::from_millis(2_000 + rand::random::<u64>() % 8_000);
    let ready = futures::stream::once(async move {
        Event::default()
            .event(stream_event::READY)
            .retry(retry)
            .data("{}")
    });
    let stream: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> =
        Box::pin(ready.chain(live).take_until(state.hub.closed()).map(Ok));
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
