//! Live updates through `/events` (server-sent events): who hears what, and, on PostgreSQL,
//! across two server instances sharing one database.

use std::time::Duration;

use crate::common::*;
use app::domain::LiveEvent;
use futures::StreamExt;

fn ticket_event(id: i64) -> String {
    format!(r#""type":"ticket","ticket_id":{id}"#)
}

#[tokio::test]
async fn members_hear_their_own_tickets_and_agents_hear_everything() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let diamond = app.logged_in("diamond").await;
    let agent = app.logged_in("agent").await;
    let mut silver_events = Events::open(&app, &silver).await;
    let mut diamond_events = Events::open(&app, &diamond).await;
    let mut agent_events = Events::open(&app, &agent).await;

    let id = submit_ok(&app, &silver, "Live one", "en", "Live update test text.").await;
    agent_events.wait_for(&ticket_event(id)).await;
    silver_events.wait_for(&ticket_event(id)).await;

    let res = app
        .call(
            &agent,
            "request_info",
            &[("id", &id.to_string()), ("question", "Which device?")],
        )
        .await;
    assert_eq!(res.status(), 200);
    silver_events.wait_for_count(&ticket_event(id), 2).await;

    // Diamond heard none of it: events about other members' tickets are never sent to them.
    let own = submit_ok(
        &app,
        &diamond,
        "Diamond's own",
        "en",
        "Live update test text.",
    )
    .await;
    let seen = diamond_events
        .drain(Duration::from_millis(500))
        .await
        .to_string();
    assert!(seen.contains(&ticket_event(own)), "{seen}");
    assert!(!seen.contains(&ticket_event(id)), "{seen}");
}

#[tokio::test]
async fn events_need_a_signed_in_desk_user() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/events")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let manager = app.logged_in("manager").await;
    let res = manager.get(app.url("/events")).send().await.unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn on_postgres_events_cross_server_instances() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let silver_on_b = b.logged_in("silver").await;
    let mut events_b = Events::open(&b, &silver_on_b).await;
    let agent_on_a = a.logged_in("agent").await;
    let silver_on_a = a.logged_in("silver").await;
    let id = submit_ok(
        &a,
        &silver_on_a,
        "Filed on instance A",
        "en",
        "Live update test text.",
    )
    .await;
    events_b.wait_for(&ticket_event(id)).await;
    let res = a
        .call(&agent_on_a, "close_ticket", &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    events_b.wait_for_count(&ticket_event(id), 2).await;
}

/// An instance's own listeners hear its event when it is published, not after the round trip
/// through PostgreSQL (that wait was most of a chat message's delivery time), and only once:
/// its own notification, coming back, is passed over; the other instance still hears it.
#[tokio::test]
async fn on_postgres_an_instance_hears_its_own_events_at_once_and_once() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let mut on_a = a.state.hub.subscribe();
    let mut on_b = b.state.hub.subscribe();
    let own = LiveEvent::Ticket {
        ticket_id: 9_001,
        member_id: 1,
    };
    a.state.hub.publish(own.clone()).await;
    assert_eq!(
        on_a.try_recv().ok(),
        Some(own.clone()),
        "instance A's listeners hold the event as soon as it is published"
    );
    assert_eq!(next_ticket_event(&mut on_b).await, own, "B hears A's event");
    // Notifications reach every listener in commit order, and B's marker is committed after
    // A's event reached B: had A's own notification been handed on, A would hear it first.
    let marker = LiveEvent::Ticket {
        ticket_id: 9_002,
        member_id: 1,
    };
    b.state.hub.publish(marker.clone()).await;
    assert_eq!(
        next_ticket_event(&mut on_a).await,
        marker,
        "A hears B's marker next, not its own event a second time"
    );
}

/// Two server instances on one PostgreSQL database (each its own hub and `LISTEN`
/// connection); `None` on SQLite, which is one instance by nature.
async fn two_instances() -> Option<(TestApp, TestApp)> {
    if !backend_is_postgres() {
        eprintln!("SQLite run: one instance only; the cross-instance tests run with TEST_DATABASE=postgres");
        return None;
    }
    let a = spawn_app().await;
    let url = a.database_url.clone();
    let b = spawn_app_with(move |c| c.database_url = url).await;
    Some((a, b))
}

/// The next ticket event a page listener hears (background work may announce other things).
async fn next_ticket_event(rx: &mut tokio::sync::broadcast::Receiver<LiveEvent>) -> LiveEvent {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            Ok(Ok(event @ LiveEvent::Ticket { .. })) => return event,
            Ok(Ok(_)) => continue,
            other => panic!("no ticket event within 5 s: {other:?}"),
        }
    }
}

#[tokio::test]
async fn shutdown_ends_open_event_streams() {
    let (app, stop, handle) = spawn_stoppable(|_| {}).await;
    let silver = app.logged_in("silver").await;
    let mut events = Events::open(&app, &silver).await;
    stop.send(()).unwrap();
    // The server finishes its graceful shutdown although a stream was open...
    let served = tokio::time::timeout(Duration::from_secs(5), handle)
        .await
        .expect("shutdown waited on the open stream");
    served.unwrap().unwrap();
    // ...and the client sees its stream end.
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(_)) = events.stream.next().await {}
    })
    .await;
    assert!(end.is_ok(), "stream still open");
}
