//! The admin console: settings saved by section (checked, audited, in force at once), macros
//! kept by admins and applied by agents (placeholders, the member's language, the status they
//! set), the audit log and its filters, and every refusal: members, managers, agents and
//! strangers calling the admin functions directly.

use crate::common::*;
use app::domain::{
    AuditEntry, CurrentUser, DeskSettings, EntryKind, Macro, Priority, StaffMember, TicketDetail,
    TicketMacro, TicketStatus, Tier, TimelineItem,
};
use reqwest::Client;

async fn settings(app: &TestApp, admin: &Client) -> DeskSettings {
    let res = app.call(admin, "admin_settings", &[]).await;
    assert_eq!(res.status(), 200);
    res.json::<(CurrentUser, DeskSettings)>().await.unwrap().1
}

/// Posts one settings section the way the console's form does (`form[field]`).
async fn save_section(
    app: &TestApp,
    client: &Client,
    section: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let names: Vec<String> = fields.iter().map(|(k, _)| format!("form[{k}]")).collect();
    let mut args = vec![("section", section)];
    args.extend(
        names
            .iter()
            .map(String::as_str)
            .zip(fields.iter().map(|(_, v)| *v)),
    );
    app.call(client, "save_settings", &args).await
}

async fn audit(app: &TestApp, admin: &Client, filter: &[(&str, &str)]) -> Vec<AuditEntry> {
    let res = app.call(admin, "audit_log", filter).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json::<(CurrentUser, Vec<AuditEntry>, Vec<StaffMember>)>()
        .await
        .unwrap()
        .1
}

/// A form's fields: (name, value).
type Fields = Vec<(&'static str, String)>;

fn general(min_tier: &str, cap: &str) -> Vec<(&'static str, String)> {
    vec![
        ("min_tier", min_tier.to_string()),
        ("chat_agent_cap", cap.to_string()),
        ("chat_max_wait_minutes", "10".into()),
        ("reminder_hours", "48".into()),
        ("auto_close_hours", "240".into()),
    ]
}

fn pairs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, s)| (*k, s.as_str())).collect()
}

#[tokio::test]
async fn a_saved_setting_is_in_force_at_once_and_recorded() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let gold_only = general("gold", "3");
    let res = save_section(&app, &admin, "general", &pairs(&gold_only)).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let s = settings(&app, &admin).await;
    assert_eq!(s.general.min_tier, Tier::Gold);
    assert_eq!(s.general.chat_agent_cap, 3);
    assert_eq!(s.general.chat_max_wait_secs, 600);
    assert_eq!(s.general.reminder_after_secs, 48 * 3600);
    // The gate moved: Silver is now below it and told so politely, on the very next call.
    let silver = app.logged_in("silver").await;
    let res = app.call(&silver, "my_tickets", &[]).await;
    assert_eq!(res.status(), 403);
    assert!(matches!(
        app_error(res).await,
        app::error::AppError::TierTooLow {
            required: Tier::Gold,
            yours: Tier::Silver
        }
    ));

    // Hours, targets and assignment, each through its own form.
    let mut hours = vec![
        ("time_zone", "Europe/Madrid".to_string()),
        ("holidays", "2026-12-25\n2026-12-08, 2026-12-25".into()),
    ];
    for day in ["mon", "tue", "wed", "thu", "fri"] {
        hours.push((
            Box::leak(format!("{day}_open").into_boxed_str()),
            "09:00".into(),
        ));
        hours.push((
            Box::leak(format!("{day}_close").into_boxed_str()),
            "17:30".into(),
        ));
    }
    let res = save_section(&app, &admin, "hours", &pairs(&hours)).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let s = settings(&app, &admin).await;
    assert_eq!(s.hours.time_zone, "Europe/Madrid");
    assert_eq!(
        s.hours.week[4].map(|d| (d.open, d.close)),
        Some((540, 1050))
    );
    assert_eq!(s.hours.week[5], None);
    assert_eq!(s.hours.holidays, vec!["2026-12-08", "2026-12-25"]);

    let mut sla: Vec<(&'static str, String)> = vec![("warn_minutes", "20".into())];
    for p in Priority::ALL {
        for (what, minutes) in [("first", 30), ("next", 60), ("resolution", 240)] {
            let key = Box::leak(format!("{}_{what}", p.as_str()).into_boxed_str());
            sla.push((key, minutes.to_string()));
        }
    }
    for t in Tier::ALL {
        let key = Box::leak(format!("tier_{}", t.as_str()).into_boxed_str());
        sla.push((key, if t == Tier::Gold { "urgent" } else { "low" }.into()));
    }
    let res = save_section(&app, &admin, "sla", &pairs(&sla)).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let s = settings(&app, &admin).await;
    assert_eq!(s.sla.warn_minutes, 20);
    assert_eq!(s.sla.normal.resolution, 240);
    assert_eq!(s.sla.priority_for(Tier::Gold), Priority::Urgent);
    assert_eq!(s.sla.priority_for(Tier::Silver), Priority::Low);

    let res = save_section(
        &app,
        &admin,
        "assignment",
        &[("automatic", "on"), ("cap", "7")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(settings(&app, &admin).await.assignment.automatic);
    // An unchecked box is absent from the form: off.
    let res = save_section(&app, &admin, "assignment", &[("cap", "7")]).await;
    assert_eq!(res.status(), 200);
    assert!(!settings(&app, &admin).await.assignment.automatic);

    // Each change is one audit entry naming the section with before and after.
    let saves = audit(&app, &admin, &[("action", "settings")]).await;
    let sections: Vec<String> = saves
        .iter()
        .map(|e| {
            serde_json::from_str::<serde_json::Value>(&e.detail).unwrap()["section"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        sections,
        vec!["assignment", "assignment", "sla", "hours", "general"]
    );
    assert!(saves
        .iter()
        .all(|e| e.actor_name.as_deref() == Some("Ada Admin")));
    let first: serde_json::Value = serde_json::from_str(&saves[4].detail).unwrap();
    assert_eq!(first["from"]["min_tier"], "silver");
    assert_eq!(first["to"]["min_tier"], "gold");

    // Stored in the database: a second instance on it would read the same (reload here).
    app.state.settings.reload().await.unwrap();
    assert_eq!(app.state.desk().settings.general.min_tier, Tier::Gold);
}

#[tokio::test]
async fn a_bad_setting_is_refused_by_field_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let before = settings(&app, &admin).await;
    let cases: Vec<(&str, Fields, &str)> = vec![
        ("general", general("platinum-plus", "3"), "min_tier"),
        ("general", general("gold", "many"), "chat_agent_cap"),
        ("general", general("gold", "500"), "general"),
        ("hours", vec![("time_zone", "Mars/Olympus".into())], "hours"),
        (
            "hours",
            vec![
                ("time_zone", "UTC".into()),
                ("mon_open", "9am".into()),
                ("mon_close", "17:00".into()),
            ],
            "mon",
        ),
        (
            "hours",
            vec![
                ("time_zone", "UTC".into()),
                ("mon_open", "18:00".into()),
                ("mon_close", "09:00".into()),
            ],
            "hours",
        ),
        (
            "hours",
            vec![
                ("time_zone", "UTC".into()),
                ("mon_open", "09:00".into()),
                ("mon_close", "17:00".into()),
                ("holidays", "Christmas".into()),
            ],
            "hours",
        ),
        ("sla", vec![("warn_minutes", "5".into())], "low_first"),
        ("assignment", vec![("cap", "0".into())], "assignment"),
        ("colours", vec![], "section"),
    ];
    for (section, fields, field) in cases {
        let res = save_section(&app, &admin, section, &pairs(&fields)).await;
        assert_eq!(res.status(), 400, "{section} {fields:?}");
        match app_error(res).await {
            app::error::AppError::Validation { field: f, .. } => {
                assert_eq!(f, field, "{section} {fields:?}")
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(settings(&app, &admin).await, before);
    assert!(audit(&app, &admin, &[]).await.is_empty());
}

#[tokio::test]
async fn only_admins_reach_the_console() {
    let app = spawn_app().await;
    let fields = [("section", "general"), ("form[min_tier]", "diamond")];
    let macro_args = [("name", "x"), ("body_en", "a"), ("body_es", "b")];
    for (who, status) in [("silver", 403), ("manager", 403), ("agent", 403)] {
        let client = app.logged_in(who).await;
        for (endpoint, args) in [
            ("admin_settings", &[][..]),
            ("save_settings", &fields[..]),
            ("audit_log", &[][..]),
            ("list_macros", &[][..]),
            ("save_macro", &macro_args[..]),
            ("delete_macro", &[("id", "1")][..]),
        ] {
            let res = app.call(&client, endpoint, args).await;
            assert_eq!(res.status(), status, "{who} {endpoint}");
        }
    }
    let res = app.call(&app.client(), "save_settings", &fields).await;
    assert_eq!(res.status(), 401);
    // Members cannot read or apply macros on tickets either.
    let silver = app.logged_in("silver").await;
    let id = submit_ok(
        &app,
        &silver,
        "Cannot log in",
        "en",
        "It says wrong password.",
    )
    .await;
    for (endpoint, args) in [
        ("ticket_macros", vec![("id", id.to_string())]),
        (
            "apply_macro",
            vec![("id", id.to_string()), ("macro_id", "1".into())],
        ),
    ] {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            app.call(&silver, endpoint, &args).await.status(),
            403,
            "{endpoint}"
        );
    }
    let admin = app.logged_in("admin").await;
    assert_eq!(settings(&app, &admin).await.general.min_tier, Tier::Silver);
    assert!(audit(&app, &admin, &[]).await.is_empty());
}

async fn add_macro(app: &TestApp, admin: &Client, args: &[(&str, &str)]) -> i64 {
    let res = app.call(admin, "save_macro", args).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

fn entries(d: &TicketDetail) -> Vec<(EntryKind, String, bool)> {
    d.timeline
        .iter()
        .filter_map(|t| match t {
            TimelineItem::Entry(e) => Some((e.kind, e.body.clone(), e.author_is_staff)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn an_agent_answers_with_a_macro_in_the_members_language() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let ask = add_macro(
        &app,
        &admin,
        &[
            ("name", "Which browser"),
            (
                "body_en",
                "Hello {member_name}, which browser do you use for {ticket_number}? {agent_name}",
            ),
            (
                "body_es",
                "Hola {member_name}, ¿qué navegador usa para {ticket_number}? {agent_name}",
            ),
            ("set_status", "awaiting_feedback"),
        ],
    )
    .await;
    let thanks = add_macro(
        &app,
        &admin,
        &[
            ("name", "Solved"),
            ("body_en", "Glad it works, {member_name}."),
            ("body_es", "Nos alegra que funcione, {member_name}."),
            ("set_status", "closed"),
        ],
    )
    .await;
    let plain = add_macro(
        &app,
        &admin,
        &[
            ("name", "Looking"),
            ("body_en", "We are looking into “{ticket_title}”."),
            ("body_es", "Estamos revisando «{ticket_title}»."),
        ],
    )
    .await;

    let silver = app.logged_in("silver").await;
    let es = submit_ok(
        &app,
        &silver,
        "No puedo pagar",
        "es",
        "El botón de pago no hace nada.",
    )
    .await;
    let en = submit_ok(
        &app,
        &silver,
        "Cannot pay",
        "en",
        "The pay button does nothing.",
    )
    .await;
    let agent = app.logged_in("agent").await;

    // The ticket page lists them filled in for this ticket, in its language.
    let res = app
        .call(&agent, "ticket_macros", &[("id", &es.to_string())])
        .await;
    let listed: Vec<TicketMacro> = res.json().await.unwrap();
    let which = listed.iter().find(|m| m.id == ask).unwrap();
    assert_eq!(
        which.text,
        format!("Hola Sofía Silva, ¿qué navegador usa para #{es}? Alex Agent")
    );
    assert_eq!(which.set_status, Some(TicketStatus::AwaitingFeedback));
    let d = detail(&app, &agent, en).await;
    let listed = &d.desk.as_ref().unwrap().macros;
    assert_eq!(
        listed.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        vec!["Looking", "Solved", "Which browser"]
    );
    assert_eq!(listed[0].text, "We are looking into “Cannot pay”.");

    // A plain macro answers and stops the first-response clock; the ticket stays Open.
    let res = app
        .call(
            &agent,
            "apply_macro",
            &[("id", &en.to_string()), ("macro_id", &plain.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let d = detail(&app, &silver, en).await;
    assert_eq!(d.summary.status, TicketStatus::Open);
    assert_eq!(
        entries(&d).last().unwrap(),
        &(
            EntryKind::Message,
            "We are looking into “Cannot pay”.".to_string(),
            true
        )
    );
    let staff_view = detail(&app, &agent, en).await;
    assert!(staff_view.desk.unwrap().sla.first_response.is_some());

    // One that asks moves the ticket to Awaiting Feedback with the question in Spanish.
    let res = app
        .call(
            &agent,
            "apply_macro",
            &[("id", &es.to_string()), ("macro_id", &ask.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let d = detail(&app, &silver, es).await;
    assert_eq!(d.summary.status, TicketStatus::AwaitingFeedback);
    assert_eq!(entries(&d).last().unwrap().0, EntryKind::Question);
    assert!(entries(&d)
        .last()
        .unwrap()
        .1
        .starts_with("Hola Sofía Silva"));

    // One that closes answers and closes.
    let res = app
        .call(
            &agent,
            "apply_macro",
            &[("id", &es.to_string()), ("macro_id", &thanks.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let d = detail(&app, &silver, es).await;
    assert_eq!(d.summary.status, TicketStatus::Closed);
    assert_eq!(
        entries(&d).last().unwrap().1,
        "Nos alegra que funcione, Sofía Silva."
    );
    // A closed ticket takes no more answers; nothing is added.
    let res = app
        .call(
            &agent,
            "apply_macro",
            &[("id", &es.to_string()), ("macro_id", &plain.to_string())],
        )
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(entries(&detail(&app, &silver, es).await).len(), 2);
    // Unknown macro, unknown ticket.
    let res = app
        .call(
            &agent,
            "apply_macro",
            &[("id", &en.to_string()), ("macro_id", "99999")],
        )
        .await;
    assert_eq!(res.status(), 400);
    let res = app
        .call(
            &agent,
            "apply_macro",
            &[("id", "99999"), ("macro_id", &plain.to_string())],
        )
        .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn admins_keep_the_macros_and_every_change_is_audited() {
    let app = spawn_app().await;
    let admin = app.logged_in("admin").await;
    let id = add_macro(
        &app,
        &admin,
        &[
            ("name", "Reset"),
            ("body_en", "Reset it."),
            ("body_es", "Reinícielo."),
        ],
    )
    .await;
    // Refusals name the field and store nothing.
    for (args, field) in [
        (
            vec![("name", ""), ("body_en", "a"), ("body_es", "b")],
            "name",
        ),
        (
            vec![
                ("name", "Typo"),
                ("body_en", "Hi {membername}"),
                ("body_es", "b"),
            ],
            "body_en",
        ),
        (
            vec![
                ("name", "Bad"),
                ("body_en", "a"),
                ("body_es", "b"),
                ("set_status", "open"),
            ],
            "set_status",
        ),
        (
            vec![("name", "Reset"), ("body_en", "a"), ("body_es", "b")],
            "name",
        ),
        (
            vec![
                ("id", "x"),
                ("name", "N"),
                ("body_en", "a"),
                ("body_es", "b"),
            ],
            "id",
        ),
    ] {
        let res = app.call(&admin, "save_macro", &args).await;
        assert_eq!(res.status(), 400, "{args:?}");
        match app_error(res).await {
            app::error::AppError::Validation { field: f, .. } => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
    let idv = id.to_string();
    let res = app
        .call(
            &admin,
            "save_macro",
            &[
                ("id", &idv),
                ("name", "Reset password"),
                ("body_en", "Use the link."),
                ("body_es", "Use el enlace."),
                ("set_status", "closed"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app.call(&admin, "list_macros", &[]).await;
    let (_, list): (CurrentUser, Vec<Macro>) = res.json().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].name.as_str(), list[0].set_status),
        ("Reset password", Some(TicketStatus::Closed))
    );
    let res = app
        .call(
            &admin,
            "save_macro",
            &[
                ("id", "99999"),
                ("name", "Ghost"),
                ("body_en", "a"),
                ("body_es", "b"),
            ],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        app.call(&admin, "delete_macro", &[("id", &idv)])
            .await
            .status(),
        200
    );
    assert_eq!(
        app.call(&admin, "delete_macro", &[("id", &idv)])
            .await
            .status(),
        404
    );

    let trail = audit(&app, &admin, &[("target", &format!("macro:{id}"))]).await;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec!["macro.delete", "macro.update", "macro.create"]
    );
    // The audit filters: by area, by person, by day; a bad filter is refused.
    assert_eq!(audit(&app, &admin, &[("action", "macro")]).await.len(), 3);
    assert_eq!(audit(&app, &admin, &[("action", "ticket")]).await.len(), 0);
    let admin_id = app
        .state
        .db
        .users()
        .by_username(&app::domain::Username::parse("admin").unwrap())
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let agent_id = app
        .state
        .db
        .users()
        .by_username(&app::domain::Username::parse("agent").unwrap())
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    assert_eq!(
        audit(&app, &admin, &[("actor", &admin_id.to_string())])
            .await
            .len(),
        3
    );
    assert!(audit(&app, &admin, &[("actor", &agent_id.to_string())])
        .await
        .is_empty());
    assert!(audit(
        &app,
        &admin,
        &[("from", "2000-01-01"), ("to", "2000-12-31")]
    )
    .await
    .is_empty());
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    assert_eq!(
        audit(&app, &admin, &[("from", &today), ("to", &today)])
            .await
            .len(),
        3
    );
    for bad in [
        ("actor", "ada"),
        ("action", "x'; drop"),
        ("target", "file:1"),
        ("from", "yesterday"),
    ] {
        assert_eq!(
            app.call(&admin, "audit_log", &[bad]).await.status(),
            400,
            "{bad:?}"
        );
    }
}
