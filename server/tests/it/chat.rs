//! Tech Support Chat over real HTTP and real WebSockets, on SQLite and PostgreSQL.

use std::time::Duration;

use crate::common::*;
use app::domain::{
    ChatHead, ChatStart, ChatStatus, ClientFrame, ServerFrame, SystemNote, TicketLists,
};
use app::error::AppError;
use app::ssr::Config;
use futures::SinkExt;
use tokio_tungstenite::tungstenite::Message;

const QUESTION: &str = "My order page stays blank after I log in";

/// A new app with a Silver member's chat that the demo agent has taken.
async fn accepted_chat() -> (TestApp, Person, Person, i64) {
    accepted_chat_with(|_| {}).await
}

/// The same on a server with `tweak`ed settings.
async fn accepted_chat_with(tweak: impl FnOnce(&mut Config)) -> (TestApp, Person, Person, i64) {
    let app = spawn_app_with(tweak).await;
    let agent = person(&app, "agent").await;
    online(&app, &agent).await;
    let silver = person(&app, "silver").await;
    let chat = start_ok(&app, &silver, QUESTION).await;
    call(&app, &agent, "accept_chat", &[("id", &chat.to_string())]).await;
    (app, agent, silver, chat)
}

#[tokio::test]
async fn queue_accept_and_messages_both_ways_with_typing() {
    let app = spawn_app().await;
    let agent = person(&app, "agent").await;
    online(&app, &agent).await;
    let silver = person(&app, "silver").await;
    let diamond = person(&app, "diamond").await;
    let first = start_ok(&app, &silver, QUESTION).await;
    let second = start_ok(&app, &diamond, "The invoice download button gives an error").await;

    let mut s_ws = open(&app, &silver, first, 0).await;
    let mut d_ws = open(&app, &diamond, second, 0).await;
    next_state(&mut s_ws, |h, pos| {
        h.status == ChatStatus::Queued && pos == Some(1)
    })
    .await;
    next_state(&mut d_ws, |_, pos| pos == Some(2)).await;
    let v = view(&app, &diamond, second).await;
    let q = v.queue.unwrap();
    assert_eq!((q.position, q.agents_online), (2, 1));
    assert!(q.estimated_wait_secs.is_some());
    assert!(!q.offer_ticket);
    // The member number comes from the account, not the form.
    let mine = view(&app, &silver, first).await;
    assert_eq!(mine.head.member_number.as_deref(), Some("1000001"));

    // Accept next: the longest waiting (silver). Diamond moves up.
    let res = call(&app, &agent, "accept_chat", &[]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<i64>().await.unwrap(), first);
    next_state(&mut s_ws, |h, _| {
        h.status == ChatStatus::Active && h.agent_name.as_deref() == Some("Alex Agent")
    })
    .await;
    let joined = next_messages(&mut s_ws).await;
    assert!(joined
        .iter()
        .any(|m| m.system == Some(SystemNote::AgentJoined)));
    next_state(&mut d_ws, |_, pos| pos == Some(1)).await;

    let mut a_ws = open(&app, &agent, first, 0).await;
    next_messages(&mut a_ws).await;
    send(
        &mut a_ws,
        &ClientFrame::Send {
            body: "Hello, which browser?".into(),
            client_ref: "a1".into(),
        },
    )
    .await;
    match next_matching(&mut a_ws, "ack", |f| matches!(f, ServerFrame::Ack { .. })).await {
        ServerFrame::Ack {
            client_ref,
            message_id,
        } => {
            assert_eq!(client_ref, "a1");
            assert!(message_id > 0);
        }
        _ => unreachable!(),
    }
    let got = next_messages(&mut s_ws).await;
    assert_eq!(got.last().unwrap().body, "Hello, which browser?");
    assert!(got.last().unwrap().from_staff);

    send(&mut s_ws, &ClientFrame::Typing).await;
    match next_matching(&mut a_ws, "typing", |f| {
        matches!(f, ServerFrame::Typing { .. })
    })
    .await
    {
        ServerFrame::Typing { name } => assert_eq!(name, "Sofía Silva"),
        _ => unreachable!(),
    }
    send(
        &mut s_ws,
        &ClientFrame::Send {
            body: "Firefox".into(),
            client_ref: "s1".into(),
        },
    )
    .await;
    let got = next_messages(&mut a_ws).await;
    assert_eq!(got.last().unwrap().body, "Firefox");
    assert_eq!(
        got.last().unwrap().author_name.as_deref(),
        Some("Sofía Silva")
    );
}

#[tokio::test]
async fn a_reconnect_resumes_with_nothing_missing() {
    let (app, agent, silver, chat) = accepted_chat().await;
    let mut s_ws = open(&app, &silver, chat, 0).await;
    let have = next_messages(&mut s_ws).await;
    let last = have.last().unwrap().id;
    s_ws.close(None).await.unwrap();
    drop(s_ws);

    let mut a_ws = open(&app, &agent, chat, 0).await;
    for (i, body) in ["one", "two", "three"].iter().enumerate() {
        send(
            &mut a_ws,
            &ClientFrame::Send {
                body: body.to_string(),
                client_ref: format!("r{i}"),
            },
        )
        .await;
        next_matching(&mut a_ws, "ack", |f| matches!(f, ServerFrame::Ack { .. })).await;
    }
    let mut s_ws = open(&app, &silver, chat, last).await;
    let missed = next_messages(&mut s_ws).await;
    let bodies: Vec<_> = missed.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["one", "two", "three"]);
    assert!(missed.iter().all(|m| m.id > last));
}

#[tokio::test]
async fn leaving_the_queue_moves_the_others_up() {
    let app = spawn_app().await;
    let agent = person(&app, "agent").await;
    online(&app, &agent).await;
    let silver = person(&app, "silver").await;
    let diamond = person(&app, "diamond").await;
    let first = start_ok(&app, &silver, QUESTION).await;
    let second = start_ok(&app, &diamond, "The invoice download button gives an error").await;
    let mut d_ws = open(&app, &diamond, second, 0).await;
    next_state(&mut d_ws, |_, pos| pos == Some(2)).await;
    let res = call(&app, &silver, "end_chat", &[("id", &first.to_string())]).await;
    assert_eq!(res.status(), 200);
    next_state(&mut d_ws, |_, pos| pos == Some(1)).await;
    let v = view(&app, &silver, first).await;
    assert_eq!(v.head.status, ChatStatus::Ended);
    assert!(v
        .messages
        .iter()
        .any(|m| m.system == Some(SystemNote::MemberLeft)));
    // Ending twice is a clear conflict.
    let res = call(&app, &silver, "end_chat", &[("id", &first.to_string())]).await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn no_agent_or_a_long_wait_offers_a_ticket_with_the_chat_text() {
    let app = spawn_app_with(|c| c.chat_max_wait = Duration::from_secs(0)).await;
    let silver = person(&app, "silver").await;
    let chat = start_ok(&app, &silver, QUESTION).await;
    let q = view(&app, &silver, chat).await.queue.unwrap();
    assert_eq!(q.agents_online, 0);
    assert_eq!(q.estimated_wait_secs, None);
    assert!(q.offer_ticket);
    let agent = person(&app, "agent").await;
    online(&app, &agent).await;
    // An agent is online now, but the (zero) maximum wait has passed.
    let q = view(&app, &silver, chat).await.queue.unwrap();
    assert_eq!(q.agents_online, 1);
    assert!(q.offer_ticket);

    let res = call(
        &app,
        &silver,
        "chat_to_ticket",
        &[("id", &chat.to_string())],
    )
    .await;
    assert_eq!(res.status(), 200);
    let ticket: i64 = res.json().await.unwrap();
    let (_, lists) = app
        .call(&silver.http, "my_tickets", &[])
        .await
        .json::<(serde_json::Value, TicketLists)>()
        .await
        .unwrap();
    let t = lists
        .open
        .iter()
        .find(|t| t.id == ticket)
        .expect("in Open Tech Issues");
    assert!(t.title.contains("My order page stays blank"));
    let v = view(&app, &silver, chat).await;
    assert_eq!(v.head.status, ChatStatus::Ended);
    assert_eq!(v.head.ticket_id, Some(ticket));
}

async fn chats_of(app: &TestApp, who: &Person) -> Vec<ChatHead> {
    call(app, who, "my_chats", &[]).await.json().await.unwrap()
}

#[tokio::test]
async fn a_question_in_another_language_gets_the_ticket_offer_first() {
    let app = spawn_app().await;
    let silver = person(&app, "silver").await;
    let res = start(
        &app,
        &silver,
        "No puedo procesar el pedido, la página se queda en blanco",
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<ChatStart>().await.unwrap(),
        ChatStart::NotEnglish {
            language: "es".into()
        }
    );
    assert!(
        chats_of(&app, &silver).await.is_empty(),
        "no chat was created"
    );

    // Without JavaScript the browser posts the plain form: it comes back to the form with the
    // question kept and the same offer, rendered by the server.
    let question = "No puedo procesar el pedido, la página se queda en blanco";
    let res = silver
        .http
        .post(app.url("/api/start_chat"))
        .header("accept", "text/html")
        .header("referer", app.url("/chat"))
        .form(&[
            ("name", "Sofía"),
            ("email", "sofia@example.com"),
            ("question", question),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/chat?question="), "{location}");
    let html = app.html(&silver.http, &location).await;
    assert!(html.contains("Our chat is in English only"), "no offer");
    assert!(html.contains(question), "the question was lost");
    assert!(
        html.contains("/tickets/new?language=es&amp;title="),
        "no ticket link in Spanish"
    );
    assert!(html.contains(r#"name="continue_in_english""#));
    assert!(
        chats_of(&app, &silver).await.is_empty(),
        "no chat was created"
    );

    // "Continue in English" goes ahead.
    let res = silver
        .http
        .post(app.url("/api/start_chat"))
        .form(&[
            ("name", "Sofía"),
            ("email", "sofia@example.com"),
            (
                "question",
                "No puedo procesar el pedido, la página se queda en blanco",
            ),
            ("continue_in_english", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert!(matches!(
        res.json::<ChatStart>().await.unwrap(),
        ChatStart::Started { .. }
    ));
}

#[tokio::test]
async fn one_open_chat_per_member_and_a_per_member_hourly_limit() {
    let app = spawn_app_with(|c| c.chat_max_per_hour = 2).await;
    let silver = person(&app, "silver").await;
    let a = start_ok(&app, &silver, QUESTION).await;
    assert_eq!(
        start_ok(&app, &silver, QUESTION).await,
        a,
        "the open chat is returned"
    );
    call(&app, &silver, "end_chat", &[("id", &a.to_string())]).await;
    let b = start_ok(&app, &silver, QUESTION).await;
    call(&app, &silver, "end_chat", &[("id", &b.to_string())]).await;
    let res = start(&app, &silver, QUESTION).await;
    assert_eq!(res.status(), 429);
    assert!(matches!(app_error(res).await, AppError::RateLimited { .. }));
    // Another member (possibly on the same address) is not affected.
    let diamond = person(&app, "diamond").await;
    start_ok(&app, &diamond, QUESTION).await;

    // Bad form input is a field error.
    let res = diamond
        .http
        .post(app.url("/api/start_chat"))
        .form(&[
            ("name", "D"),
            ("email", "not-an-email"),
            ("question", QUESTION),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(matches!(app_error(res).await, AppError::Validation { field, .. } if field == "email"));
}

#[tokio::test]
async fn someone_elses_chat_is_refused_everywhere() {
    let app = spawn_app().await;
    let agent = person(&app, "agent").await;
    online(&app, &agent).await;
    let silver = person(&app, "silver").await;
    let chat = start_ok(&app, &silver, QUESTION).await;
    let id = chat.to_string();
    let diamond = person(&app, "diamond").await;
    assert_eq!(connect(&app, &diamond, chat).await.err(), Some(404));
    for endpoint in ["get_chat", "end_chat", "chat_to_ticket"] {
        let res = call(&app, &diamond, endpoint, &[("id", &id)]).await;
        assert_eq!(res.status(), 404, "{endpoint}");
    }
    let res = app
        .upload(
            &diamond.http,
            "send_chat_files",
            &[("chat", &id), ("body", "hi")],
            &[],
        )
        .await;
    assert_eq!(res.status(), 404);
    // Staff only reach chats they accepted.
    assert_eq!(connect(&app, &agent, chat).await.err(), Some(404));
    let admin = person(&app, "admin").await;
    call(&app, &agent, "accept_chat", &[("id", &id)]).await;
    assert_eq!(connect(&app, &admin, chat).await.err(), Some(404));
    assert!(connect(&app, &agent, chat).await.is_ok());
    // Members and managers cannot work the queue; managers cannot chat at all.
    assert_eq!(
        call(&app, &silver, "load_chat_console", &[]).await.status(),
        403
    );
    assert_eq!(call(&app, &silver, "accept_chat", &[]).await.status(), 403);
    let manager = person(&app, "manager").await;
    let res = start(&app, &manager, QUESTION).await;
    assert!(matches!(app_error(res).await, AppError::TierTooLow { .. }));
    assert_eq!(connect(&app, &manager, chat).await.err(), Some(401));
    let anonymous = Person {
        http: app.client(),
        cookie: "nope".into(),
    };
    assert_eq!(connect(&app, &anonymous, chat).await.err(), Some(401));
}

#[tokio::test]
async fn malformed_and_oversized_frames_get_an_error_frame_and_the_socket_lives_on() {
    let app = spawn_app().await;
    let silver = person(&app, "silver").await;
    let chat = start_ok(&app, &silver, QUESTION).await;
    let mut ws = open(&app, &silver, chat, 0).await;
    for bad in [
        Message::Text("{not json".into()),
        Message::Text(r#"{"type":"shout","body":"x"}"#.into()),
        Message::Binary(vec![0u8, 1, 2].into()),
    ] {
        ws.send(bad).await.unwrap();
        next_matching(&mut ws, "error", |f| matches!(f, ServerFrame::Error { .. })).await;
    }
    let long = "x".repeat(2001);
    send(
        &mut ws,
        &ClientFrame::Send {
            body: long,
            client_ref: "big".into(),
        },
    )
    .await;
    match next_matching(&mut ws, "error", |f| matches!(f, ServerFrame::Error { .. })).await {
        ServerFrame::Error { message, error } => {
            assert!(message.contains("2000"), "{message}");
            assert!(
                matches!(error, Some(AppError::Validation { ref field, .. }) if field == "body"),
                "{error:?}"
            );
        }
        _ => unreachable!(),
    }
    send(
        &mut ws,
        &ClientFrame::Send {
            body: "   ".into(),
            client_ref: "empty".into(),
        },
    )
    .await;
    next_matching(&mut ws, "error", |f| matches!(f, ServerFrame::Error { .. })).await;
    // Still usable: a member may write while waiting.
    send(
        &mut ws,
        &ClientFrame::Send {
            body: "Still here".into(),
            client_ref: "ok".into(),
        },
    )
    .await;
    next_matching(
        &mut ws,
        "ack",
        |f| matches!(f, ServerFrame::Ack { client_ref, .. } if client_ref == "ok"),
    )
    .await;
}

#[tokio::test]
async fn agents_have_a_cap_and_a_canned_answer_for_other_languages() {
    let app = spawn_app_with(|c| c.chat_agent_cap = 1).await;
    let agent = person(&app, "agent").await;
    online(&app, &agent).await;
    let silver = person(&app, "silver").await;
    let diamond = person(&app, "diamond").await;
    let first = start_ok(&app, &silver, QUESTION).await;
    let second = start_ok(&app, &diamond, "The invoice download button gives an error").await;
    assert_eq!(call(&app, &agent, "accept_chat", &[]).await.status(), 200);
    let res = call(&app, &agent, "accept_chat", &[("id", &second.to_string())]).await;
    assert_eq!(res.status(), 409);
    assert!(matches!(app_error(res).await, AppError::Conflict { .. }));

    let mut s_ws = open(&app, &silver, first, 0).await;
    next_messages(&mut s_ws).await;
    let res = call(
        &app,
        &agent,
        "ask_for_ticket",
        &[("id", &first.to_string())],
    )
    .await;
    assert_eq!(res.status(), 200);
    let got = next_messages(&mut s_ws).await;
    assert_eq!(got.last().unwrap().system, Some(SystemNote::AskForTicket));

    // The agent turns the chat into a ticket: the member finds it in Open Tech Issues.
    let res = call(
        &app,
        &agent,
        "chat_to_ticket",
        &[("id", &first.to_string())],
    )
    .await;
    let ticket: i64 = res.json().await.unwrap();
    let (_, lists) = app
        .call(&silver.http, "my_tickets", &[])
        .await
        .json::<(serde_json::Value, TicketLists)>()
        .await
        .unwrap();
    assert!(lists.open.iter().any(|t| t.id == ticket));
    // The cap is free again.
    assert_eq!(call(&app, &agent, "accept_chat", &[]).await.status(), 200);
}

#[tokio::test]
async fn screenshots_in_chat_go_through_the_upload_pipeline() {
    let (app, agent, silver, chat) = accepted_chat().await;
    let mut a_ws = open(&app, &agent, chat, 0).await;
    next_messages(&mut a_ws).await;
    let res = app
        .upload(
            &silver.http,
            "send_chat_files",
            &[("chat", &chat.to_string()), ("body", "see")],
            &[("shot.png", png_bytes())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let got = next_messages(&mut a_ws).await;
    let file = &got.last().unwrap().attachments[0];
    assert_eq!(file.file_name, "shot.png");
    let url = format!("/chat-files/{}", file.id);
    assert_eq!(
        agent.http.get(app.url(&url)).send().await.unwrap().status(),
        200
    );
    let res = silver.http.get(app.url(&url)).send().await.unwrap();
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let diamond = person(&app, "diamond").await;
    assert_eq!(
        diamond
            .http
            .get(app.url(&url))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let res = app
        .upload(
            &silver.http,
            "send_chat_files",
            &[("chat", &chat.to_string()), ("body", "")],
            &[("fake.png", b"<html>".to_vec())],
        )
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn on_postgres_two_instances_behave_as_one() {
    if !backend_is_postgres() {
        eprintln!("SQLite run: the two-instance chat test runs with TEST_DATABASE=postgres");
        return;
    }
    let a = spawn_app().await;
    let url = a.database_url.clone();
    let b = spawn_app_with(move |c| c.database_url = url).await;
    let agent_b = person(&b, "agent").await;
    online(&b, &agent_b).await;
    let silver_a = person(&a, "silver").await;
    let diamond_b = person(&b, "diamond").await;
    let first = start_ok(&a, &silver_a, QUESTION).await;
    let second = start_ok(&b, &diamond_b, "The invoice download button gives an error").await;
    // Positions agree on both instances.
    assert_eq!(view(&a, &silver_a, first).await.queue.unwrap().position, 1);
    assert_eq!(
        view(&b, &diamond_b, second).await.queue.unwrap().position,
        2
    );
    let mut d_ws = open(&b, &diamond_b, second, 0).await;
    let mut s_ws = open(&a, &silver_a, first, 0).await;
    next_state(&mut s_ws, |_, pos| pos == Some(1)).await;

    // Accepted on B: gone from the queue everywhere, the member on A hears it.
    assert_eq!(call(&b, &agent_b, "accept_chat", &[]).await.status(), 200);
    next_state(&mut s_ws, |h, _| h.status == ChatStatus::Active).await;
    next_state(&mut d_ws, |_, pos| pos == Some(1)).await;
    let (_, console): (serde_json::Value, app::domain::ChatConsole) =
        call(&a, &person(&a, "admin").await, "load_chat_console", &[])
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(console.waiting.len(), 1);

    let mut a_ws = open(&b, &agent_b, first, 0).await;
    next_messages(&mut a_ws).await;
    send(
        &mut s_ws,
        &ClientFrame::Send {
            body: "from A".into(),
            client_ref: "x".into(),
        },
    )
    .await;
    let got = next_messages(&mut a_ws).await;
    assert_eq!(got.last().unwrap().body, "from A");
    send(
        &mut a_ws,
        &ClientFrame::Send {
            body: "from B".into(),
            client_ref: "y".into(),
        },
    )
    .await;
    loop {
        let got = next_messages(&mut s_ws).await;
        if got.iter().any(|m| m.body == "from B") {
            break;
        }
    }
}

#[tokio::test]
async fn a_queue_move_is_read_once_and_every_waiting_member_hears_their_new_place() {
    let app = spawn_app().await;
    let agent = person(&app, "agent").await;
    online(&app, &agent).await;
    let mut waiting = Vec::new();
    for n in 0..6 {
        let (username, _) = own_member(&app, &format!("wait{n}")).await;
        let member = person(&app, &username).await;
        let chat = start_ok(&app, &member, QUESTION).await;
        waiting.push((member, chat));
    }
    let mut sockets = Vec::new();
    for (place, (member, chat)) in waiting.iter().enumerate() {
        let mut ws = open(&app, member, *chat, 0).await;
        let place = place as i64 + 1;
        next_state(&mut ws, |_, pos| pos == Some(place)).await;
        sockets.push(ws);
    }
    let board = app.state.hub.queue_board();
    // Settled: nothing is still being read from the chats started above.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let reads_before = board.borrow().reads;

    // The first in line leaves: the five behind each hear their own new place.
    let res = call(
        &app,
        &waiting[0].0,
        "end_chat",
        &[("id", &waiting[0].1.to_string())],
    )
    .await;
    assert_eq!(res.status(), 200);
    for (place, ws) in sockets.iter_mut().enumerate().skip(1) {
        let place = place as i64;
        next_state(ws, |_, pos| pos == Some(place)).await;
    }
    // One read of the queue served all five (a second only if the periodic refresh fell in
    // between); before the board each socket read the queue itself, four queries each.
    let reads = board.borrow().reads - reads_before;
    assert!(
        (1..=2).contains(&reads),
        "{reads} reads of the queue for one move"
    );
}

#[tokio::test]
async fn the_pre_chat_hint_asks_the_server_which_language_a_question_is_in() {
    let app = spawn_app().await;
    let silver = person(&app, "silver").await;
    async fn guess(app: &TestApp, who: &Person, question: &str) -> reqwest::Response {
        call(app, who, "guess_chat_language", &[("question", question)]).await
    }
    let res = guess(
        &app,
        &silver,
        "No puedo procesar el pedido, la página se queda en blanco",
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Option<String>>().await.unwrap().as_deref(),
        Some("es")
    );
    let res = guess(&app, &silver, "My order page stays blank after I log in").await;
    assert_eq!(res.json::<Option<String>>().await.unwrap(), None);
    // What a chat question may not be is refused as it is on the form itself.
    let res = guess(&app, &silver, &"palabra ".repeat(400)).await;
    assert!(
        matches!(app_error(res).await, AppError::Validation { field, .. } if field == "question")
    );
    let res = guess(&app, &silver, "   ").await;
    assert!(matches!(app_error(res).await, AppError::Validation { .. }));
    // Only members who may chat get an answer.
    let manager = person(&app, "manager").await;
    let res = guess(&app, &manager, "No puedo procesar el pedido").await;
    assert!(matches!(app_error(res).await, AppError::TierTooLow { .. }));
    let anonymous = Person {
        http: app.client(),
        cookie: "nope".into(),
    };
    assert_eq!(
        guess(&app, &anonymous, "No puedo procesar el pedido")
            .await
            .status(),
        401
    );
}

/// A new message rides along with its event to the chat's sockets, but only to a socket that
/// has sent everything before it: one written on another instance whose word was lost (here:
/// straight into the database) is read from the database before the next is passed on. What
/// rides along is what the database holds.
#[tokio::test]
async fn a_socket_passes_a_message_on_only_after_everything_before_it() {
    let (app, agent, silver, chat) = accepted_chat().await;
    let mut s_ws = open(&app, &silver, chat, 0).await;
    next_messages(&mut s_ws).await;
    let mut a_ws = open(&app, &agent, chat, 0).await;
    next_messages(&mut a_ws).await;

    let say = |body: &str, n: usize| ClientFrame::Send {
        body: body.to_string(),
        client_ref: format!("a{n}"),
    };
    send(&mut a_ws, &say("first, heard", 1)).await;
    let heard = next_messages(&mut s_ws).await;
    assert_eq!(
        heard.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(),
        ["first, heard"]
    );

    let agent_id: i64 = sqlx::query_scalar("select id from users where username = 'agent'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into chat_messages (chat_id, author_id, kind, body, created_at) \
         values ($1, $2, 'message', 'second, never announced', $3)",
    )
    .bind(chat)
    .bind(agent_id)
    .bind(app::ssr::db::now_ms())
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    send(&mut a_ws, &say("third, heard", 2)).await;
    let mut live = heard;
    let mut bodies = Vec::new();
    while bodies.len() < 2 {
        let got = next_messages(&mut s_ws).await;
        bodies.extend(got.iter().map(|m| m.body.clone()));
        live.extend(got);
    }
    assert_eq!(bodies, ["second, never announced", "third, heard"]);

    // Read afresh, the chat holds exactly what the live socket passed on.
    let mut fresh = open(&app, &silver, chat, live[0].id - 1).await;
    let stored = next_messages(&mut fresh).await;
    assert_eq!(stored, live);
}

/// Both people in a chat write at once, each over their own socket: another socket hears every
/// message once, in the chat's order. A message rides along with the id of the chat's message
/// before it; with writers racing, a wrong one would make a socket skip or repeat a message.
#[tokio::test]
async fn messages_written_at_once_by_both_sides_reach_a_socket_once_each_in_order() {
    let (app, agent, silver, chat) =
        accepted_chat_with(|c| c.chat_messages_per_second = 1_000).await;
    let mut watcher = open(&app, &silver, chat, 0).await;
    let mut heard = next_messages(&mut watcher).await;
    let mut s_ws = open(&app, &silver, chat, 0).await;
    let mut a_ws = open(&app, &agent, chat, 0).await;

    const EACH: usize = 25;
    let frames = |who: &str| -> Vec<ClientFrame> {
        (0..EACH)
            .map(|n| ClientFrame::Send {
                body: format!("{who} {n}"),
                client_ref: format!("{who}-{n}"),
            })
            .collect()
    };
    let (from_member, from_agent) = (frames("member"), frames("agent"));
    tokio::join!(
        async {
            for f in &from_member {
                send(&mut s_ws, f).await;
            }
        },
        async {
            for f in &from_agent {
                send(&mut a_ws, f).await;
            }
        },
    );
    let written = |m: &app::domain::ChatMessage| {
        m.body.starts_with("member ") || m.body.starts_with("agent ")
    };
    while heard.iter().filter(|m| written(m)).count() < 2 * EACH {
        heard.extend(next_messages(&mut watcher).await);
    }

    let ids: Vec<i64> = heard.iter().map(|m| m.id).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "out of order or repeated: {ids:?}"
    );
    for who in ["member", "agent"] {
        let bodies: Vec<&str> = heard
            .iter()
            .filter(|m| m.body.starts_with(&format!("{who} ")))
            .map(|m| m.body.as_str())
            .collect();
        let sent: Vec<String> = (0..EACH).map(|n| format!("{who} {n}")).collect();
        assert_eq!(bodies, sent, "{who}'s messages as heard");
    }
    // Read afresh, the chat holds exactly what the live socket passed on.
    let mut fresh = open(&app, &agent, chat, 0).await;
    assert_eq!(next_messages(&mut fresh).await, heard);
}

#[tokio::test]
async fn a_message_into_an_ended_chat_is_refused_and_not_stored() {
    let (app, agent, silver, chat) = accepted_chat().await;
    let mut s_ws = open(&app, &silver, chat, 0).await;
    next_messages(&mut s_ws).await;
    let res = call(&app, &agent, "end_chat", &[("id", &chat.to_string())]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from chat_messages where chat_id = $1")
            .bind(chat)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    let stored_before = count().await;
    send(
        &mut s_ws,
        &ClientFrame::Send {
            body: "One more thing".into(),
            client_ref: "late".into(),
        },
    )
    .await;
    let refused = next_matching(&mut s_ws, "a refused message", |f| {
        matches!(f, ServerFrame::Error { .. })
    })
    .await;
    assert!(
        matches!(
            refused,
            ServerFrame::Error {
                error: Some(AppError::ChatEnded),
                ..
            }
        ),
        "{refused:?}"
    );
    assert_eq!(count().await, stored_before);
}

/// A chat message's commit skips the wait for the disk flush, for its own transaction only
/// (migration 20261205000002): whatever the same connection does next commits as usual.
#[tokio::test]
async fn a_chat_message_alone_commits_without_waiting_for_the_flush() {
    if !backend_is_postgres() {
        eprintln!(
            "SQLite run: asynchronous commit is PostgreSQL's; runs with TEST_DATABASE=postgres"
        );
        return;
    }
    let (app, _agent, _silver, chat) = accepted_chat().await;
    let silver_id = app.user_id("silver").await;
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
    assert_eq!(synchronous_commit(&mut tx).await, "on");
    let added: Option<i64> =
        sqlx::query_scalar("select message_id from add_chat_message($1, $2, 'Still blank', $3)")
            .bind(chat)
            .bind(silver_id)
            .bind(app::ssr::db::now_ms())
            .fetch_optional(&mut *tx)
            .await
            .unwrap();
    assert!(added.is_some(), "the message was written");
    assert_eq!(
        synchronous_commit(&mut tx).await,
        "off",
        "the message's transaction commits asynchronously"
    );
    tx.commit().await.unwrap();
    assert_eq!(
        synchronous_commit(&mut conn).await,
        "on",
        "the next transaction on the same connection waits for the flush again"
    );
    let stored: i64 = sqlx::query_scalar("select count(*) from chat_messages where id = $1")
        .bind(added)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
}

/// The connection's `synchronous_commit` as it stands (within its transaction, if any).
async fn synchronous_commit(conn: &mut sqlx::AnyConnection) -> String {
    sqlx::query_scalar("show synchronous_commit")
        .fetch_one(conn)
        .await
        .unwrap()
}
