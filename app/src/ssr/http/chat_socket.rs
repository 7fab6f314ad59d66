//! `GET /chats/{id}/socket`: one chat's WebSocket, for its member or the agent who accepted it
//! (anyone else is refused before the upgrade). Messages are stored before they are
//! acknowledged; the hub tells every socket of the chat (on any instance) to send what is new,
//! and a client that reconnects says the last id it has and gets the rest.
use std::time::Duration;

use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::Session;

use tower_sessions::session::Id;

use super::refusal;
use crate::domain::{ChatHead, ChatStatus, ClientFrame, CurrentUser, LiveEvent, ServerFrame};
use crate::error::AppError;
use crate::ssr::auth::{guard, still_signed_in, Access};
use crate::ssr::chat::{may_use, parse_chat_text, post_message, queue_info, ONLINE_WINDOW_MS};
use crate::ssr::db::now_ms;
use crate::ssr::limits::SlotGuard;
use crate::ssr::queue_board::QueueSnapshot;
use crate::ssr::state::AppState;

/// Frames larger than this are refused by the socket itself (a chat message is at most 2000
/// characters).
const MAX_FRAME: usize = 16 * 1024;
/// How much the socket reads at a time. The library's default (128 KiB) is zero-filled for
/// every socket at its first read: most of what an open chat cost in memory (154 KiB per
/// socket), for frames that are a few hundred bytes. A larger frame still grows the buffer.
const READ_CHUNK: usize = 4 * 1024;

pub async fn chat_socket(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let user = match guard(&state, &session, Access::DeskUser).await {
        Ok(u) => u,
        Err(e) => return refusal(e),
    };
    let Ok(id) = id.parse::<i64>() else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let Some(slot) = state.limits.socket(user.id) else {
        return super::too_many_open();
    };
    let session_id = session.id();
    match state.db.chats().head(id).await {
        Ok(Some(head)) if may_use(&user, &head) => {}
        Ok(_) => return (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    upgrade
        .read_buffer_size(READ_CHUNK)
        .max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        .on_upgrade(move |socket| {
            let run = ChatSocket {
                state,
                user,
                session_id,
                _slot: slot,
                chat_id: id,
                sent_up_to: 0,
                resumed: false,
                queued: true,
                head: None,
            };
            run.serve(socket)
        })
}

struct ChatSocket {
    state: AppState,
    user: CurrentUser,
    /// The session the socket was opened with; when it ends (logout, a role change, a
    /// disabled account) the socket closes.
    session_id: Option<Id>,
    /// This person's place among their open sockets, given back when the socket ends.
    _slot: SlotGuard,
    chat_id: i64,
    /// The last message id this client has.
    sent_up_to: i64,
    /// Nothing is pushed before the client says where it stands.
    resumed: bool,
    /// Whether the chat was still queued when last read. Queue moves and the clock only matter
    /// while it is, so an active or ended chat's socket ignores the queue board.
    queued: bool,
    /// The chat as last read, kept while it is queued: a queue move changes only its line.
    head: Option<ChatHead>,
}

impl ChatSocket {
    async fn serve(mut self, mut socket: WebSocket) {
        let mut events = self.state.hub.subscribe_chat(self.chat_id);
        let mut board = self.state.hub.queue_board();
        let closed = self.state.hub.closed();
        tokio::pin!(closed);
        let mut tick = tokio::time::interval(Duration::from_secs(15));
        let ping_every = self.state.config.socket_ping;
        let mut ping = tokio::time::interval(ping_every);
        let mut recheck = tokio::time::interval(self.state.config.session_recheck);
        recheck.reset();
        let mut heard = tokio::time::Instant::now();
        let mut ending = None;
        loop {
            let frames = tokio::select! {
                incoming = socket.recv() => {
                    heard = tokio::time::Instant::now();
                    match incoming {
                        Some(Ok(Message::Text(text))) => self.on_frame(text.as_str()).await,
                        Some(Ok(Message::Binary(_))) => vec![refuse(AppError::malformed("frame", "send JSON text frames"))],
                        Some(Ok(_)) => vec![],
                        Some(Err(_)) | None => break,
                    }
                },
                event = events.recv() => match event {
                    Ok(LiveEvent::Account { user_id }) if user_id == self.user.id => {
                        if !still_signed_in(&self.state, self.session_id, &self.user).await {
                            ending = Some(signed_out());
                            break;
                        }
                        vec![]
                    }
                    Ok(e) => self.on_event(e).await,
                    Err(RecvError::Lagged(_)) => self.catch_up().await,
                    Err(RecvError::Closed) => break,
                },
                // The queue moved: this chat's line comes from the instance's board, not a query.
                changed = board.changed(), if self.queued && self.resumed => match changed {
                    Ok(()) => {
                        let snapshot = board.borrow_and_update().clone();
                        self.line_from(&snapshot).await
                    }
                    Err(_) => vec![],
                },
                // The queue's waited time and ticket offer move with the clock; agents stay online.
                _ = tick.tick() => {
                    let snapshot = board.borrow().clone();
                    self.on_tick(&snapshot).await
                }
                // A phone that went away without closing answers no ping: after two silent
                // rounds the socket (and its memory) is let go.
                _ = ping.tick() => {
                    if heard.elapsed() > 2 * ping_every {
                        break;
                    }
                    if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                        break;
                    }
                    vec![]
                },
                _ = recheck.tick() => {
                    if !still_signed_in(&self.state, self.session_id, &self.user).await {
                        ending = Some(signed_out());
                        break;
                    }
                    vec![]
                },
                _ = &mut closed => {
                    // 1012 "service restart": the client reconnects (to this or another
                    // instance) and resumes.
                    ending = Some(CloseFrame {
                        code: close_code::RESTART,
                        reason: "server restarting, reconnect".into(),
                    });
                    break;
                }
            };
            for frame in frames {
                let text = serde_json::to_string(&frame).unwrap_or_default();
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
        }
        let _ = socket.send(Message::Close(ending)).await;
    }

    async fn on_frame(&mut self, text: &str) -> Vec<ServerFrame> {
        let frame = match serde_json::from_str::<ClientFrame>(text) {
            Ok(f) => f,
            Err(_) => return vec![refuse(AppError::malformed("frame", "malformed frame"))],
        };
        match frame {
            ClientFrame::Resume { after } => {
                self.sent_up_to = after.max(0);
                self.resumed = true;
                self.catch_up().await
            }
            ClientFrame::Typing => {
                // Past its rate a typing signal is dropped without a word.
                if !self.state.limits.typing(self.user.id) {
                    return vec![];
                }
                self.state
                    .hub
                    .publish(LiveEvent::ChatTyping {
                        chat_id: self.chat_id,
                        user_id: self.user.id,
                        name: self.user.display_name.clone(),
                    })
                    .await;
                vec![]
            }
            ClientFrame::Send { body, client_ref } => self.send(&body, client_ref).await,
        }
    }

    async fn send(&mut self, body: &str, client_ref: String) -> Vec<ServerFrame> {
        let body = match parse_chat_text(body) {
            Ok(b) => b,
            Err(e) => return vec![refuse(AppError::validation("body", e))],
        };
        match post_message(&self.state, &self.user, self.chat_id, body.as_str(), &[]).await {
            Ok(message_id) => vec![ServerFrame::Ack {
                client_ref,
                message_id,
            }],
            // Someone else's chat, or one taken over: the socket no longer belongs here.
            Err(AppError::NotFound) => vec![refuse(AppError::Forbidden)],
            Err(e) => vec![refuse(e)],
        }
    }

    async fn on_event(&mut self, event: LiveEvent) -> Vec<ServerFrame> {
        if !self.resumed {
            return vec![];
        }
        match event {
            LiveEvent::Chat {
                chat_id,
                message_only,
                next,
                ..
            } if chat_id == self.chat_id => match next {
                // The very next message for this client: no need to read the chat.
                Some(next) if message_only && next.after == self.sent_up_to => {
                    self.sent_up_to = next.message.id;
                    vec![ServerFrame::Messages {
                        messages: vec![next.message],
                    }]
                }
                _ if message_only => self.new_messages().await,
                _ => self.catch_up().await,
            },
            // This instance may have missed events: send the state and anything new.
            LiveEvent::Resync => self.catch_up().await,
            LiveEvent::ChatTyping {
                chat_id,
                user_id,
                name,
            } if chat_id == self.chat_id && user_id != self.user.id => {
                vec![ServerFrame::Typing { name }]
            }
            _ => vec![],
        }
    }

    async fn on_tick(&mut self, board: &QueueSnapshot) -> Vec<ServerFrame> {
        if self.user.role.is_staff() {
            let chats = self.state.db.chats();
            let since = now_ms() - ONLINE_WINDOW_MS;
            // An agent with a chat open stays counted as online (unless they chose away).
            if chats.is_online(self.user.id, since).await.unwrap_or(false) {
                let _ = chats.set_presence(self.user.id, true, now_ms()).await;
            }
            return vec![];
        }
        if self.resumed && self.queued {
            self.line_from(board).await
        } else {
            vec![]
        }
    }

    /// A queued chat's state with its line read off the board. A chat the board does not list
    /// (it just left the queue, or joined after the board was read) is read from the database.
    async fn line_from(&mut self, board: &QueueSnapshot) -> Vec<ServerFrame> {
        let max_wait = self.state.desk().settings.general.chat_max_wait_secs as i64;
        let listed = self.head.as_ref().and_then(|head| {
            let queue = board.line(head, now_ms(), max_wait)?;
            Some(ServerFrame::State {
                head: Box::new(head.clone()),
                queue: Some(queue),
            })
        });
        match listed {
            Some(frame) => vec![frame],
            None => self.state_frame(true).await,
        }
    }

    /// The chat's state, and (while queued) where it stands. With `only_queued`, nothing is sent
    /// for a chat that is no longer in the queue.
    async fn state_frame(&mut self, only_queued: bool) -> Vec<ServerFrame> {
        let Ok(Some(head)) = self.state.db.chats().head(self.chat_id).await else {
            return vec![];
        };
        self.queued = head.status == ChatStatus::Queued;
        self.head = self.queued.then(|| head.clone());
        if only_queued && head.status != ChatStatus::Queued {
            return vec![];
        }
        if !may_use(&self.user, &head) {
            return vec![refuse(AppError::Forbidden)];
        }
        let queue = queue_info(&self.state, &head).await.ok().flatten();
        vec![ServerFrame::State {
            head: Box::new(head),
            queue,
        }]
    }

    /// The state and every message this client does not have yet.
    async fn catch_up(&mut self) -> Vec<ServerFrame> {
        let mut frames = self.state_frame(false).await;
        frames.extend(self.new_messages().await);
        frames
    }

    /// Every message this client does not have yet.
    async fn new_messages(&mut self) -> Vec<ServerFrame> {
        match self
            .state
            .db
            .chats()
            .messages_after(self.chat_id, self.sent_up_to)
            .await
        {
            Ok(messages) if !messages.is_empty() => {
                self.sent_up_to = messages.last().map(|m| m.id).unwrap_or(self.sent_up_to);
                vec![ServerFrame::Messages { messages }]
            }
            Ok(_) => vec![],
            Err(e) => {
                tracing::error!(error = %e, "chat catch-up failed");
                vec![]
            }
        }
    }
}

/// 1008 "policy": the session ended. The page does not reconnect; it goes to the login page.
fn signed_out() -> CloseFrame {
    CloseFrame {
        code: close_code::POLICY,
        reason: "signed out".into(),
    }
}

fn refuse(error: AppError) -> ServerFrame {
    ServerFrame::Error {
        message: error.to_string(),
        error: Some(error),
    }
}
