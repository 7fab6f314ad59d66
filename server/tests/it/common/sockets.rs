//! Signed-in people and their chat sockets, for the chat, limits and session tests.
use std::time::Duration;

use app::domain::{ChatHead, ChatMessage, ChatStart, ChatView, ClientFrame, ServerFrame};
use futures::{SinkExt, StreamExt};
use reqwest::Client;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::*;

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A signed-in person: an HTTP client and the session cookie for sockets.
pub struct Person {
    pub http: Client,
    pub cookie: String,
}

pub async fn person(app: &TestApp, username: &str) -> Person {
    person_at(&app.addr.to_string(), username).await
}

/// Signs in at a server's `host:port` (also one the test started as a process, or a balancer).
pub async fn person_at(base: &str, username: &str) -> Person {
    let http = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .post(format!("http://{base}/api/login"))
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = session_cookie(&res).expect("session cookie");
    Person { http, cookie }
}

pub async fn connect(app: &TestApp, who: &Person, chat: i64) -> Result<Ws, u16> {
    connect_at(&app.addr.to_string(), who, chat).await
}

/// A chat socket at a server's `host:port`.
pub async fn connect_at(base: &str, who: &Person, chat: i64) -> Result<Ws, u16> {
    let mut req = format!("ws://{base}/chats/{chat}/socket")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "cookie",
        format!("{}={}", app::ssr::auth::SESSION_COOKIE, who.cookie)
            .parse()
            .unwrap(),
    );
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
        Err(e) => panic!("websocket: {e}"),
    }
}

/// Connects and resumes after `after`; returns the socket and the first frames (state, messages).
pub async fn open(app: &TestApp, who: &Person, chat: i64, after: i64) -> Ws {
    let mut ws = connect(app, who, chat).await.expect("socket accepted");
    send(&mut ws, &ClientFrame::Resume { after }).await;
    ws
}

pub async fn send(ws: &mut Ws, frame: &ClientFrame) {
    ws.send(Message::Text(serde_json::to_string(frame).unwrap().into()))
        .await
        .unwrap();
}

/// The next frame that matches, within 5 seconds.
pub async fn next_matching(
    ws: &mut Ws,
    what: &str,
    pred: impl Fn(&ServerFrame) -> bool,
) -> ServerFrame {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .unwrap_or_else(|_| panic!("no {what} within 5 s"))
            .expect("socket closed")
            .unwrap();
        if let Message::Text(t) = msg {
            let frame: ServerFrame = serde_json::from_str(t.as_str()).unwrap();
            if pred(&frame) {
                return frame;
            }
        }
    }
}

pub async fn next_messages(ws: &mut Ws) -> Vec<ChatMessage> {
    match next_matching(ws, "messages", |f| {
        matches!(f, ServerFrame::Messages { .. })
    })
    .await
    {
        ServerFrame::Messages { messages } => messages,
        _ => unreachable!(),
    }
}

pub async fn next_state(ws: &mut Ws, pred: impl Fn(&ChatHead, Option<i64>) -> bool) -> ServerFrame {
    next_matching(ws, "state", |f| match f {
        ServerFrame::State { head, queue } => pred(head, queue.map(|q| q.position)),
        _ => false,
    })
    .await
}

pub async fn start(app: &TestApp, who: &Person, question: &str) -> reqwest::Response {
    who.http
        .post(app.url("/api/start_chat"))
        .form(&[
            ("name", "Test Member"),
            ("email", "member@example.com"),
            ("question", question),
        ])
        .send()
        .await
        .unwrap()
}

pub async fn start_ok(app: &TestApp, who: &Person, question: &str) -> i64 {
    let res = start(app, who, question).await;
    assert_eq!(res.status(), 200);
    match res.json::<ChatStart>().await.unwrap() {
        ChatStart::Started { id } => id,
        other => panic!("not started: {other:?}"),
    }
}

pub async fn call(
    app: &TestApp,
    who: &Person,
    endpoint: &str,
    args: &[(&str, &str)],
) -> reqwest::Response {
    app.call(&who.http, endpoint, args).await
}

pub async fn online(app: &TestApp, agent: &Person) {
    let res = call(app, agent, "set_presence", &[("online", "true")]).await;
    assert_eq!(res.status(), 200);
}

pub async fn view(app: &TestApp, who: &Person, id: i64) -> ChatView {
    let res = call(app, who, "get_chat", &[("id", &id.to_string())]).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}
