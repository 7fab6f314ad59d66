//! The console's people page: an admin adds a staff account that works at once, changes roles
//! and ranks, switches an account off (its open streams end and its session is refused at once)
//! and on, resets a password; each change is audited; an admin cannot lock themselves out; and
//! nobody else may do any of it.

use std::time::Duration;

use crate::common::*;
use app::domain::{AuditEntry, CurrentUser, Person, Role, StaffMember, Tier};
use reqwest::Client;

async fn people(app: &TestApp, admin: &Client, kind: &str, q: &str) -> Vec<Person> {
    let res = app
        .call(admin, "admin_people", &[("kind", kind), ("q", q)])
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json::<(CurrentUser, Vec<Person>)>().await.unwrap().1
}

async fn id_of(app: &TestApp, admin: &Client, kind: &str, username: &str) -> i64 {
    let found = people(app, admin, kind, username).await;
    found
        .iter()
        .find(|p| p.username == username)
        .expect("listed")
        .id
}

async fn user_audit(app: &TestApp, admin: &Client, id: i64) -> Vec<String> {
    let target = format!("user:{id}");
    let res = app.call(admin, "audit_log", &[("target", &target)]).await;
    let (_, entries, _): (CurrentUser, Vec<AuditEntry>, Vec<StaffMember>) =
        res.json().await.unwrap();
    entries.into_iter().rev().map(|e| e.action).collect()
}

#[tokio::test]
async fn an_admin_adds_an_agent_who_works_at_once_and_can_be_switched_off() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let res = app
        .call(
            &admin,
            "create_staff",
            &[
                ("username", "bea"),
                ("display_name", "Bea Bravo"),
                ("email", "bea@example.com"),
                ("role", "agent"),
                ("password", "first-password"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let bea_id: i64 = res.json().await.unwrap();
    // Listed with the staff, not the members; found by part of the name.
    let staff = people(&app, &admin, "staff", "brav").await;
    assert_eq!(staff.iter().map(|p| p.id).collect::<Vec<_>>(), vec![bea_id]);
    assert_eq!(staff[0].role, Role::Agent);
    assert!(people(&app, &admin, "members", "bea").await.is_empty());

    let bea = app.client();
    assert_eq!(app.login(&bea, "bea", "first-password").await.status(), 200);
    let res = app
        .call(
            &bea,
            "queue_page",
            &[
                ("status", ""),
                ("language", ""),
                ("tier", ""),
                ("search", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let mut events = Events::open(&app, &bea).await;

    // Switched off: the open stream ends and the next call is refused, at once.
    let idv = bea_id.to_string();
    let res = app
        .call(
            &admin,
            "set_person_disabled",
            &[("id", &idv), ("disabled", "true")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        events.ended_within(Duration::from_secs(3)).await,
        "the stream ended"
    );
    let res = app
        .call(
            &bea,
            "queue_page",
            &[
                ("status", ""),
                ("language", ""),
                ("tier", ""),
                ("search", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        app.login(&app.client(), "bea", "first-password")
            .await
            .status(),
        401
    );
    assert!(people(&app, &admin, "staff", "bea").await[0].disabled);

    // On again, a new password, and a role: the old password no longer works.
    let res = app
        .call(
            &admin,
            "set_person_disabled",
            &[("id", &idv), ("disabled", "false")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .call(
            &admin,
            "reset_password",
            &[("id", &idv), ("password", "short")],
        )
        .await;
    assert_eq!(res.status(), 400);
    let res = app
        .call(
            &admin,
            "reset_password",
            &[("id", &idv), ("password", "second-password")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.login(&app.client(), "bea", "first-password")
            .await
            .status(),
        401
    );
    let bea = app.client();
    assert_eq!(
        app.login(&bea, "bea", "second-password").await.status(),
        200
    );
    let res = app
        .call(
            &admin,
            "set_person_role",
            &[("id", &idv), ("role", "admin")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.call(&bea, "admin_settings", &[]).await.status(), 200);

    assert_eq!(
        user_audit(&app, &admin, bea_id).await,
        vec![
            "user.create",
            "user.disable",
            "user.enable",
            "user.password_reset",
            "user.role"
        ]
    );
    // No password or hash in the log.
    let res = app
        .call(
            &admin,
            "audit_log",
            &[("target", &format!("user:{bea_id}"))],
        )
        .await;
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("second-password") && !text.contains("argon2"),
        "{text}"
    );
}

#[tokio::test]
async fn a_new_rank_or_role_takes_effect_on_the_next_request() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let silver = app.logged_in("silver").await;
    assert_eq!(app.call(&silver, "my_tickets", &[]).await.status(), 200);
    let found = people(&app, &admin, "members", "1000001").await;
    assert_eq!(found.len(), 1, "found by member number");
    assert_eq!(found[0].tier, Tier::Silver);
    let idv = found[0].id.to_string();
    let res = app
        .call(
            &admin,
            "set_person_tier",
            &[("id", &idv), ("tier", "manager")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app.call(&silver, "my_tickets", &[]).await;
    assert_eq!(res.status(), 403, "below the gate now");
    let res = app
        .call(&admin, "set_person_tier", &[("id", &idv), ("tier", "gold")])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.call(&silver, "my_tickets", &[]).await.status(), 200);
    // An agent made a member loses the console.
    let agent = app.logged_in("agent").await;
    let agent_id = id_of(&app, &admin, "staff", "agent").await.to_string();
    let res = app
        .call(
            &admin,
            "set_person_role",
            &[("id", &agent_id), ("role", "member")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .call(
            &agent,
            "queue_page",
            &[
                ("status", ""),
                ("language", ""),
                ("tier", ""),
                ("search", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        user_audit(&app, &admin, found[0].id).await,
        vec!["user.tier", "user.tier"]
    );
}

#[tokio::test]
async fn bad_changes_are_refused_and_nobody_else_may_make_them() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let admin_id = id_of(&app, &admin, "staff", "admin").await.to_string();
    // An admin cannot switch themselves off or give up the admin role.
    for (endpoint, args) in [
        (
            "set_person_disabled",
            vec![("id", admin_id.as_str()), ("disabled", "true")],
        ),
        (
            "set_person_role",
            vec![("id", admin_id.as_str()), ("role", "agent")],
        ),
    ] {
        assert_eq!(
            app.call(&admin, endpoint, &args).await.status(),
            400,
            "{endpoint}"
        );
    }
    assert_eq!(app.call(&admin, "admin_settings", &[]).await.status(), 200);
    // Malformed values, a missing person, a taken username, a staff account that is not staff.
    for (endpoint, args, status) in [
        (
            "set_person_role",
            vec![("id", admin_id.as_str()), ("role", "root")],
            400,
        ),
        (
            "set_person_tier",
            vec![("id", admin_id.as_str()), ("tier", "bronze")],
            400,
        ),
        (
            "set_person_disabled",
            vec![("id", admin_id.as_str()), ("disabled", "maybe")],
            400,
        ),
        (
            "set_person_tier",
            vec![("id", "999999"), ("tier", "gold")],
            404,
        ),
        ("admin_people", vec![("kind", "robots")], 400),
        (
            "create_staff",
            vec![
                ("username", "agent"),
                ("display_name", "Again"),
                ("email", "a@example.com"),
                ("role", "agent"),
                ("password", "long-enough"),
            ],
            400,
        ),
        (
            "create_staff",
            vec![
                ("username", "newbie"),
                ("display_name", "New"),
                ("email", "n@example.com"),
                ("role", "member"),
                ("password", "long-enough"),
            ],
            400,
        ),
        (
            "create_staff",
            vec![
                ("username", "newbie"),
                ("display_name", "New"),
                ("email", "not-an-email"),
                ("role", "agent"),
                ("password", "long-enough"),
            ],
            400,
        ),
    ] {
        let res = app.call(&admin, endpoint, &args).await;
        assert_eq!(res.status(), status, "{endpoint} {args:?}");
    }
    assert!(people(&app, &admin, "staff", "newbie").await.is_empty());
    let admin_num: i64 = admin_id.parse().unwrap();
    assert!(user_audit(&app, &admin, admin_num).await.is_empty());

    // Members, managers and agents calling these directly are refused; strangers too.
    let silver_id = id_of(&app, &admin, "members", "silver").await.to_string();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("admin_people", vec![]),
        (
            "create_staff",
            vec![
                ("username", "sneak"),
                ("display_name", "S"),
                ("email", "s@example.com"),
                ("role", "admin"),
                ("password", "long-enough"),
            ],
        ),
        (
            "set_person_role",
            vec![("id", silver_id.as_str()), ("role", "admin")],
        ),
        (
            "set_person_tier",
            vec![("id", silver_id.as_str()), ("tier", "diamond")],
        ),
        (
            "set_person_disabled",
            vec![("id", admin_id.as_str()), ("disabled", "true")],
        ),
        (
            "reset_password",
            vec![("id", admin_id.as_str()), ("password", "taken-over!")],
        ),
    ];
    for who in ["silver", "manager", "agent"] {
        let client = app.logged_in(who).await;
        for (endpoint, args) in &calls {
            assert_eq!(
                app.call(&client, endpoint, args).await.status(),
                403,
                "{who} {endpoint}"
            );
        }
    }
    for (endpoint, args) in &calls {
        assert_eq!(
            app.call(&app.client(), endpoint, args).await.status(),
            401,
            "{endpoint}"
        );
    }
    assert!(people(&app, &admin, "staff", "sneak").await.is_empty());
    assert_eq!(
        people(&app, &admin, "members", "silver").await[0].role,
        Role::Member
    );
    assert_eq!(
        app.login(&app.client(), "admin", PASSWORD).await.status(),
        200
    );
}

#[tokio::test]
async fn an_admin_sees_one_members_tickets_from_the_people_page() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let silver = app.logged_in("silver").await;
    let diamond = app.logged_in("diamond").await;
    let mine = submit_ok(
        &app,
        &silver,
        "Silver's own case",
        "en",
        "Only silver has this.",
    )
    .await;
    let theirs = submit_ok(
        &app,
        &diamond,
        "Diamond's case",
        "en",
        "Only diamond has this.",
    )
    .await;
    let silver_id: i64 = sqlx::query_scalar("select id from users where username = 'silver'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    // The people page links the member's ticket count to the queue narrowed to them.
    let html = app
        .html(&admin, "/admin/people?kind=members&q=silver")
        .await;
    assert!(
        html.contains(&format!("/agent?view=all&amp;member={silver_id}")),
        "{html}"
    );
    let q = queue(
        &app,
        &admin,
        &[("view", "all"), ("member", &silver_id.to_string())],
    )
    .await;
    assert!(q.rows.iter().any(|r| r.id == mine));
    assert!(!q.rows.iter().any(|r| r.id == theirs));
    assert!(q.rows.iter().all(|r| r.member_name == "Sofía Silva"));
    let res = app
        .call(
            &admin,
            "queue_page",
            &[
                ("status", ""),
                ("language", ""),
                ("tier", ""),
                ("search", ""),
                ("member", "sofia"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn two_admins_adding_the_same_username_at_once_get_one_account_and_a_clear_refusal() {
    let app = spawn_app().await;
    let first = app.logged_in("admin").await;
    let second = app.logged_in("admin").await;
    for n in 0..5 {
        let username = format!("race{n}");
        let email = format!("race{n}@example.com");
        let args = [
            ("username", username.as_str()),
            ("display_name", "Race Agent"),
            ("email", email.as_str()),
            ("role", "agent"),
            ("password", "first-password"),
        ];
        let (a, b) = tokio::join!(
            app.call(&first, "create_staff", &args),
            app.call(&second, "create_staff", &args)
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 400], "{username}: never a 500");
        let count: i64 = sqlx::query_scalar("select count(*) from users where username = $1")
            .bind(&username)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(count, 1);
    }
}

#[tokio::test]
async fn an_admin_switches_a_member_off_and_their_stream_session_and_sign_in_end_at_once() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let silver = app.logged_in("silver").await;
    let diamond = app.logged_in("diamond").await;
    let mut silver_events = Events::open(&app, &silver).await;
    let mut diamond_events = Events::open(&app, &diamond).await;
    assert_eq!(app.call(&silver, "my_tickets", &[]).await.status(), 200);
    let silver_id = id_of(&app, &admin, "members", "silver").await;

    let res = app
        .call(
            &admin,
            "set_person_disabled",
            &[("id", &silver_id.to_string()), ("disabled", "true")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // The member's open stream ends without waiting for them to reload...
    assert!(
        silver_events.ended_within(Duration::from_secs(3)).await,
        "the member's stream ended"
    );
    // ...their session no longer stands, and they cannot sign in again.
    assert_eq!(app.call(&silver, "my_tickets", &[]).await.status(), 401);
    assert_eq!(
        app.login(&app.client(), "silver", PASSWORD).await.status(),
        401
    );
    assert!(people(&app, &admin, "members", "silver").await[0].disabled);
    // Only that member: another member's stream and session go on.
    assert!(
        !diamond_events
            .ended_within(Duration::from_millis(500))
            .await,
        "another member's stream was cut"
    );
    assert_eq!(app.call(&diamond, "my_tickets", &[]).await.status(), 200);

    // Recorded once, with the admin who did it.
    assert_eq!(
        user_audit(&app, &admin, silver_id).await,
        vec!["user.disable"]
    );
    let res = app
        .call(
            &admin,
            "audit_log",
            &[("target", &format!("user:{silver_id}"))],
        )
        .await;
    let (_, entries, _): (CurrentUser, Vec<AuditEntry>, Vec<StaffMember>) =
        res.json().await.unwrap();
    assert_eq!(entries[0].actor_name.as_deref(), Some("Ada Admin"));
}
