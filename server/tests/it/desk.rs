//! Running the desk: priorities from the tier, service clocks in business hours (holidays
//! included), taking and assigning with the race between two agents, round robin under a cap,
//! the queue's views and order, and the audit entry of each action.

use crate::common::*;
use app::domain::{BusinessHours, DayHours, DeskSettings, Priority, TicketDetail};
use app::error::AppError;
use app::ssr::sla::Calendar;

const MIN: i64 = 60_000;

/// Changes the settings as the admin would, through the same store the console uses.
async fn change_settings(app: &TestApp, change: impl FnOnce(&mut DeskSettings)) {
    let mut s = app.state.desk().settings.clone();
    change(&mut s);
    let admin = app.user_id("admin").await;
    let saved = app.state.settings.save(s, admin, &app.state.hub).await;
    saved.unwrap().unwrap();
}

/// Every day, all day: deadlines are plain time from now.
fn round_the_clock(h: &mut BusinessHours) {
    h.week = [Some(DayHours {
        open: 0,
        close: 24 * 60,
    }); 7];
    h.holidays.clear();
}

fn desk_of(d: &TicketDetail) -> &app::domain::TicketDesk {
    d.desk
        .as_ref()
        .expect("staff see how the ticket is handled")
}

/// The audit entries about one ticket, oldest first: (action, actor, detail).
async fn audit_of(app: &TestApp, ticket: i64) -> Vec<(String, Option<i64>, serde_json::Value)> {
    let rows: Vec<(String, Option<i64>, String)> = sqlx::query_as(
        "select action, actor_id, detail from audit_log \
         where target_kind = 'ticket' and target_id = $1 order by id",
    )
    .bind(ticket)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(a, who, d)| (a, who, serde_json::from_str(&d).unwrap()))
        .collect()
}

fn today_and_tomorrow_utc() -> (String, String) {
    let now = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    (now.to_string(), now.tomorrow().unwrap().to_string())
}

#[tokio::test]
async fn a_new_ticket_gets_its_tier_priority_and_clocks_that_skip_holidays() {
    let app = spawn_app().await;
    let (today, tomorrow) = today_and_tomorrow_utc();
    change_settings(&app, |s| {
        s.hours.week = [Some(DayHours {
            open: 9 * 60,
            close: 17 * 60,
        }); 7];
        s.hours.holidays = vec![today.clone(), tomorrow.clone()];
    })
    .await;
    let diamond = app.logged_in("diamond").await;
    let silver = app.logged_in("silver").await;
    let high = submit_ok(
        &app,
        &diamond,
        "Back office loops",
        "en",
        "It sends me back to login.",
    )
    .await;
    let normal = submit_ok(
        &app,
        &silver,
        "Photo upload fails",
        "en",
        "The old photo stays.",
    )
    .await;
    let agent = app.logged_in("agent").await;

    let hours = app.state.desk().settings.hours.clone();
    let cal = Calendar::new(&hours).unwrap();
    for (id, priority, first, resolution) in [
        (high, Priority::High, 60, 8 * 60),
        (normal, Priority::Normal, 4 * 60, 24 * 60),
    ] {
        let d = detail(&app, &agent, id).await;
        let sla = &desk_of(&d).sla;
        assert_eq!(sla.priority, priority);
        let opened = d.summary.opened_at;
        assert_eq!(sla.response_due, Some(cal.add(opened, first * MIN)));
        assert_eq!(sla.resolve_due, Some(cal.add(opened, resolution * MIN)));
        assert!(sla.first_pending && sla.first_response.is_none());
        // Today and tomorrow are off: nothing is due before the day after tomorrow at 9:00.
        let after_holidays = jiff::civil::Date::strptime("%Y-%m-%d", &tomorrow)
            .unwrap()
            .tomorrow()
            .unwrap()
            .at(9, 0, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_millisecond();
        assert_eq!(sla.response_due, Some(after_holidays + first * MIN));
    }
    // Members never see how their ticket is handled.
    assert!(detail(&app, &diamond, high).await.desk.is_none());
}

#[tokio::test]
async fn an_answer_stops_the_response_clock_and_waiting_for_the_member_pauses_resolution() {
    let app = spawn_app().await;
    change_settings(&app, |s| round_the_clock(&mut s.hours)).await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let id = submit_ok(
        &app,
        &silver,
        "Cart is empty",
        "en",
        "Items vanish from my cart.",
    )
    .await;
    let idv = id.to_string();

    // An internal note answers nobody: the clock keeps running.
    let res = app
        .call(
            &agent,
            "add_note",
            &[("id", &idv), ("body", "Looks like the cache.")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let d = detail(&app, &agent, id).await;
    assert!(desk_of(&d).sla.first_pending);

    let res = app
        .call(
            &agent,
            "request_info",
            &[("id", &idv), ("question", "Which browser?")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let d = detail(&app, &agent, id).await;
    let sla = &desk_of(&d).sla;
    let (answered_at, in_time) = sla
        .first_response
        .expect("the question is the first answer");
    assert!(in_time);
    assert!(answered_at >= d.summary.opened_at);
    assert_eq!((sla.response_due, sla.resolve_due), (None, None));
    let left = sla
        .resolve_left_paused
        .expect("paused while the member answers");
    assert!((24 * 60 - 1..=24 * 60).contains(&left), "{left} min left");
    // Nothing runs for a ticket waiting on its member: it has no place in the deadline order.
    let q = queue(&app, &agent, &[("status", "awaiting_feedback")]).await;
    assert_eq!(q.rows.iter().find(|r| r.id == id).unwrap().due, None);

    // The member answers: the next answer is owed within 8 h, resolution runs again.
    let res = app
        .call(
            &silver,
            "reply_ticket",
            &[("id", &idv), ("body", "Firefox")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let d = detail(&app, &agent, id).await;
    let sla = &desk_of(&d).sla;
    let due = sla.response_due.expect("an answer is owed");
    let now = desk_of(&d).now;
    assert!(!sla.first_pending);
    assert!((8 * 60 * MIN - MIN..=8 * 60 * MIN).contains(&(due - now)));
    assert!(sla.resolve_due.is_some());

    // Closing ends the clocks with a verdict.
    let res = app.call(&agent, "close_ticket", &[("id", &idv)]).await;
    assert_eq!(res.status(), 200);
    let d = detail(&app, &agent, id).await;
    let sla = &desk_of(&d).sla;
    assert_eq!(sla.resolved_in_time, Some(true));
    assert_eq!((sla.response_due, sla.resolve_due), (None, None));
    // The status moves by staff are in the audit log; the member's are not.
    let moves: Vec<_> = audit_of(&app, id)
        .await
        .into_iter()
        .filter(|(a, ..)| a == "ticket.status")
        .map(|(_, who, d)| (who, d["from"].clone(), d["to"].clone()))
        .collect();
    let agent_id = app.user_id("agent").await;
    assert_eq!(
        moves,
        vec![
            (Some(agent_id), "open".into(), "awaiting_feedback".into()),
            (Some(agent_id), "open".into(), "closed".into()),
        ]
    );
}

#[tokio::test]
async fn one_agent_takes_a_ticket_and_the_other_is_told_who_has_it() {
    let app = spawn_app().await;
    app.add_user(
        "agent2",
        app::domain::Tier::Silver,
        app::domain::Role::Agent,
    )
    .await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let agent2 = app.logged_in("agent2").await;
    let id = submit_ok(
        &app,
        &silver,
        "Invoice missing",
        "en",
        "My last invoice is gone.",
    )
    .await;
    let idv = id.to_string();
    let unassigned = queue(&app, &agent, &[("view", "unassigned")]).await;
    assert!(unassigned
        .rows
        .iter()
        .any(|r| r.id == id && r.assignee.is_none()));

    let res = app.call(&agent, "take_ticket", &[("id", &idv)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // Taking your own again is fine; another agent loses the race and learns who won.
    assert_eq!(
        app.call(&agent, "take_ticket", &[("id", &idv)])
            .await
            .status(),
        200
    );
    let res = app.call(&agent2, "take_ticket", &[("id", &idv)]).await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        app_error(res).await,
        AppError::TakenBy {
            by: "Alex Agent".into()
        }
    );

    let mine = queue(&app, &agent, &[("view", "mine")]).await;
    assert_eq!(mine.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(mine.rows[0].assignee.as_deref(), Some("Alex Agent"));
    assert!(queue(&app, &agent2, &[("view", "mine")])
        .await
        .rows
        .is_empty());
    let unassigned = queue(&app, &agent, &[("view", "unassigned")]).await;
    assert!(unassigned.rows.iter().all(|r| r.id != id));

    // Handing it over, then to nobody. Only active staff can hold a ticket.
    let agent2_id = app.user_id("agent2").await;
    let res = app
        .call(
            &agent,
            "assign_ticket",
            &[("id", &idv), ("assignee", &agent2_id.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        desk_of(&detail(&app, &agent, id).await).assignee_id,
        Some(agent2_id)
    );
    let member_id = app.user_id("silver").await.to_string();
    for bad in [member_id.as_str(), "999999", "agent2"] {
        let res = app
            .call(&agent, "assign_ticket", &[("id", &idv), ("assignee", bad)])
            .await;
        assert_eq!(res.status(), 400, "assignee {bad}");
    }
    let res = app
        .call(&agent2, "assign_ticket", &[("id", &idv), ("assignee", "")])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(desk_of(&detail(&app, &agent, id).await).assignee_id, None);

    let agent_id = app.user_id("agent").await;
    let trail: Vec<_> = audit_of(&app, id)
        .await
        .into_iter()
        .map(|(a, who, d)| (a, who, d["from"].as_i64(), d["to"].as_i64()))
        .collect();
    assert_eq!(
        trail,
        vec![
            ("ticket.take".into(), Some(agent_id), None, Some(agent_id)),
            (
                "ticket.assign".into(),
                Some(agent_id),
                Some(agent_id),
                Some(agent2_id)
            ),
            (
                "ticket.assign".into(),
                Some(agent2_id),
                Some(agent2_id),
                None
            ),
        ]
    );
}

#[tokio::test]
async fn members_cannot_take_assign_or_reprioritise() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let manager = app.logged_in("manager").await;
    let id = submit_ok(&app, &silver, "Login loop", "en", "I go round and round.").await;
    let idv = id.to_string();
    let me = app.user_id("silver").await.to_string();
    for (client, status) in [(&silver, 403), (&manager, 403), (&app.client(), 401)] {
        for (endpoint, args) in [
            ("take_ticket", vec![("id", idv.as_str())]),
            (
                "assign_ticket",
                vec![("id", idv.as_str()), ("assignee", me.as_str())],
            ),
            (
                "set_priority",
                vec![("id", idv.as_str()), ("priority", "urgent")],
            ),
        ] {
            let res = app.call(client, endpoint, &args).await;
            assert_eq!(res.status(), status, "{endpoint}");
        }
    }
    assert!(audit_of(&app, id).await.is_empty());
    let agent = app.logged_in("agent").await;
    let d = detail(&app, &agent, id).await;
    assert_eq!(desk_of(&d).assignee_id, None);
    assert_eq!(desk_of(&d).sla.priority, Priority::Normal);
    // A ticket that does not exist, and a malformed priority.
    let res = app.call(&agent, "take_ticket", &[("id", "999999")]).await;
    assert_eq!(res.status(), 404);
    let res = app
        .call(
            &agent,
            "set_priority",
            &[("id", &idv), ("priority", "critical")],
        )
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn a_new_priority_moves_the_deadlines_and_the_queue_puts_the_nearest_first() {
    let app = spawn_app().await;
    change_settings(&app, |s| round_the_clock(&mut s.hours)).await;
    let silver = app.logged_in("silver").await;
    let diamond = app.logged_in("diamond").await;
    let agent = app.logged_in("agent").await;
    let older = submit_ok(
        &app,
        &silver,
        "Old normal one",
        "en",
        "Filed first, normal.",
    )
    .await;
    let newer = submit_ok(&app, &diamond, "New high one", "en", "Filed second, high.").await;
    // High (1 h) is due before Normal (4 h) though filed later.
    let q = queue(&app, &agent, &[]).await;
    let order: Vec<i64> = q.rows.iter().map(|r| r.id).collect();
    assert_eq!(order, vec![newer, older]);
    assert!(q.rows.windows(2).all(|w| w[0].due <= w[1].due));

    let res = app
        .call(
            &agent,
            "set_priority",
            &[("id", &older.to_string()), ("priority", "urgent")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let d = detail(&app, &agent, older).await;
    let sla = &desk_of(&d).sla;
    assert_eq!(sla.priority, Priority::Urgent);
    assert_eq!(sla.response_due, Some(d.summary.opened_at + 30 * MIN));
    let q = queue(&app, &agent, &[]).await;
    assert_eq!(
        q.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![older, newer]
    );
    let urgent = queue(&app, &agent, &[("priority", "urgent")]).await;
    assert_eq!(
        urgent.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![older]
    );
    let bad_view = [
        ("status", ""),
        ("language", ""),
        ("tier", ""),
        ("search", ""),
        ("view", "theirs"),
    ];
    let res = app.call(&agent, "queue_page", &bad_view).await;
    assert_eq!(res.status(), 400);

    let agent_id = app.user_id("agent").await;
    let trail = audit_of(&app, older).await;
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].0, "ticket.priority");
    assert_eq!(trail[0].1, Some(agent_id));
    assert_eq!(
        trail[0].2,
        serde_json::json!({ "from": "normal", "to": "urgent" })
    );
}

#[tokio::test]
async fn new_tickets_go_round_robin_to_online_agents_under_their_cap() {
    let app = spawn_app().await;
    app.add_user(
        "agent2",
        app::domain::Tier::Silver,
        app::domain::Role::Agent,
    )
    .await;
    app.add_user(
        "agent3",
        app::domain::Tier::Silver,
        app::domain::Role::Agent,
    )
    .await;
    change_settings(&app, |s| {
        s.assignment.automatic = true;
        s.assignment.cap = 1;
    })
    .await;
    // agent and agent2 are online; agent3 is not.
    for name in ["agent", "agent2"] {
        online(&app, &person(&app, name).await).await;
    }
    let silver = app.logged_in("silver").await;
    let mut ids = vec![];
    for n in 0..3 {
        let title = format!("Problem number {n}");
        ids.push(submit_ok(&app, &silver, &title, "en", "Something is broken here.").await);
    }
    let agent = app.logged_in("agent").await;
    let mut holders = vec![];
    for id in &ids {
        holders.push(desk_of(&detail(&app, &agent, *id).await).assignee_id);
    }
    let (a1, a2) = (app.user_id("agent").await, app.user_id("agent2").await);
    // One each, then both are at the cap and the third waits in Unassigned.
    assert_eq!(holders[2], None);
    let mut first_two = vec![holders[0].unwrap(), holders[1].unwrap()];
    first_two.sort();
    let mut expected = vec![a1, a2];
    expected.sort();
    assert_eq!(first_two, expected);
    let trail = audit_of(&app, ids[0]).await;
    assert_eq!(trail[0].0, "ticket.assign");
    assert_eq!(
        (trail[0].1, trail[0].2["automatic"].as_bool()),
        (None, Some(true))
    );

    // Closing frees a place: the next ticket goes to whoever got one longest ago.
    let res = app
        .call(&agent, "close_ticket", &[("id", &ids[0].to_string())])
        .await;
    assert_eq!(res.status(), 200);
    let next = submit_ok(
        &app,
        &silver,
        "Problem number 3",
        "en",
        "Something else broke.",
    )
    .await;
    let holder = desk_of(&detail(&app, &agent, next).await).assignee_id;
    assert_eq!(holder, holders[0]);
}

#[tokio::test]
async fn the_audit_log_only_grows() {
    let app = spawn_app().await;
    change_settings(&app, |s| s.sla.warn_minutes = 15).await;
    let pool = &app.state.db.pool;
    let n: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(n, 1, "the settings change is recorded");
    let changed = sqlx::query("update audit_log set action = 'nothing'")
        .execute(pool)
        .await;
    assert!(changed.is_err(), "rows cannot be changed");
    let deleted = sqlx::query("delete from audit_log").execute(pool).await;
    assert!(deleted.is_err(), "rows cannot be deleted");
    let n: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn a_second_agent_on_the_ticket_sees_who_is_viewing_and_replying() {
    let app = spawn_app().await;
    app.add_user(
        "agent2",
        app::domain::Tier::Silver,
        app::domain::Role::Agent,
    )
    .await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let agent2 = app.logged_in("agent2").await;
    let id = submit_ok(
        &app,
        &silver,
        "Printer queue stuck",
        "en",
        "Nothing prints.",
    )
    .await;
    let idv = id.to_string();
    let mut events = Events::open(&app, &agent2).await;

    let res = app.call(&agent, "touch_ticket", &[("id", &idv)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    events.wait_for(r#""type":"viewers""#).await;
    let seen = desk_of(&detail(&app, &agent2, id).await).viewers.clone();
    assert_eq!(
        seen,
        vec![app::domain::Viewer {
            name: "Alex Agent".into(),
            replying: false
        }]
    );
    // Nobody is shown to themselves.
    assert!(desk_of(&detail(&app, &agent, id).await).viewers.is_empty());
    // Typing an answer is news; the same state again is not (no event for a heartbeat).
    let res = app
        .call(
            &agent,
            "touch_ticket",
            &[("id", &idv), ("replying", "true")],
        )
        .await;
    assert_eq!(res.status(), 200);
    events.wait_for_count(r#""type":"viewers""#, 2).await;
    assert!(desk_of(&detail(&app, &agent2, id).await).viewers[0].replying);
    app.call(
        &agent,
        "touch_ticket",
        &[("id", &idv), ("replying", "true")],
    )
    .await;
    let seen = events.drain(std::time::Duration::from_millis(500)).await;
    assert_eq!(seen.matches(r#""type":"viewers""#).count(), 2);

    // Each heartbeat answers with who else is there now; someone whose page stopped saying so
    // drops off that list (here: agent2's own view of the ticket, after agent's window ends).
    let res = app.call(&agent2, "touch_ticket", &[("id", &idv)]).await;
    let others: Vec<app::domain::Viewer> = res.json().await.unwrap();
    assert_eq!(others.len(), 1);
    assert!(others[0].replying);
    sqlx::query("update ticket_viewers set seen_at = seen_at - 60000 where user_id <> (select id from users where username = 'agent2')")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let res = app.call(&agent2, "touch_ticket", &[("id", &idv)]).await;
    let others: Vec<app::domain::Viewer> = res.json().await.unwrap();
    assert!(others.is_empty(), "a closed tab is no longer shown");

    // Members neither say nor hear this; an unknown ticket is not found.
    let res = app.call(&silver, "touch_ticket", &[("id", &idv)]).await;
    assert_eq!(res.status(), 403);
    assert!(detail(&app, &silver, id).await.desk.is_none());
    let res = app.call(&agent, "touch_ticket", &[("id", "999999")]).await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn on_postgres_an_agent_on_another_instance_sees_who_is_viewing_and_replying() {
    if !backend_is_postgres() {
        eprintln!("SQLite run: one instance only; the cross-instance warning runs with TEST_DATABASE=postgres");
        return;
    }
    let a = spawn_app().await;
    // A second instance on the same database: its own hub, its own LISTEN connection. The
    // warning must travel through the database, not through one process's memory.
    let url = a.database_url.clone();
    let b = spawn_app_with(move |c| c.database_url = url).await;
    a.add_user(
        "agent2",
        app::domain::Tier::Silver,
        app::domain::Role::Agent,
    )
    .await;
    let silver = a.logged_in("silver").await;
    let agent_on_a = a.logged_in("agent").await;
    let agent2_on_b = b.logged_in("agent2").await;
    let id = submit_ok(
        &a,
        &silver,
        "Scanner not found",
        "en",
        "The scanner vanished from the list.",
    )
    .await;
    let idv = id.to_string();
    let mut events_b = Events::open(&b, &agent2_on_b).await;
    let viewers_event = format!(r#""type":"viewers","ticket_id":{id}"#);

    let res = a.call(&agent_on_a, "touch_ticket", &[("id", &idv)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    events_b.wait_for(&viewers_event).await;
    // What the page on instance B reads when it hears the event.
    let seen = desk_of(&detail(&b, &agent2_on_b, id).await).viewers.clone();
    assert_eq!(
        seen,
        vec![app::domain::Viewer {
            name: "Alex Agent".into(),
            replying: false
        }]
    );

    let res = a
        .call(
            &agent_on_a,
            "touch_ticket",
            &[("id", &idv), ("replying", "true")],
        )
        .await;
    assert_eq!(res.status(), 200);
    events_b.wait_for_count(&viewers_event, 2).await;
    let seen = desk_of(&detail(&b, &agent2_on_b, id).await).viewers.clone();
    assert_eq!(
        seen,
        vec![app::domain::Viewer {
            name: "Alex Agent".into(),
            replying: true
        }]
    );
    // And the heartbeat of B's own page answers with A's agent too (the list is the database's,
    // not either instance's).
    let res = b.call(&agent2_on_b, "touch_ticket", &[("id", &idv)]).await;
    let others: Vec<app::domain::Viewer> = res.json().await.unwrap();
    assert_eq!(others.len(), 1);
    assert!(others[0].replying);
}
