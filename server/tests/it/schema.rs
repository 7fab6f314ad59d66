//! The database itself refuses values the code does not know (CHECK constraints on PostgreSQL,
//! the same rules as triggers on SQLite).

use crate::common::*;

#[tokio::test]
async fn unknown_statuses_tiers_roles_and_kinds_are_refused() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let id = submit_ok(
        &app,
        &silver,
        "Checkout fails",
        "en",
        "The checkout button does nothing.",
    )
    .await;
    let res = app
        .call(
            &silver,
            "reply_ticket",
            &[("id", &id.to_string()), ("body", "More detail")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let pool = &app.state.db.pool;
    for sql in [
        "update tickets set status = 'pending'",
        "update users set role = 'root'",
        "update users set tier = 'bronze'",
        "update ticket_messages set kind = 'shout'",
        "insert into ticket_events (ticket_id, actor_id, from_status, to_status, at) \
         select id, member_id, 'open', 'resolved', 0 from tickets",
    ] {
        let res = sqlx::query(sql).execute(pool).await;
        assert!(res.is_err(), "accepted: {sql}");
    }
    // Known values still go through.
    let ok = sqlx::query("update tickets set status = status")
        .execute(pool)
        .await
        .unwrap();
    assert!(ok.rows_affected() > 0);
}
