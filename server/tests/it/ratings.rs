//! Satisfaction: one rating per closed ticket or ended chat, changeable for seven days, seen by
//! staff; every way to rate what one may not is refused.
use app::domain::{Invalid, RatingState};
use app::error::AppError;

use crate::common::*;

async fn state(app: &TestApp, who: &reqwest::Client, kind: &str, id: i64) -> RatingState {
    let res = app
        .call(
            who,
            "get_rating",
            &[("kind", kind), ("id", &id.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

async fn rate(
    app: &TestApp,
    who: &reqwest::Client,
    kind: &str,
    id: i64,
    rating: &str,
    comment: &str,
) -> reqwest::Response {
    let id = id.to_string();
    let args = [
        ("kind", kind),
        ("id", &id),
        ("rating", rating),
        ("comment", comment),
    ];
    app.call(who, "rate", &args).await
}

async fn closed_ticket(app: &TestApp) -> (i64, reqwest::Client, reqwest::Client) {
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let id = submit_ok(app, &silver, "Wi-Fi keeps dropping", "en", "In the office.").await;
    let res = app
        .call(&agent, "close_ticket", &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    (id, silver, agent)
}

#[tokio::test]
async fn a_member_rates_a_closed_ticket_once_and_may_change_it_for_seven_days() {
    let app = spawn_app().await;
    let (id, silver, agent) = closed_ticket(&app).await;
    let before = state(&app, &silver, "ticket", id).await;
    assert!(before.may_rate && before.rating.is_none());
    assert_eq!(state(&app, &agent, "ticket", id).await.rating, None);

    assert_eq!(
        rate(&app, &silver, "ticket", id, "good", "Quick and kind")
            .await
            .status(),
        200
    );
    let r = state(&app, &silver, "ticket", id).await.rating.unwrap();
    assert!(r.good);
    assert_eq!(r.comment, "Quick and kind");
    // Changed, not added: still one rating.
    assert_eq!(
        rate(&app, &silver, "ticket", id, "bad", "It broke again")
            .await
            .status(),
        200
    );
    let rows: i64 = sqlx::query_scalar("select count(*) from ratings where ticket_id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    let seen = state(&app, &agent, "ticket", id).await;
    assert!(seen.viewer_is_staff && !seen.may_rate);
    let r = seen.rating.unwrap();
    assert!(!r.good);
    assert_eq!(r.comment, "It broke again");

    // Eight days later it stays as it is.
    sqlx::query("update ratings set created_at = created_at - $1 where ticket_id = $2")
        .bind(8 * 24 * 3600 * 1000i64)
        .bind(id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let res = rate(&app, &silver, "ticket", id, "good", "").await;
    assert_eq!(res.status(), 400);
    assert!(matches!(
        app_error(res).await,
        AppError::Validation {
            problem: Invalid::RatingFixed,
            ..
        }
    ));
    let after = state(&app, &silver, "ticket", id).await;
    assert!(!after.may_rate);
    assert!(!after.rating.unwrap().good, "unchanged");
}

#[tokio::test]
async fn what_may_not_be_rated_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let (id, silver, agent) = closed_ticket(&app).await;
    let open = submit_ok(&app, &silver, "Printer jam", "en", "Paper stuck.").await;
    let res = rate(&app, &silver, "ticket", open, "good", "").await;
    assert_eq!(res.status(), 400);
    assert!(matches!(
        app_error(res).await,
        AppError::Validation {
            problem: Invalid::NotRateableYet,
            ..
        }
    ));

    // Another member: "not found", exactly like a ticket that does not exist.
    let diamond = app.logged_in("diamond").await;
    assert_eq!(
        rate(&app, &diamond, "ticket", id, "bad", "").await.status(),
        404
    );
    let res = app
        .call(
            &diamond,
            "get_rating",
            &[("kind", "ticket"), ("id", &id.to_string())],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        rate(&app, &silver, "ticket", 999_999, "good", "")
            .await
            .status(),
        404
    );
    // Staff read ratings, they do not give them; a member below the gate cannot either.
    assert_eq!(
        rate(&app, &agent, "ticket", id, "good", "").await.status(),
        403
    );
    let manager = app.logged_in("manager").await;
    assert_eq!(
        rate(&app, &manager, "ticket", id, "good", "")
            .await
            .status(),
        403
    );
    assert_eq!(
        rate(&app, &app.client(), "ticket", id, "good", "")
            .await
            .status(),
        401
    );
    // Malformed: not good/bad, an unknown kind, a comment too long, no rating at all.
    for (kind, rating, comment) in [
        ("ticket", "excellent", ""),
        ("order", "good", ""),
        ("ticket", "good", &"x".repeat(2001)[..]),
        ("ticket", "", ""),
    ] {
        let res = rate(&app, &silver, kind, id, rating, comment).await;
        assert_eq!(res.status(), 400, "{kind} {rating} {}", comment.len());
    }
    let rows: i64 = sqlx::query_scalar("select count(*) from ratings")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn a_member_rates_an_ended_chat_and_the_agent_sees_it() {
    let app = spawn_app().await;
    let silver = person(&app, "silver").await;
    let chat = start_ok(&app, &silver, "My order page stays blank after I log in").await;
    let res = rate(&app, &silver.http, "chat", chat, "good", "").await;
    assert_eq!(res.status(), 400, "not before it ends");
    let res = call(&app, &silver, "end_chat", &[("id", &chat.to_string())]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        rate(&app, &silver.http, "chat", chat, "good", "Thanks!")
            .await
            .status(),
        200
    );
    let agent = app.logged_in("agent").await;
    let seen = state(&app, &agent, "chat", chat).await;
    assert_eq!(seen.rating.unwrap().comment, "Thanks!");
}
