//! Reports: the day's figures move by exactly what happened (tickets opened and closed, the
//! backlog, first answers, service targets met and missed, chats waited for and abandoned,
//! ratings), the filters narrow them, the page draws its charts on the server, and the CSV
//! export matches and is audited.

use crate::common::*;
use app::domain::{CurrentUser, DayFigures, Report};

fn today() -> String {
    // The desk's default time zone is UTC.
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}

async fn report(app: &TestApp, admin: &reqwest::Client, args: &[(&str, &str)]) -> Report {
    let res = app.call(admin, "desk_report", args).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json::<(CurrentUser, Report)>().await.unwrap().1
}

/// Today's figures under `args` (today only).
async fn today_figures(
    app: &TestApp,
    admin: &reqwest::Client,
    args: &[(&str, &str)],
) -> (DayFigures, Report) {
    let day = today();
    let mut all = vec![("from", day.as_str()), ("to", day.as_str())];
    all.extend_from_slice(args);
    let r = report(app, admin, &all).await;
    assert_eq!(r.days.len(), 1);
    (r.days[0].clone(), r)
}

#[tokio::test]
async fn the_days_figures_move_by_what_happened_and_the_filters_narrow_them() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let silver = app.logged_in("silver").await;
    let diamond = app.logged_in("diamond").await;
    let agent = app.logged_in("agent").await;
    let (before, r0) = today_figures(&app, &admin, &[]).await;
    let (es_before, _) = today_figures(&app, &admin, &[("language", "es")]).await;
    let agent_id: i64 = sqlx::query_scalar("select id from users where username = 'agent'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let agent_filter = agent_id.to_string();
    let (mine_before, _) = today_figures(&app, &admin, &[("agent", &agent_filter)]).await;

    let a = submit_ok(
        &app,
        &silver,
        "Report case A",
        "en",
        "The first report case.",
    )
    .await;
    let b = submit_ok(
        &app,
        &silver,
        "Report case B",
        "en",
        "The second report case.",
    )
    .await;
    submit_ok(
        &app,
        &diamond,
        "Caso del informe",
        "es",
        "El tercer caso del informe.",
    )
    .await;
    assert_eq!(
        app.call(&agent, "take_ticket", &[("id", &a.to_string())])
            .await
            .status(),
        200
    );
    let res = app
        .call(
            &agent,
            "reply_ticket",
            &[("id", &a.to_string()), ("body", "Looking at it.")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.call(&agent, "close_ticket", &[("id", &b.to_string())])
            .await
            .status(),
        200
    );
    let res = app
        .call(
            &silver,
            "rate",
            &[
                ("kind", "ticket"),
                ("id", &b.to_string()),
                ("rating", "good"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // One chat left in the queue, one taken by an agent.
    let left = person(&app, "silver").await;
    let gone = start_ok(&app, &left, "I will not wait").await;
    assert_eq!(
        call(&app, &left, "end_chat", &[("id", &gone.to_string())])
            .await
            .status(),
        200
    );
    let member = person(&app, "diamond").await;
    let helped = start_ok(&app, &member, "Please help").await;
    let agent_p = person(&app, "agent").await;
    online(&app, &agent_p).await;
    assert_eq!(
        call(
            &app,
            &agent_p,
            "accept_chat",
            &[("id", &helped.to_string())]
        )
        .await
        .status(),
        200
    );

    let (after, r1) = today_figures(&app, &admin, &[]).await;
    assert_eq!(after.opened - before.opened, 3);
    assert_eq!(after.closed - before.closed, 1);
    assert_eq!(after.backlog - before.backlog, 2);
    assert_eq!(after.chats - before.chats, 2);
    assert_eq!(after.abandoned - before.abandoned, 1);
    assert_eq!(after.rated_good - before.rated_good, 1);
    assert_eq!(r1.first_response.count - r0.first_response.count, 1);
    assert!(r1.first_response.median_min.is_some());
    assert_eq!(r1.resolution.count - r0.resolution.count, 1);
    assert_eq!(r1.chat_wait.count - r0.chat_wait.count, 1);
    assert_eq!(r1.csat.part - r0.csat.part, 1);
    // Filters: the Spanish ticket only; the agent's ticket only.
    let (es_after, _) = today_figures(&app, &admin, &[("language", "es")]).await;
    assert_eq!(es_after.opened - es_before.opened, 1);
    assert_eq!(es_after.closed - es_before.closed, 0);
    let (mine_after, _) = today_figures(&app, &admin, &[("agent", &agent_filter)]).await;
    assert_eq!(mine_after.opened - mine_before.opened, 1);
    assert_eq!(mine_after.chats - mine_before.chats, 1);
}

#[tokio::test]
async fn the_page_draws_accessible_charts_without_javascript_and_the_csv_matches() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let silver = app.logged_in("silver").await;
    submit_ok(
        &app,
        &silver,
        "Chart case",
        "en",
        "Something for the chart.",
    )
    .await;
    let html = app.html(&admin, "/admin/reports").await;
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "three charts in the server's HTML"
    );
    assert!(html.contains("role=\"img\""));
    assert!(html.contains("<title id=\"chart-flow-t\">Tickets opened and closed per day</title>"));
    assert!(
        html.contains("<caption"),
        "the figures are in a table as well"
    );

    let day = today();
    let (figures, _) = today_figures(&app, &admin, &[]).await;
    let res = admin
        .get(app.url(&format!("/admin/reports.csv?from={day}&to={day}&language=")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "day,tickets_opened,tickets_closed,backlog_at_end,chats,chats_abandoned,ratings_good,ratings_bad");
    assert_eq!(
        lines[1],
        format!(
            "{day},{},{},{},{},{},{},{}",
            figures.opened,
            figures.closed,
            figures.backlog,
            figures.chats,
            figures.abandoned,
            figures.rated_good,
            figures.rated_bad
        )
    );
    let exports: Vec<String> =
        sqlx::query_scalar("select detail from audit_log where action = 'report.export'")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(exports.len(), 1);
    assert!(exports[0].contains(&day));
}

#[tokio::test]
async fn reports_refuse_bad_filters_and_anyone_but_admins() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    for args in [
        vec![("from", "yesterday")],
        vec![("from", "2026-12-05"), ("to", "2026-12-01")],
        vec![("from", "2020-01-01"), ("to", "2026-01-01")],
        vec![("language", "xx")],
        vec![("tier", "bronze")],
        vec![("agent", "me")],
    ] {
        let res = app.call(&admin, "desk_report", &args).await;
        assert_eq!(res.status(), 400, "{args:?}");
        let q: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let res = admin
            .get(app.url(&format!("/admin/reports.csv?{}", q.join("&"))))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{args:?}");
    }
    // A Manager-tier member is below the desk's gate: the download answers as to nobody.
    for (who, download) in [("silver", 403), ("manager", 401), ("agent", 403)] {
        let client = app.logged_in(who).await;
        assert_eq!(
            app.call(&client, "desk_report", &[]).await.status(),
            403,
            "{who}"
        );
        let res = client
            .get(app.url("/admin/reports.csv"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), download, "{who}");
    }
    let res = app
        .client()
        .get(app.url("/admin/reports.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // Refused exports are not exports: nothing audited.
    let n: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'report.export'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(n, 0);
}

/// Moves a ticket's first-response deadline a minute into the past, as if its target had run out
/// while nobody answered (waiting hours in a test is not an option).
async fn first_response_overdue(app: &TestApp, id: i64) {
    let past = app::ssr::db::now_ms() - 60_000;
    sqlx::query("update tickets set first_response_due = $1, response_due_at = $1 where id = $2")
        .bind(past)
        .bind(id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
}

/// Makes a ticket's resolution time already spent far beyond any target (a thousand hours).
async fn resolution_overspent(app: &TestApp, id: i64) {
    sqlx::query("update tickets set resolve_spent_ms = $1 where id = $2")
        .bind(1_000 * 3_600_000_i64)
        .bind(id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
}

/// The agent answers the member (a public reply: it stops the first-response clock).
async fn answer(app: &TestApp, agent: &reqwest::Client, id: i64) {
    let res = app
        .call(
            agent,
            "reply_ticket",
            &[("id", &id.to_string()), ("body", "Here is what to do.")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

async fn close(app: &TestApp, agent: &reqwest::Client, id: i64) {
    let res = app
        .call(agent, "close_ticket", &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn sla_compliance_counts_targets_met_and_missed_and_the_tier_filter_narrows_it() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let silver = app.logged_in("silver").await;
    let diamond = app.logged_in("diamond").await;
    let agent = app.logged_in("agent").await;
    // Silver, answered at once and closed in time: both targets met.
    let quick = submit_ok(&app, &silver, "Quick one", "en", "Answered right away.").await;
    answer(&app, &agent, quick).await;
    close(&app, &agent, quick).await;
    // Silver, never answered before its deadline passed, closed long after its resolution
    // target: both missed, though nobody answered at all.
    let forgotten = submit_ok(&app, &silver, "Forgotten one", "en", "Nobody looked.").await;
    first_response_overdue(&app, forgotten).await;
    resolution_overspent(&app, forgotten).await;
    close(&app, &agent, forgotten).await;
    // Silver, unanswered but still within its target: neither met nor missed yet, so not counted.
    let fresh = submit_ok(&app, &silver, "Fresh one", "en", "Filed a moment ago.").await;
    // Diamond, answered after the deadline passed, then closed in time.
    let late = submit_ok(&app, &diamond, "Late one", "en", "Answered too late.").await;
    first_response_overdue(&app, late).await;
    answer(&app, &agent, late).await;
    close(&app, &agent, late).await;

    // The ticket page agrees with what the report will count.
    let d = detail(&app, &agent, late).await;
    let first = d.desk.as_ref().unwrap().sla.first_response;
    assert_eq!(
        first.map(|(_, in_time)| in_time),
        Some(false),
        "late answer"
    );
    let d = detail(&app, &agent, fresh).await;
    assert!(d.desk.as_ref().unwrap().sla.first_pending);

    let share = |part, total| app::domain::Share { part, total };
    let (_, all) = today_figures(&app, &admin, &[]).await;
    // First response: quick met; forgotten and late missed; fresh not due yet.
    assert_eq!(all.first_response_met, share(1, 3));
    assert_eq!(all.first_response_met.percent(), Some(33));
    // Resolution: quick and late in time, forgotten late; fresh is not closed.
    assert_eq!(all.resolution_met, share(2, 3));
    assert_eq!(
        all.first_response.count, 2,
        "two tickets got a first answer"
    );

    // Silver's tickets only: Diamond's late answer is not counted with them...
    let (_, silver_only) = today_figures(&app, &admin, &[("tier", "silver")]).await;
    assert_eq!(silver_only.first_response_met, share(1, 2));
    assert_eq!(silver_only.resolution_met, share(1, 2));
    assert_eq!(silver_only.days[0].opened, 3);
    // ...and Diamond's figures hold it alone.
    let (_, diamond_only) = today_figures(&app, &admin, &[("tier", "diamond")]).await;
    assert_eq!(diamond_only.first_response_met, share(0, 1));
    assert_eq!(diamond_only.resolution_met, share(1, 1));
    assert_eq!(diamond_only.days[0].opened, 1);
    // A rank with no tickets has nothing to count (no percentage rather than 0 %).
    let (_, gold_only) = today_figures(&app, &admin, &[("tier", "gold")]).await;
    assert_eq!(gold_only.first_response_met, share(0, 0));
    assert_eq!(gold_only.first_response_met.percent(), None);
}
