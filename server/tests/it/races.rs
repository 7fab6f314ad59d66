//! Requests that race each other: each rule must hold however many arrive at once.

use app::domain::{ChatStart, Role, TicketStatus, Tier, BODY_MAX, TITLE_MAX};

use crate::common::*;

const QUESTION: &str = "My order page stays blank after I log in";

async fn open_chats(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from chats c join users u on u.id = c.member_id \
         where u.username = $1 and c.status <> 'ended'",
    )
    .bind(username)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn chats_started(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from chats c join users u on u.id = c.member_id where u.username = $1",
    )
    .bind(username)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn parallel_chat_starts_open_one_chat_within_the_hourly_cap() {
    let app = spawn_app_with(|c| c.chat_max_per_hour = 2).await;
    let silver = person(&app, "silver").await;
    let starts = (0..12).map(|_| start(&app, &silver, QUESTION));
    let answers = futures::future::join_all(starts).await;
    let mut ids = Vec::new();
    for res in answers {
        if res.status() == 200 {
            if let ChatStart::Started { id } = res.json::<ChatStart>().await.unwrap() {
                ids.push(id);
            }
        }
    }
    ids.dedup();
    assert_eq!(
        open_chats(&app, "silver").await,
        1,
        "one open chat per member"
    );
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    // End it and race again: the hourly cap (2) holds too.
    let res = app
        .call(&silver.http, "end_chat", &[("id", &ids[0].to_string())])
        .await;
    assert_eq!(res.status(), 200);
    let starts = (0..12).map(|_| start(&app, &silver, QUESTION));
    futures::future::join_all(starts).await;
    assert_eq!(chats_started(&app, "silver").await, 2);
}

#[tokio::test]
async fn parallel_accepts_never_exceed_the_agent_cap() {
    let app = spawn_app_with(|c| {
        c.chat_agent_cap = 2;
        c.chat_max_per_hour = 100;
    })
    .await;
    let mut chats = Vec::new();
    for i in 0..6 {
        let name = format!("member{i}");
        app.add_user(&name, Tier::Gold, Role::Member).await;
        let who = person(&app, &name).await;
        chats.push(start_ok(&app, &who, QUESTION).await);
    }
    let agent = person(&app, "agent").await;
    let accepts = chats.iter().map(|id| {
        let id = id.to_string();
        let (app, agent) = (&app, &agent);
        async move {
            app.call(&agent.http, "accept_chat", &[("id", &id)])
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(accepts).await;
    let active: i64 = sqlx::query_scalar(
        "select count(*) from chats c join users u on u.id = c.agent_id \
         where u.username = 'agent' and c.status = 'active'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(active, 2, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| s.as_u16() == 200).count(), 2);
}

#[tokio::test]
async fn a_chat_turned_into_a_ticket_twice_at_once_makes_one_ticket() {
    let app = spawn_app().await;
    let silver = person(&app, "silver").await;
    let chat = start_ok(&app, &silver, QUESTION).await;
    let before: i64 = sqlx::query_scalar("select count(*) from tickets")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let turns = (0..8).map(|_| {
        let id = chat.to_string();
        let (app, silver) = (&app, &silver);
        async move {
            app.call(&silver.http, "chat_to_ticket", &[("id", &id)])
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(turns).await;
    let after: i64 = sqlx::query_scalar("select count(*) from tickets")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(after - before, 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| s.as_u16() == 200).count(), 1);
}

#[tokio::test]
async fn a_chat_ticket_has_a_one_line_title_and_a_description_within_the_limit() {
    let app = spawn_app().await;
    let silver = person(&app, "silver").await;
    let question = format!("Line one of my question\nline two {}", "x".repeat(150));
    let chat = start_ok(&app, &silver, &question).await;
    let mut ws = open(&app, &silver, chat, 0).await;
    for i in 0..8 {
        send(
            &mut ws,
            &app::domain::ClientFrame::Send {
                body: format!("{i} {}", "long message ".repeat(150)),
                client_ref: format!("r{i}"),
            },
        )
        .await;
        next_matching(&mut ws, "ack", |f| {
            matches!(f, app::domain::ServerFrame::Ack { .. })
        })
        .await;
    }
    let res = app
        .call(&silver.http, "chat_to_ticket", &[("id", &chat.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    let (title, description): (String, String) =
        sqlx::query_as("select title, description from tickets where id = $1")
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(!title.contains('\n'), "{title:?}");
    assert!(title.chars().count() <= TITLE_MAX, "{}", title.len());
    assert!(
        description.chars().count() <= BODY_MAX,
        "{}",
        description.len()
    );
    assert!(description.starts_with("Line one of my question"));
}

#[tokio::test]
async fn a_member_reply_racing_a_close_never_lands_on_a_closed_ticket_unseen() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let mut ids = Vec::new();
    for i in 0..25 {
        ids.push(
            submit_ok(
                &app,
                &silver,
                &format!("Race {i}"),
                "en",
                "Reply versus close.",
            )
            .await,
        );
    }
    let races = ids.iter().map(|id| {
        let id = id.to_string();
        let (app, silver, agent) = (&app, &silver, &agent);
        async move {
            let reply_args = [("id", id.as_str()), ("body", "More detail")];
            let close_args = [("id", id.as_str())];
            let reply = app.call(silver, "reply_ticket", &reply_args);
            let close = app.call(agent, "close_ticket", &close_args);
            let (r, c) = futures::join!(reply, close);
            (r.status().as_u16(), c.status().as_u16())
        }
    });
    let outcomes = futures::future::join_all(races).await;
    for (id, (reply, close)) in ids.iter().zip(outcomes) {
        assert_eq!(close, 200, "ticket {id}");
        let d = detail(&app, &silver, *id).await;
        if reply != 200 {
            continue;
        }
        // The reply was taken: either it came first (and the close after it), or it reopened
        // the closed ticket. Never a message after the close on a ticket that stays Closed.
        let message_seq: i64 =
            sqlx::query_scalar("select max(id) from ticket_messages where ticket_id = $1")
                .bind(id)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        let closed_after: Option<i64> = sqlx::query_scalar(
            "select max(created_at) from ticket_messages where ticket_id = $1 and id = $2",
        )
        .bind(id)
        .bind(message_seq)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let close_at: i64 = sqlx::query_scalar(
            "select max(at) from ticket_events where ticket_id = $1 and to_status = 'closed'",
        )
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        if d.summary.status == TicketStatus::Closed {
            assert!(
                closed_after.unwrap_or(0) <= close_at,
                "ticket {id}: the member's reply landed after the close and it stayed closed"
            );
        }
    }
}
