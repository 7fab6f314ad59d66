//! The agent's tools in a chat: canned answers filled in for the chat, and passing the chat to
//! another online agent (who gets it whole; the first agent loses it at once).

use crate::common::*;
use app::domain::{ChatTools, Role, SystemNote, Tier};
use app::error::AppError;

async fn accepted_chat(app: &TestApp, member: &Person, agent: &Person) -> i64 {
    let id = start_ok(app, member, "My back office login fails").await;
    online(app, agent).await;
    let res = call(app, agent, "accept_chat", &[("id", &id.to_string())]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    id
}

async fn agent_id(app: &TestApp, username: &str) -> i64 {
    let name = app::domain::Username::parse(username).unwrap();
    let user = app.state.db.users().by_username(&name).await.unwrap();
    user.unwrap().user.id
}

async fn messages_in(app: &TestApp, chat: i64) -> i64 {
    sqlx::query_scalar("select count(*) from chat_messages where chat_id = $1")
        .bind(chat)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn transfer(app: &TestApp, who: &Person, chat: i64, to: &str) -> reqwest::Response {
    call(
        app,
        who,
        "transfer_chat",
        &[("id", &chat.to_string()), ("to", to)],
    )
    .await
}

#[tokio::test]
async fn an_agent_passes_a_chat_to_another_online_agent() {
    let app = spawn_app().await;
    app.add_user("agent2", Tier::Silver, Role::Agent).await;
    let member = person(&app, "silver").await;
    let agent = person(&app, "agent").await;
    let agent2 = person(&app, "agent2").await;
    let chat = accepted_chat(&app, &member, &agent).await;
    let mut old_socket = open(&app, &agent, chat, 0).await;
    online(&app, &agent2).await;
    let to = agent_id(&app, "agent2").await.to_string();

    // The tools list the other online agent, not the agent themself.
    let res = call(&app, &agent, "chat_tools", &[("id", &chat.to_string())]).await;
    let tools: ChatTools = res.json().await.unwrap();
    let names: Vec<&str> = tools.agents.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec!["Test agent2"]);

    let res = transfer(&app, &agent, chat, &to).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    // The new agent has it, with everything said so far; the member is told.
    let v = view(&app, &agent2, chat).await;
    assert_eq!(v.head.agent_name.as_deref(), Some("Test agent2"));
    let v = view(&app, &member, chat).await;
    assert_eq!(v.head.agent_name.as_deref(), Some("Test agent2"));
    assert!(v
        .messages
        .iter()
        .any(|m| m.system == Some(SystemNote::Transferred)));
    // The first agent lost it: their page gets "not found", their open socket a refusal.
    let res = call(&app, &agent, "get_chat", &[("id", &chat.to_string())]).await;
    assert_eq!(res.status(), 404);
    next_matching(&mut old_socket, "a refusal for the old agent", |f| {
        matches!(f, app::domain::ServerFrame::Error { .. })
    })
    .await;
    // What the old agent still sends on that socket is refused, and not stored.
    let stored_before = messages_in(&app, chat).await;
    send(
        &mut old_socket,
        &app::domain::ClientFrame::Send {
            body: "Still me?".into(),
            client_ref: "late".into(),
        },
    )
    .await;
    match next_matching(&mut old_socket, "a refused message", |f| {
        matches!(f, app::domain::ServerFrame::Error { .. })
    })
    .await
    {
        app::domain::ServerFrame::Error { error, .. } => {
            assert_eq!(error, Some(AppError::Forbidden))
        }
        _ => unreachable!(),
    }
    assert_eq!(messages_in(&app, chat).await, stored_before);
    let audit: Vec<String> = sqlx::query_scalar(
        "select detail from audit_log where action = 'chat.transfer' and target_id = $1",
    )
    .bind(chat)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(audit[0].contains(&format!("\"to\":{to}")), "{}", audit[0]);
}

#[tokio::test]
async fn a_transfer_that_cannot_happen_is_refused_and_the_chat_stays() {
    let app = spawn_app().await;
    app.add_user("agent2", Tier::Silver, Role::Agent).await;
    app.add_user("agent3", Tier::Silver, Role::Agent).await;
    let member = person(&app, "silver").await;
    let diamond = person(&app, "diamond").await;
    let agent = person(&app, "agent").await;
    let agent2 = person(&app, "agent2").await;
    let chat = accepted_chat(&app, &member, &agent).await;
    let a2 = agent_id(&app, "agent2").await.to_string();
    let a3 = agent_id(&app, "agent3").await.to_string();
    let me = agent_id(&app, "agent").await.to_string();
    let silver = agent_id(&app, "silver").await.to_string();

    // agent3 never came online.
    let res = transfer(&app, &agent, chat, &a3).await;
    assert_eq!(res.status(), 409);
    assert!(matches!(app_error(res).await, AppError::Conflict { .. }));
    // A member is not an agent; the agent already has it; a word is not an id.
    for to in [silver.as_str(), me.as_str(), "agent2"] {
        let res = transfer(&app, &agent, chat, to).await;
        assert_eq!(res.status(), 400, "{to}");
    }
    // Only the chat's own agent may pass it on.
    online(&app, &agent2).await;
    let res = transfer(&app, &agent2, chat, &me).await;
    assert_eq!(res.status(), 404);
    let res = transfer(&app, &member, chat, &a2).await;
    assert_eq!(res.status(), 403);
    // agent2 at the cap (1): refused.
    let admin = app.logged_in("admin").await;
    let mut settings = app.state.desk().settings.clone();
    settings.general.chat_agent_cap = 1;
    let admin_id = agent_id(&app, "admin").await;
    app.state
        .settings
        .save(settings, admin_id, &app.state.hub)
        .await
        .unwrap()
        .unwrap();
    drop(admin);
    let other = start_ok(&app, &diamond, "Shop page is blank").await;
    let res = call(&app, &agent2, "accept_chat", &[("id", &other.to_string())]).await;
    assert_eq!(res.status(), 200);
    let res = transfer(&app, &agent, chat, &a2).await;
    assert_eq!(res.status(), 409);

    // Still the first agent's, and nothing was said to the member.
    let v = view(&app, &agent, chat).await;
    assert_eq!(v.head.agent_name.as_deref(), Some("Alex Agent"));
    assert!(!v
        .messages
        .iter()
        .any(|m| m.system == Some(SystemNote::Transferred)));
}

#[tokio::test]
async fn chat_macros_are_filled_in_for_the_chat_and_only_for_its_agent() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    for (name, status) in [("Greeting", ""), ("Ask browser", "awaiting_feedback")] {
        let res = app
            .call(
                &admin,
                "save_macro",
                &[
                    ("name", name),
                    ("body_en", "Hi {member_name}, {agent_name} here."),
                    ("body_es", "Hola {member_name}, soy {agent_name}."),
                    ("set_status", status),
                ],
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
    let member = person(&app, "silver").await;
    let agent = person(&app, "agent").await;
    let chat = accepted_chat(&app, &member, &agent).await;
    let res = call(&app, &agent, "chat_tools", &[("id", &chat.to_string())]).await;
    assert_eq!(res.status(), 200);
    let tools: ChatTools = res.json().await.unwrap();
    // Only the answer-only macro: a chat has no status to ask or close with.
    assert_eq!(tools.macros.len(), 1);
    assert_eq!(tools.macros[0].name, "Greeting");
    // The name the member gave when starting the chat.
    assert_eq!(tools.macros[0].text, "Hi Test Member, Alex Agent here.");

    let res = call(&app, &member, "chat_tools", &[("id", &chat.to_string())]).await;
    assert_eq!(res.status(), 403);
    app.add_user("agent2", Tier::Silver, Role::Agent).await;
    let agent2 = person(&app, "agent2").await;
    let res = call(&app, &agent2, "chat_tools", &[("id", &chat.to_string())]).await;
    assert_eq!(res.status(), 404);
}
