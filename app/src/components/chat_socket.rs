//! The browser side of a chat's WebSocket: connects, says the last message it has, applies what
//! the server sends, and reconnects (resuming) when the connection drops.
use leptos::prelude::*;

use crate::domain::{ChatHead, ChatMessage, ChatStatus, ChatView, QueueInfo, ServerFrame};
use crate::error::AppError;

#[derive(Clone, Copy)]
pub struct ChatLive {
    pub head: RwSignal<ChatHead>,
    pub queue: RwSignal<Option<QueueInfo>>,
    pub messages: RwSignal<Vec<ChatMessage>>,
    /// Who is typing, while they are.
    pub typing: RwSignal<Option<String>>,
    pub error: RwSignal<Option<AppError>>,
    pub connected: RwSignal<bool>,
    /// The socket dropped and a reconnect is pending: the page says so until it is back.
    pub reconnecting: RwSignal<bool>,
    #[cfg(feature = "hydrate")]
    socket: StoredValue<Option<web_sys::WebSocket>, LocalStorage>,
    #[cfg(feature = "hydrate")]
    last_typing_sent: StoredValue<f64>,
    /// Reconnects tried since the server last answered (the backoff's attempt number).
    #[cfg(feature = "hydrate")]
    retries: StoredValue<u32>,
}

impl ChatLive {
    pub fn new(view: ChatView) -> ChatLive {
        ChatLive {
            head: RwSignal::new(view.head),
            queue: RwSignal::new(view.queue),
            messages: RwSignal::new(view.messages),
            typing: RwSignal::new(None),
            error: RwSignal::new(None),
            connected: RwSignal::new(false),
            reconnecting: RwSignal::new(false),
            #[cfg(feature = "hydrate")]
            socket: StoredValue::new_local(None),
            #[cfg(feature = "hydrate")]
            last_typing_sent: StoredValue::new(f64::MIN),
            #[cfg(feature = "hydrate")]
            retries: StoredValue::new(0),
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn apply(&self, frame: ServerFrame) {
        match frame {
            ServerFrame::State { head, queue } => {
                self.head.set(*head);
                self.queue.set(queue);
            }
            ServerFrame::Messages { messages } => self.messages.update(|have| {
                let last = have.last().map(|m| m.id).unwrap_or(0);
                have.extend(messages.into_iter().filter(|m| m.id > last));
            }),
            ServerFrame::Ack { .. } => self.error.set(None),
            ServerFrame::Typing { name } => {
                self.typing.set(Some(name));
                #[cfg(feature = "hydrate")]
                {
                    let typing = self.typing;
                    set_timeout(
                        move || {
                            let _ = typing.try_set(None);
                        },
                        std::time::Duration::from_secs(3),
                    );
                }
            }
            // A server that does not say which error it was: the generic wording.
            ServerFrame::Error { message, error } => self
                .error
                .set(Some(error.unwrap_or(AppError::Transport(message)))),
        }
    }

    /// Sends a message over the socket; `false` if it is not connected.
    pub fn send(&self, body: String) -> bool {
        #[cfg(feature = "hydrate")]
        let sent = self.send_frame(&crate::domain::ClientFrame::Send {
            body,
            client_ref: format!("{}", js_sys_now()),
        });
        #[cfg(not(feature = "hydrate"))]
        let sent = {
            let _ = body;
            false
        };
        sent
    }

    /// Tells the other side we are typing (at most every two seconds).
    pub fn typing(&self) {
        #[cfg(feature = "hydrate")]
        {
            let now = js_sys_now();
            if now - self.last_typing_sent.get_value() > 2000.0 {
                self.last_typing_sent.set_value(now);
                self.send_frame(&crate::domain::ClientFrame::Typing);
            }
        }
    }

    #[cfg(feature = "hydrate")]
    fn send_frame(&self, frame: &crate::domain::ClientFrame) -> bool {
        let text = serde_json::to_string(frame).unwrap_or_default();
        self.socket.with_value(|s| {
            s.as_ref()
                .is_some_and(|ws| ws.ready_state() == 1 && ws.send_with_str(&text).is_ok())
        })
    }

    /// Opens the socket (browser only) and keeps it open until the page goes away.
    pub fn connect(&self) {
        #[cfg(feature = "hydrate")]
        {
            open_socket(*self);
            let socket = self.socket;
            on_cleanup(move || {
                if let Some(Some(ws)) = socket.try_get_value() {
                    let _ = ws.close();
                }
            });
        }
    }
}

#[cfg(feature = "hydrate")]
fn js_sys_now() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

#[cfg(feature = "hydrate")]
fn open_socket(live: ChatLive) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Some(chat_id) = live.head.try_with_untracked(|h| h.id) else {
        return;
    };
    let location = window().location();
    let scheme = match location.protocol().ok().as_deref() {
        Some("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    let Ok(ws) = web_sys::WebSocket::new(&format!("{scheme}://{host}/chats/{chat_id}/socket"))
    else {
        return;
    };
    let for_open = ws.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || {
        let _ = live.connected.try_set(true);
        let _ = live.reconnecting.try_set(false);
        let after = live
            .messages
            .try_with_untracked(|m| m.last().map(|m| m.id).unwrap_or(0))
            .unwrap_or(0);
        let resume = crate::domain::ClientFrame::Resume { after };
        let _ = for_open.send_with_str(&serde_json::to_string(&resume).unwrap_or_default());
    });
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let Some(text) = ev.data().as_string() else {
                return;
            };
            if let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) {
                // The server answers: the next drop starts the backoff again from the bottom.
                let _ = live.retries.try_set_value(0);
                live.apply(frame);
            }
        });
    let on_close =
        Closure::<dyn FnMut(web_sys::CloseEvent)>::new(move |ev: web_sys::CloseEvent| {
            // A disposed page (signal gone) or an ended chat stays closed; otherwise resume.
            if live.connected.try_set(false).is_some() {
                return;
            }
            // 1008: the session ended (logged out elsewhere, account changed): sign in again.
            if ev.code() == 1008 {
                let _ = window().location().set_href("/login");
                return;
            }
            let ended = live
                .head
                .try_with_untracked(|h| h.status == ChatStatus::Ended)
                .unwrap_or(true);
            if !ended {
                // Growing, randomised waits: after a deploy every phone loses its socket at once,
                // and they should not all come back in the same second, again and again.
                let _ = live.reconnecting.try_set(true);
                let attempt = live.retries.try_get_value().unwrap_or(0);
                let _ = live.retries.try_set_value(attempt.saturating_add(1));
                let wait = crate::domain::reconnect_delay(attempt, js_sys::Math::random());
                set_timeout(move || open_socket(live), wait);
            }
        });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The socket owns its handlers for its whole life.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    let _ = live.socket.try_set_value(Some(ws));
}

/// A chat has an open composer while it is queued or active.
pub fn is_open(head: &ChatHead) -> bool {
    head.status != ChatStatus::Ended
}
