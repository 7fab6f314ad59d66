//! Acting on many tickets at once from the queue (assign, priority, close), and merging a
//! duplicate into the ticket the desk keeps. Every refusal is a test: who may call, what a bad
//! value gets, and that a refused ticket changes nothing while the others go through.

use crate::common::*;
use app::domain::{BulkOutcome, Invalid, Priority, Role, TicketStatus, Tier};
use app::error::AppError;

async fn bulk(app: &TestApp, client: &reqwest::Client, ids: &[i64], action: &str) -> BulkOutcome {
    let ids = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let res = app
        .call(client, "bulk_tickets", &[("ids", &ids), ("action", action)])
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

async fn audit_actions(app: &TestApp, ticket: i64) -> Vec<String> {
    sqlx::query_scalar(
        "select action from audit_log where target_kind = 'ticket' and target_id = $1 \
         order by id",
    )
    .bind(ticket)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_agent_assigns_sets_priority_and_closes_many_tickets_at_once() {
    let app = spawn_app().await;
    app.add_user("agent2", Tier::Silver, Role::Agent).await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let mut ids = vec![];
    for n in 0..3 {
        ids.push(
            submit_ok(
                &app,
                &silver,
                &format!("Bulk case {n}"),
                "en",
                "It is broken since today.",
            )
            .await,
        );
    }
    let agent2 = app.user_id("agent2").await;

    let out = bulk(&app, &agent, &ids, &format!("assign:{agent2}")).await;
    assert_eq!((out.done.clone(), out.refused.len()), (ids.clone(), 0));
    let out = bulk(&app, &agent, &ids, "priority:urgent").await;
    assert_eq!(out.done, ids);
    let q = queue(&app, &agent, &[("search", "bulk case")]).await;
    assert_eq!(q.rows.len(), 3);
    for row in &q.rows {
        assert_eq!(row.assignee.as_deref(), Some("Test agent2"));
        assert_eq!(row.priority, Priority::Urgent);
    }
    // Each ticket has the audit entries a single action would have left.
    for id in &ids {
        let actions = audit_actions(&app, *id).await;
        assert!(
            actions.contains(&"ticket.assign".to_string()),
            "{actions:?}"
        );
        assert!(
            actions.contains(&"ticket.priority".to_string()),
            "{actions:?}"
        );
    }

    // One is closed already: the others close, that one is named with the reason, and an
    // unknown ticket is refused the same way without stopping the rest.
    let res = app
        .call(&agent, "close_ticket", &[("id", &ids[0].to_string())])
        .await;
    assert_eq!(res.status(), 200);
    let out = bulk(&app, &agent, &[ids[0], ids[1], ids[2], 999_999], "close").await;
    assert_eq!(out.done, vec![ids[1], ids[2]]);
    assert_eq!(out.refused.len(), 2);
    assert_eq!(out.refused[0].0, ids[0]);
    assert!(matches!(
        out.refused[0].1,
        AppError::IllegalTransition { .. }
    ));
    assert_eq!(out.refused[1], (999_999, AppError::NotFound));
    for id in &ids {
        assert_eq!(
            detail(&app, &silver, *id).await.summary.status,
            TicketStatus::Closed
        );
    }

    // Back to nobody.
    let out = bulk(&app, &agent, &ids, "unassign").await;
    assert_eq!(out.done, ids);
    let q = queue(
        &app,
        &agent,
        &[("search", "bulk case"), ("status", "closed")],
    )
    .await;
    assert!(q.rows.iter().all(|r| r.assignee.is_none()));
}

#[tokio::test]
async fn bulk_actions_refuse_bad_requests_and_people_who_are_not_staff() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let id = submit_ok(
        &app,
        &silver,
        "Stays as it is",
        "en",
        "It is broken since today.",
    )
    .await;
    let ids = id.to_string();
    let silver_id = app.user_id("silver").await;
    let refused = [
        (ids.clone(), "delete".to_string()),
        (ids.clone(), "priority:asap".to_string()),
        (ids.clone(), format!("assign:{silver_id}")),
        ("".to_string(), "close".to_string()),
        ("1,two".to_string(), "close".to_string()),
        (
            (1..=101)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(","),
            "close".to_string(),
        ),
    ];
    for (ids, action) in refused {
        let res = app
            .call(
                &agent,
                "bulk_tickets",
                &[("ids", &ids), ("action", &action)],
            )
            .await;
        assert_eq!(res.status(), 400, "{action} on {ids}");
        assert!(matches!(app_error(res).await, AppError::Validation { .. }));
    }
    for who in ["silver", "manager"] {
        let client = app.logged_in(who).await;
        let res = app
            .call(
                &client,
                "bulk_tickets",
                &[("ids", &ids), ("action", "close")],
            )
            .await;
        assert_eq!(res.status(), 403, "{who}");
    }
    let res = app
        .call(
            &app.client(),
            "bulk_tickets",
            &[("ids", &ids), ("action", "close")],
        )
        .await;
    assert_eq!(res.status(), 401);
    // Nothing of the above touched the ticket.
    let d = detail(&app, &agent, id).await;
    assert_eq!(d.summary.status, TicketStatus::Open);
    assert_eq!(d.desk.unwrap().assignee_id, None);
    assert!(audit_actions(&app, id).await.is_empty());
}

#[tokio::test]
async fn a_duplicate_is_merged_and_the_member_sees_where_it_went() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let keep = submit_ok(
        &app,
        &silver,
        "Cannot print invoices",
        "en",
        "The printer shows an error.",
    )
    .await;
    let dup = submit_ok(
        &app,
        &silver,
        "Invoices do not print",
        "en",
        "Same problem again today.",
    )
    .await;

    let res = app
        .call(
            &agent,
            "merge_ticket",
            &[("id", &dup.to_string()), ("into", &format!("#{keep}"))],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let d = detail(&app, &silver, dup).await;
    assert_eq!(d.merged_into, Some(keep));
    assert_eq!(d.summary.status, TicketStatus::Closed);
    let k = detail(&app, &silver, keep).await;
    assert_eq!(k.merged_from, vec![dup]);
    assert_eq!(k.summary.status, TicketStatus::Open);
    let actions = audit_actions(&app, dup).await;
    assert!(actions.contains(&"ticket.merge".to_string()), "{actions:?}");
    // The member's page says so, in words and with a link, even before any script runs.
    let html = app.html(&silver, &format!("/tickets/{dup}")).await;
    assert!(html.contains(&format!("merged into #{keep}")), "{html}");
    assert!(html.contains(&format!("href=\"/tickets/{keep}\"")));
}

#[tokio::test]
async fn a_merge_that_makes_no_sense_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let diamond = app.logged_in("diamond").await;
    let agent = app.logged_in("agent").await;
    let a = submit_ok(&app, &silver, "First", "en", "Case one of the merge test.").await;
    let b = submit_ok(&app, &silver, "Second", "en", "Case two of the merge test.").await;
    let c = submit_ok(
        &app,
        &silver,
        "Third",
        "en",
        "Case three of the merge test.",
    )
    .await;
    let closed = submit_ok(
        &app,
        &silver,
        "Closed one",
        "en",
        "Case four of the merge test.",
    )
    .await;
    let theirs = submit_ok(
        &app,
        &diamond,
        "Other member",
        "en",
        "Case five of the merge test.",
    )
    .await;
    let res = app
        .call(&agent, "close_ticket", &[("id", &closed.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    let merge = |id: i64, into: String| {
        let (app, agent) = (&app, &agent);
        async move {
            app.call(
                agent,
                "merge_ticket",
                &[("id", &id.to_string()), ("into", &into)],
            )
            .await
        }
    };
    let problem = |e: AppError| match e {
        AppError::Validation { problem, .. } => problem,
        other => panic!("expected a validation error, got {other:?}"),
    };

    let res = merge(a, a.to_string()).await;
    assert_eq!(res.status(), 400);
    assert_eq!(problem(app_error(res).await), Invalid::MergeSelf);
    let res = merge(a, theirs.to_string()).await;
    assert_eq!(problem(app_error(res).await), Invalid::MergeOtherMember);
    let res = merge(a, closed.to_string()).await;
    assert_eq!(problem(app_error(res).await), Invalid::MergeIntoClosed);
    let res = merge(a, "soon".into()).await;
    assert_eq!(res.status(), 400);
    let res = merge(a, "999999".into()).await;
    assert_eq!(res.status(), 400);
    let res = merge(999_999, a.to_string()).await;
    assert_eq!(res.status(), 404);
    for who in ["silver", "manager"] {
        let client = app.logged_in(who).await;
        let res = app
            .call(
                &client,
                "merge_ticket",
                &[("id", &b.to_string()), ("into", &a.to_string())],
            )
            .await;
        assert_eq!(res.status(), 403, "{who}");
    }
    // None of that merged anything.
    for id in [a, b, c] {
        let d = detail(&app, &agent, id).await;
        assert_eq!((d.merged_into, d.merged_from.len()), (None, 0));
        assert_eq!(d.summary.status, TicketStatus::Open);
    }

    // b into a is fine; then b cannot be merged again, and nothing goes into b any more.
    assert_eq!(merge(b, a.to_string()).await.status(), 200);
    let res = merge(b, c.to_string()).await;
    assert_eq!(problem(app_error(res).await), Invalid::AlreadyMerged);
    // Reopened, b is open but still a duplicate: nothing can be merged into it.
    let res = app
        .call(&agent, "reopen_ticket", &[("id", &b.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    let res = merge(c, b.to_string()).await;
    assert_eq!(problem(app_error(res).await), Invalid::MergeIntoMerged);
    assert_eq!(detail(&app, &agent, c).await.merged_into, None);
}

#[tokio::test]
async fn two_merges_crossing_each_other_cannot_both_happen() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let first_agent = app.logged_in("agent").await;
    let second_agent = app.logged_in("admin").await;
    for n in 0..5 {
        let a = submit_ok(
            &app,
            &silver,
            &format!("Crossing A{n}"),
            "en",
            "Duplicate pair, one.",
        )
        .await;
        let b = submit_ok(
            &app,
            &silver,
            &format!("Crossing B{n}"),
            "en",
            "Duplicate pair, two.",
        )
        .await;
        let (ids, idb) = (a.to_string(), b.to_string());
        let a_into_b = [("id", ids.as_str()), ("into", idb.as_str())];
        let b_into_a = [("id", idb.as_str()), ("into", ids.as_str())];
        let (x, y) = tokio::join!(
            app.call(&first_agent, "merge_ticket", &a_into_b),
            app.call(&second_agent, "merge_ticket", &b_into_a)
        );
        let mut statuses = [x.status().as_u16(), y.status().as_u16()];
        statuses.sort();
        assert_eq!(
            statuses,
            [200, 400],
            "pair {n}: one merge wins, the other is refused"
        );
        let merged: i64 = sqlx::query_scalar(
            "select count(*) from tickets where id in ($1, $2) and merged_into is not null",
        )
        .bind(a)
        .bind(b)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(merged, 1);
    }
}
