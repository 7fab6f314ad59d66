//! Reports: the day's figures move by exactly what happened (tickets opened and closed, the
//! backlog, first answers, chats waited for and abandoned, ratings), the filters narrow them,
//! the page draws its charts on the server, and the CSV export matches and is audited.

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
    let html = app
        .page(&admin, "/admin/reports")
        .await
        .text()
        .await
        .unwrap();
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
