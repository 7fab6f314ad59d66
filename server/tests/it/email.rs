//! Email against a real SMTP server (maildev): every trigger, the reader's language, internal
//! notes never sent, an SMTP outage (nothing lost, nothing doubled), two senders on one
//! database, replies by email (and forged ones), and one-click unsubscribe.
use std::time::Duration;

use app::domain::{EntryKind, TicketStatus, TimelineItem};
use lettre::message::{header::ContentType, Attachment, MultiPart, SinglePart};
use serde_json::Value;

use crate::common::*;

fn token() -> String {
    format!("T{:08x}", rand::random::<u32>())
}

async fn ask(app: &TestApp, agent: &reqwest::Client, id: i64, question: &str) {
    let res = app
        .call(
            agent,
            "request_info",
            &[("id", &id.to_string()), ("question", question)],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

async fn reply(app: &TestApp, who: &reqwest::Client, id: i64, body: &str) {
    let res = app
        .call(
            who,
            "reply_ticket",
            &[("id", &id.to_string()), ("body", body)],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

fn text_of(mail: &Value) -> String {
    format!(
        "{}\n{}",
        mail["text"].as_str().unwrap_or(""),
        mail["html"].as_str().unwrap_or("")
    )
}

#[tokio::test]
async fn each_trigger_emails_the_member_in_their_language_and_never_a_note() {
    let app = spawn_mail_app().await;
    let (username, email) = own_member(&app, "es").await;
    let member = app.logged_in(&username).await;
    let agent = app.logged_in("agent").await;
    let tok = token();
    let title = format!("La tienda no carga {tok}");
    let id = submit_ok(
        &app,
        &member,
        &title,
        "es",
        "Desde ayer la página queda en blanco.",
    )
    .await;

    // Staff hear of the new ticket (in English).
    let new = wait_for_mail("agent@test.example.com", &tok, 1).await;
    assert!(
        new[0]["subject"]
            .as_str()
            .unwrap()
            .contains("New tech issue"),
        "{}",
        new[0]["subject"]
    );

    let secret = format!("NOTE-{tok}-internal");
    let note = app
        .call(
            &agent,
            "add_note",
            &[("id", &id.to_string()), ("body", &secret)],
        )
        .await;
    assert_eq!(note.status(), 200);
    ask(&app, &agent, id, "¿Qué navegador usa?").await;
    let got = wait_for_mail(&email, &tok, 1).await;
    let q = &got[0];
    let subject = q["subject"].as_str().unwrap();
    assert!(
        subject.starts_with(&format!("[#{id}] El equipo de TI necesita información")),
        "{subject}"
    );
    let body = text_of(q);
    assert!(body.contains("¿Qué navegador usa?"), "{body}");
    assert!(
        body.contains(&format!("/tickets/{id}")),
        "deep link: {body}"
    );
    assert!(
        body.contains("Escriba su respuesta encima de esta línea"),
        "{body}"
    );
    assert!(
        header(q, "list-unsubscribe").contains("/unsubscribe?u="),
        "{:?}",
        q["headers"]
    );
    assert_eq!(
        header(q, "list-unsubscribe-post"),
        "List-Unsubscribe=One-Click"
    );
    let reply_to = header(q, "reply-to");
    assert!(
        reply_to.contains(&format!("reply+{id}-")) && reply_to.contains(REPLY_DOMAIN),
        "{reply_to}"
    );

    // The member answers in the app: staff hear of it; then the agent replies and closes.
    reply(&app, &member, id, "Uso Firefox.").await;
    let answered = wait_for_mail("agent@test.example.com", &tok, 2).await;
    assert!(answered.iter().any(|m| m["subject"]
        .as_str()
        .unwrap()
        .contains("The member answered")));
    reply(&app, &agent, id, "Ya está arreglado.").await;
    let close = app
        .call(&agent, "close_ticket", &[("id", &id.to_string())])
        .await;
    assert_eq!(close.status(), 200);
    let all = wait_for_mail(&email, &tok, 3).await;
    let subjects: Vec<&str> = all.iter().map(|m| m["subject"].as_str().unwrap()).collect();
    assert!(
        subjects.iter().any(|s| s.contains("Nueva respuesta")),
        "{subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.contains("Cerrado")),
        "{subjects:?}"
    );
    let closed = all
        .iter()
        .find(|m| m["subject"].as_str().unwrap().contains("Cerrado"));
    let closed_text = text_of(closed.unwrap());
    assert!(
        closed_text.contains(&format!("/tickets/{id}?rate=good#rate")),
        "{closed_text}"
    );
    assert!(
        closed_text.contains("¿Qué tal lo hemos hecho?"),
        "{closed_text}"
    );

    // Nothing anyone received mentions the internal note.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for to in [
        email.as_str(),
        "agent@test.example.com",
        "admin@test.example.com",
    ] {
        for m in inbox(to, &tok).await {
            assert!(
                !text_of(&m).contains(&secret),
                "a note leaked to {to}: {}",
                m["subject"]
            );
        }
    }
    // Exactly one email per event: question, reply, closed.
    assert_eq!(inbox(&email, &tok).await.len(), 3);
}

#[tokio::test]
async fn a_chat_filed_as_a_ticket_is_emailed_in_english() {
    let app = spawn_mail_app().await;
    let (username, email) = own_member(&app, "chat").await;
    let member = person(&app, &username).await;
    let chat = start_ok(&app, &member, "My order page stays blank after I log in").await;
    let res = call(
        &app,
        &member,
        "chat_to_ticket",
        &[("id", &chat.to_string())],
    )
    .await;
    assert_eq!(res.status(), 200);
    let ticket: i64 = res.json().await.unwrap();
    let got = wait_for_mail(&email, &format!("[#{ticket}]"), 1).await;
    assert!(got[0]["subject"]
        .as_str()
        .unwrap()
        .contains("Your chat is now a tech issue"));
}

/// A TCP relay to maildev that the test switches on and off (SMTP "down" then "up").
async fn spawn_behind_smtp_relay() -> (TestApp, Relay) {
    let target = smtp_url().trim_start_matches("smtp://").parse().unwrap();
    let relay = Relay::start(target).await;
    relay.set_up(false);
    let port = relay.port;
    let app = spawn_app_with(move |c| {
        mail_config(c);
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    })
    .await;
    (app, relay)
}

#[tokio::test]
async fn an_smtp_outage_loses_nothing_and_sends_nothing_twice() {
    let (app, relay) = spawn_behind_smtp_relay().await;
    let (username, email) = own_member(&app, "outage").await;
    let member = app.logged_in(&username).await;
    let agent = app.logged_in("agent").await;
    let tok = token();
    let mut ids = vec![];
    for n in 0..3 {
        let id = submit_ok(
            &app,
            &member,
            &format!("Issue {n} {tok}"),
            "en",
            "It breaks.",
        )
        .await;
        ask(&app, &agent, id, "Which browser?").await;
        ids.push(id);
    }
    // Every send fails while the server is down; the rows wait with their tries counted.
    let outbox = app.state.db.outbox();
    for _ in 0..100 {
        let tried: i64 = sqlx::query_scalar(
            "select count(*) from outbox where kind = 'question' and attempts >= 1 and sent_at is null",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        if tried == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(inbox(&email, &tok).await.is_empty());
    assert!(outbox.pending(app::domain::Channel::Email).await.unwrap() >= 3);

    relay.set_up(true);
    let got = wait_for_mail(&email, &tok, 3).await;
    assert_eq!(got.len(), 3);
    // Several more polls and retry periods: still exactly one each.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = inbox(&email, &tok).await;
    assert_eq!(
        got.len(),
        3,
        "{:?}",
        got.iter().map(|m| &m["subject"]).collect::<Vec<_>>()
    );
    for id in ids {
        assert_eq!(
            got.iter()
                .filter(|m| m["subject"].as_str().unwrap().contains(&format!("[#{id}]")))
                .count(),
            1
        );
    }
}

#[tokio::test]
async fn two_senders_on_one_database_send_each_email_once() {
    let first = spawn_mail_app().await;
    let url = first.database_url.clone();
    let dir = first.files_dir.clone();
    let second = spawn_app_with(move |c| {
        mail_config(c);
        c.database_url = url;
        c.attachments_dir = dir;
    })
    .await;
    let (username, email) = own_member(&first, "pair").await;
    let member = first.logged_in(&username).await;
    let agent = second.logged_in("agent").await;
    let tok = token();
    for n in 0..10 {
        let id = submit_ok(
            &first,
            &member,
            &format!("Pair {n} {tok}"),
            "en",
            "It breaks.",
        )
        .await;
        ask(&second, &agent, id, "Which browser?").await;
    }
    wait_for_mail(&email, &tok, 10).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        inbox(&email, &tok).await.len(),
        10,
        "each question exactly once"
    );
}

/// The member's reply as their mail program sends it: the answer on top, the email quoted below.
fn reply_email(
    from: &str,
    to: &str,
    answer: &str,
    files: Vec<(String, Vec<u8>)>,
) -> lettre::Message {
    let quoted = format!(
        "{answer}\n\nOn Tue, 1 Dec 2026, Member Tech Support wrote:\n> ## Write your answer above \
         this line ##\n> Hello,\n> The IT team asked you something"
    );
    let mut parts = MultiPart::mixed().singlepart(
        SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(quoted),
    );
    for (name, bytes) in files {
        parts = parts.singlepart(Attachment::new(name).body(bytes, "image/png".parse().unwrap()));
    }
    lettre::Message::builder()
        .from(from.parse().unwrap())
        .to(to.parse().unwrap())
        .subject("Re: your tech issue")
        .multipart(parts)
        .unwrap()
}

/// A ticket waiting for its member, and the reply address from the email they got.
async fn awaiting_with_email(app: &TestApp, tag: &str) -> (i64, String, String, reqwest::Client) {
    let (username, email) = own_member(app, tag).await;
    let member = app.logged_in(&username).await;
    let agent = app.logged_in("agent").await;
    let tok = token();
    let id = submit_ok(
        app,
        &member,
        &format!("Printer {tok}"),
        "en",
        "It does not print.",
    )
    .await;
    ask(app, &agent, id, "Which model is it?").await;
    let got = wait_for_mail(&email, &tok, 1).await;
    let reply_to = header(&got[0], "reply-to")
        .trim_matches(['<', '>'])
        .to_string();
    let reply_to = reply_to
        .rsplit('<')
        .next()
        .unwrap()
        .trim_end_matches('>')
        .to_string();
    (id, email, reply_to, member)
}

#[tokio::test]
async fn a_reply_by_email_lands_on_the_ticket_with_its_screenshot_and_reopens_it() {
    let app = spawn_mail_app().await;
    let (id, email, reply_to, member) = awaiting_with_email(&app, "reply").await;
    let message = reply_email(
        &email,
        &reply_to,
        "It is the LaserJet 400.",
        vec![("shot.png".into(), png_bytes())],
    );
    let answer = send_to_listener(&app, message).await.expect("accepted");
    assert_eq!(answer.code().to_string(), "250");

    let t = detail(&app, &member, id).await;
    assert_eq!(t.summary.status, TicketStatus::Open);
    let last = t
        .timeline
        .iter()
        .filter_map(|i| match i {
            TimelineItem::Entry(e) if e.kind == EntryKind::Message => Some(e),
            _ => None,
        })
        .next_back()
        .expect("the reply");
    assert_eq!(
        last.body, "It is the LaserJet 400.",
        "the quoted email is not kept"
    );
    assert!(!last.author_is_staff);
    assert_eq!(last.attachments.len(), 1);
    assert_eq!(last.attachments[0].file_name, "shot.png");
}

#[tokio::test]
async fn forged_replies_are_refused_and_change_nothing() {
    let app = spawn_mail_app().await;
    let (id, email, reply_to, member) = awaiting_with_email(&app, "forge").await;
    let refused = |r: Result<_, lettre::transport::smtp::Error>| {
        let e = r.expect_err("refused");
        assert!(e.is_permanent(), "{e}");
        e.to_string()
    };

    // Someone else writes to the genuine reply address.
    let e = refused(
        send_to_listener(
            &app,
            reply_email("mallory@evil.example", &reply_to, "Close it", vec![]),
        )
        .await,
    );
    assert!(e.contains("only the member"), "{e}");
    // The member's address, but a reply address whose signature was changed.
    let (left, domain) = reply_to.split_once('@').unwrap();
    let tampered = format!(
        "{}{}@{domain}",
        &left[..left.len() - 1],
        if left.ends_with('0') { '1' } else { '0' }
    );
    let e =
        refused(send_to_listener(&app, reply_email(&email, &tampered, "Close it", vec![])).await);
    assert!(e.contains("not a valid reply address"), "{e}");
    // Another ticket's number with this ticket's signature.
    let other = reply_to.replacen(&format!("reply+{id}-"), &format!("reply+{}-", id + 1), 1);
    refused(send_to_listener(&app, reply_email(&email, &other, "Close it", vec![])).await);
    // Not a reply address at all.
    refused(
        send_to_listener(
            &app,
            reply_email(&email, "postmaster@reply.test.example.com", "Hi", vec![]),
        )
        .await,
    );

    let t = detail(&app, &member, id).await;
    assert_eq!(
        t.summary.status,
        TicketStatus::AwaitingFeedback,
        "nothing changed"
    );
    assert!(!t
        .timeline
        .iter()
        .any(|i| matches!(i, TimelineItem::Entry(e) if e.body.contains("Close it"))));
}

#[tokio::test]
async fn a_reply_with_a_fake_screenshot_bounces_and_keeps_nothing() {
    let app = spawn_mail_app().await;
    let (id, email, reply_to, member) = awaiting_with_email(&app, "fake").await;
    let fake = vec![("shot.png".to_string(), b"#!/bin/sh\nrm -rf /\n".to_vec())];
    let e = send_to_listener(&app, reply_email(&email, &reply_to, "See attached", fake))
        .await
        .expect_err("refused");
    assert!(e.is_permanent(), "{e}");
    assert!(e.to_string().contains("shot.png"), "names the file: {e}");
    let t = detail(&app, &member, id).await;
    assert_eq!(t.summary.status, TicketStatus::AwaitingFeedback);
    assert!(
        app.stored_files()
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".part")),
        "no staged file left"
    );
}

#[tokio::test]
async fn one_click_unsubscribe_stops_that_topic_and_a_bad_link_does_nothing() {
    let app = spawn_mail_app().await;
    let (id, email, _, member) = awaiting_with_email(&app, "unsub").await;
    let got = inbox(&email, &format!("[#{id}]")).await;
    let link = header(&got[0], "list-unsubscribe")
        .trim_matches(['<', '>'])
        .to_string();
    let path = &link[link.find("/unsubscribe").unwrap()..];
    let client = reqwest::Client::new();
    // A tampered link is refused.
    let bad = path.replace("&s=", "&s=00");
    let res = client
        .post(app.url(&bad))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // The mail program's one-click POST (RFC 8058): no sign-in, no page.
    let res = client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let settings: app::domain::NotificationSettings = app
        .call(&member, "get_notifications", &[])
        .await
        .json()
        .await
        .unwrap();
    let updates = settings
        .topics
        .iter()
        .find(|s| s.topic == app::domain::Topic::Updates)
        .unwrap();
    assert!(!updates.on);
    // The next question is not emailed; the app still shows it.
    let agent = app.logged_in("agent").await;
    reply(&app, &member, id, "LaserJet").await;
    ask(&app, &agent, id, "Which driver version?").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(inbox(&email, &format!("[#{id}]")).await.len(), 1);

    // Back on from the preferences page.
    let res = app
        .call(
            &member,
            "save_notifications",
            &[("updates", "on"), ("reminders", "on")],
        )
        .await;
    assert_eq!(res.status(), 200);
    ask_again(&app, &agent, &member, id).await;
    wait_for_mail(&email, &format!("[#{id}]"), 2).await;
}

async fn ask_again(app: &TestApp, agent: &reqwest::Client, member: &reqwest::Client, id: i64) {
    reply(app, member, id, "Version 2").await;
    ask(app, agent, id, "And the operating system?").await;
}

#[tokio::test]
async fn preferences_are_per_person_and_only_their_topics() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let topics = |c: reqwest::Client| {
        let app = &app;
        async move {
            let s: app::domain::NotificationSettings = app
                .call(&c, "get_notifications", &[])
                .await
                .json()
                .await
                .unwrap();
            s.topics
                .into_iter()
                .map(|s| (s.topic.as_str().to_string(), s.on))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        topics(silver.clone()).await,
        [("updates".into(), true), ("reminders".into(), true)]
    );
    assert_eq!(
        topics(agent.clone()).await,
        [
            ("new_tickets".into(), true),
            ("member_answers".into(), true),
            ("deadlines".into(), true)
        ]
    );
    // A member cannot turn staff topics on or off for anyone; unticked means off.
    let res = app
        .call(
            &silver,
            "save_notifications",
            &[("updates", "on"), ("new_tickets", "on")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        topics(silver).await,
        [("updates".into(), true), ("reminders".into(), false)]
    );
    assert_eq!(
        topics(agent).await,
        [
            ("new_tickets".into(), true),
            ("member_answers".into(), true),
            ("deadlines".into(), true)
        ]
    );
    // Nobody signed in: refused.
    let res = app.call(&app.client(), "get_notifications", &[]).await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn an_email_link_goes_through_sign_in_to_the_ticket() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let id = submit_ok(&app, &silver, "Printer offline", "en", "It does not print.").await;
    let fresh = app.client();
    let res = app.page(&fresh, &format!("/tickets/{id}")).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, format!("/login?next=%2Ftickets%2F{id}"));
    let res = fresh
        .post(app.url("/api/login"))
        .header("accept", "text/html")
        .form(&[
            ("username", "silver"),
            ("password", PASSWORD),
            ("next", &format!("/tickets/{id}")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], format!("/tickets/{id}").as_str());
    // Only to this site.
    for evil in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
    ] {
        let c = app.client();
        let res = c
            .post(app.url("/api/login"))
            .header("accept", "text/html")
            .form(&[
                ("username", "silver"),
                ("password", PASSWORD),
                ("next", evil),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/", "{evil}");
    }
}

#[tokio::test]
async fn an_oversized_reply_is_refused_whole_and_the_next_one_is_taken() {
    let app = spawn_app_with(|c| {
        mail_config(c);
        c.inbound_max_bytes = 16 * 1024;
    })
    .await;
    let (id, email, reply_to, member) = awaiting_with_email(&app, "big").await;
    let mut big = png_bytes();
    big.extend(std::iter::repeat_n(0u8, 64 * 1024));
    let e = send_to_listener(
        &app,
        reply_email(&email, &reply_to, "Huge", vec![("big.png".into(), big)]),
    )
    .await
    .expect_err("too big");
    assert!(e.is_permanent() && e.to_string().contains("too big"), "{e}");
    let t = detail(&app, &member, id).await;
    assert_eq!(
        t.summary.status,
        TicketStatus::AwaitingFeedback,
        "nothing of it kept"
    );
    let ok = send_to_listener(&app, reply_email(&email, &reply_to, "Small one", vec![])).await;
    assert!(ok.is_ok(), "{ok:?}");
    assert_eq!(
        detail(&app, &member, id).await.summary.status,
        TicketStatus::Open
    );
}

#[tokio::test]
async fn a_chat_with_an_agent_is_rated_from_its_email_and_push_and_a_chat_left_in_the_queue_is_not()
{
    let service = PushService::start().await;
    let app = spawn_app_with(|c| {
        mail_config(c);
        push_config(c);
    })
    .await;
    let (username, email) = own_member(&app, "ch").await;
    let member = person(&app, &username).await;
    let agent = person(&app, "agent").await;
    online(&app, &agent).await;
    let phone = service.device();
    assert_eq!(phone.subscribe(&app, &member.http).await.status(), 200);
    let key = server_key(&app, &member.http).await;
    let tok = token();
    // Plainly English and long enough that the random token cannot tip the language check
    // (with "stays blank" alone it was sometimes taken for Dutch).
    let question = format!(
        "My order page is empty when I open it {tok}\nIt happens every morning, and I cannot see my orders."
    );

    // Left in the queue before anyone answered: nothing to rate, so no notice.
    let left = start_ok(&app, &member, &question).await;
    let res = call(&app, &member, "end_chat", &[("id", &left.to_string())]).await;
    assert_eq!(res.status(), 200);

    let chat = start_ok(&app, &member, &question).await;
    let res = call(&app, &agent, "accept_chat", &[("id", &chat.to_string())]).await;
    assert_eq!(res.status(), 200);
    let res = call(&app, &agent, "end_chat", &[("id", &chat.to_string())]).await;
    assert_eq!(res.status(), 200);

    let mails = wait_for_mail(&email, &tok, 1).await;
    let mail = &mails[0];
    assert_eq!(
        mail["subject"],
        format!(
            "Your chat with the IT team has ended: My order page is empty when I open it {tok}"
        )
    );
    let text = text_of(mail);
    assert!(text.contains("Rate this chat"), "{text}");
    assert!(
        text.contains(&format!("/chats/{chat}?rate=good#rate"))
            && text.contains(&format!("/chats/{chat}?rate=bad#rate")),
        "{text}"
    );
    assert_eq!(
        header(mail, "reply-to"),
        "",
        "an ended chat takes no answer by email"
    );

    let pushes = service.wait_for(&phone, 1).await;
    let push = phone.open(&pushes[0], &key);
    assert_eq!(push["title"], mail["subject"]);
    assert!(push["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/chats/{chat}")));
    assert_eq!(push["tag"], format!("chat-{chat}"));
    assert_eq!(pushes[0].headers["topic"], format!("chat{chat}").as_str());
    let actions = push["actions"].as_array().unwrap();
    assert!(actions[0]["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/chats/{chat}?rate=good#rate")));

    // One of each, and nothing for the chat left in the queue.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(inbox(&email, &tok).await.len(), 1);
    assert_eq!(service.deliveries(&phone).len(), 1);

    // What the link opens: the rating of that chat.
    let res = call(
        &app,
        &member,
        "rate",
        &[
            ("kind", "chat"),
            ("id", &chat.to_string()),
            ("rating", "good"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}
