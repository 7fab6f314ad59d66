//! The member dashboard and the tier gate over real HTTP.

use crate::common::*;
use app::domain::{CurrentUser, TicketLists, Tier};
use app::error::AppError;

async fn my_tickets(app: &TestApp, client: &reqwest::Client) -> (CurrentUser, TicketLists) {
    let res = app.call(client, "my_tickets", &[]).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// A page's HTML as a browser asking for `languages` gets it.
async fn page_in(app: &TestApp, client: &reqwest::Client, path: &str, languages: &str) -> String {
    let res = client
        .get(app.url(path))
        .header("accept-language", languages)
        .send()
        .await
        .unwrap();
    res.text().await.unwrap()
}

#[tokio::test]
async fn a_member_lists_only_their_own_tickets() {
    // On the demo data (its tickets, statuses and dates are what this checks).
    let app = spawn_app_with(|c| c.demo_seed = true).await;
    let silver = app.logged_in("silver").await;
    let (me, mine) = my_tickets(&app, &silver).await;
    assert_eq!(me.username, "silver");
    assert_eq!(
        (mine.open.len(), mine.awaiting.len(), mine.closed.len()),
        (2, 1, 3)
    );
    let all: Vec<_> = mine
        .open
        .iter()
        .chain(&mine.awaiting)
        .chain(&mine.closed)
        .collect();
    assert!(
        all.iter().all(|t| !t.title.contains("Diamond")),
        "silver sees another member's ticket"
    );

    let diamond = app.logged_in("diamond").await;
    let (_, theirs) = my_tickets(&app, &diamond).await;
    assert_eq!(theirs.open.len(), 1);
    assert!(theirs.open[0].title.contains("Diamond"));
    assert!(theirs.awaiting.is_empty() && theirs.closed.is_empty());
}

#[tokio::test]
async fn closed_dates_come_from_the_status_history() {
    // The demo data, as `make run` shows it (the seed guide's "Date Closed: 6 Mar 2020").
    let app = spawn_app_with(|c| c.demo_seed = true).await;
    let silver = app.logged_in("silver").await;
    let (_, mine) = my_tickets(&app, &silver).await;
    let canada = mine
        .closed
        .iter()
        .find(|t| t.title == "Testing Submission From Canada")
        .unwrap();
    let closed = canada.closed_at.expect("closed date");
    let english_months = app::components::labels::months_in(app::i18n::Locale::en);
    assert_eq!(
        app::domain::format_day(closed, english_months),
        "6 Mar 2020"
    );
    assert!(canada.opened_at < closed);
}

#[tokio::test]
async fn dashboard_page_shows_banner_tabs_counts_and_dates() {
    // The demo data, as `make run` shows it (the seed guide's "Date Closed: 6 Mar 2020").
    let app = spawn_app_with(|c| c.demo_seed = true).await;
    let silver = app.logged_in("silver").await;
    let html = app.html(&silver, "/?tab=closed").await;
    assert!(html.contains("This service desk is for IT support issues. If you have any other support requests please contact your account manager"));
    assert!(html.contains("Submit a new tech issue"));
    assert!(html.contains("Tech Support Chat"));
    assert!(html.contains("English only"));
    for (label, n) in [
        ("Open Tech Issues", 2),
        ("Awaiting Feedback", 1),
        ("Closed Tech Issues", 3),
    ] {
        let needle = format!("{label}</span> <span class=\"count\">({n})</span>");
        assert!(
            html.contains(&needle),
            "missing {needle} in {}",
            &html[html.find("class=\"tabs\"").unwrap_or(0)..][..1200]
        );
    }
    assert!(html.contains("Date Closed: 6 Mar 2020"));
    assert!(html.contains("Testing Submission From Canada"));
    assert!(html.contains("Sofía Silva"));
    assert!(
        !html.contains("Diamond&#x27;s private ticket")
            && !html.contains("Diamond's private ticket")
    );
}

#[tokio::test]
async fn dashboard_follows_accept_language() {
    // On the demo data (its tickets, statuses and dates are what this checks).
    let app = spawn_app_with(|c| c.demo_seed = true).await;
    let silver = app.logged_in("silver").await;
    let html = page_in(&app, &silver, "/?tab=closed", "es-MX,es;q=0.9,en;q=0.5").await;
    assert!(html.contains("Mis problemas técnicos"), "not Spanish");
    assert!(html.contains("Fecha de cierre: 6 mar 2020"));
    assert!(html.contains("lang=\"es\""));
}

#[tokio::test]
async fn the_language_form_keeps_the_choice_and_goes_back_to_the_page() {
    let app = spawn_app_with(|c| c.demo_seed = true).await;
    let silver = app.logged_in("silver").await;
    // The page's own form: its buttons and the address to come back to.
    let html = page_in(&app, &silver, "/?tab=closed", "en").await;
    assert!(
        html.contains(r#"<form method="post" action="/language">"#),
        "{html}"
    );
    assert!(html.contains(r#"name="next" value="/?tab=closed""#));
    assert!(html.contains(r#"name="lang" value="es""#));

    let choose = |lang: &str, next: &str| {
        silver
            .post(app.url("/language"))
            .header("sec-fetch-site", "same-origin")
            .form(&[("lang", lang), ("next", next)])
            .send()
    };
    let res = choose("es", "/?tab=closed").await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/?tab=closed");
    let html = page_in(&app, &silver, "/?tab=closed", "en").await;
    assert!(
        html.contains("Mis problemas técnicos"),
        "the cookie beats the browser's languages"
    );
    let spanish = html
        .split("<button")
        .find(|b| b.contains(r#"value="es""#))
        .expect("the Español button");
    assert!(spanish.contains(r#"aria-pressed="true""#), "{spanish}");

    // Never back to another site; an unknown language changes nothing.
    let res = choose("en", "//evil.example/").await.unwrap();
    assert_eq!(res.headers()["location"], "/");
    let res = choose("klingon", "/").await.unwrap();
    assert_eq!(res.status(), 400);
    assert!(page_in(&app, &silver, "/", "es")
        .await
        .contains("My Technical Issues"));

    // Another site cannot choose for the member (the desk refuses cross-origin posts).
    let res = silver
        .post(app.url("/language"))
        .header("origin", "https://evil.example")
        .form(&[("lang", "es"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(page_in(&app, &silver, "/", "es")
        .await
        .contains("My Technical Issues"));
}

#[tokio::test]
async fn a_manager_is_refused_politely_on_every_page_and_server_fn() {
    let app = spawn_app().await;
    let manager = app.logged_in("manager").await;

    for page in ["/", "/?tab=open", "/?tab=awaiting", "/?tab=closed"] {
        let res = app.page(&manager, page).await;
        assert_eq!(res.status(), 403, "{page}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains("Technical Issues is for Silver members and above"),
            "{page}"
        );
        assert!(html.contains("Your current rank is Manager."), "{page}");
        assert!(html.contains("account manager"), "{page}");
        assert!(!html.contains("Testing Submission"), "{page} leaked data");
    }

    for endpoint in ["my_tickets"] {
        let res = app.call(&manager, endpoint, &[]).await;
        assert_eq!(res.status(), 403, "{endpoint}");
        assert_eq!(
            app_error(res).await,
            AppError::TierTooLow {
                required: Tier::Silver,
                yours: Tier::Manager
            },
            "{endpoint}"
        );
    }
}

#[tokio::test]
async fn the_gate_is_configurable() {
    let app = spawn_app_with(|c| c.min_tier = Tier::Gold).await;
    let silver = app.logged_in("silver").await;
    let res = app.call(&silver, "my_tickets", &[]).await;
    assert_eq!(
        app_error(res).await,
        AppError::TierTooLow {
            required: Tier::Gold,
            yours: Tier::Silver
        }
    );
    let agent = app.logged_in("agent").await;
    assert_eq!(app.call(&agent, "my_tickets", &[]).await.status(), 200);
}

#[tokio::test]
async fn anonymous_server_fn_call_is_unauthorized() {
    let app = spawn_app().await;
    let res = app.call(&app.client(), "my_tickets", &[]).await;
    assert_eq!(res.status(), 401);
    assert_eq!(app_error(res).await, AppError::Unauthorized);
}

#[tokio::test]
async fn every_line_of_a_list_links_its_ticket_with_date_and_status_and_an_asked_one_keeps_its_answer_form(
) {
    // The lines are written as finished HTML (issue 16); an Awaiting Feedback line with a question
    // still carries the answer form, in the reader's language.
    let app = spawn_app_with(|c| c.demo_seed = true).await;
    let silver = app.logged_in("silver").await;
    let (_, mine) = my_tickets(&app, &silver).await;
    let asked = &mine.awaiting[0];
    assert!(
        asked.question.is_some(),
        "the demo's awaiting ticket has a question"
    );
    let html = app.html(&silver, "/?tab=awaiting").await;
    let line = format!(
        "<a class=\"title\" href=\"/tickets/{}\">{}</a><span class=\"date\">Date Opened: ",
        asked.id, asked.title
    );
    assert!(html.contains(&line), "missing {line}");
    assert!(
        html.contains("<span class=\"status status-awaiting_feedback\">Awaiting Feedback</span>")
    );
    assert!(html.contains(&format!("<textarea id=\"answer-{}\"", asked.id)));
    assert!(html.contains("action=\"/api/reply_ticket\""));

    let open = page_in(&app, &silver, "/?tab=open", "es").await;
    for t in &mine.open {
        let line = format!(
            "<li class=\"ticket-row\"><a class=\"title\" href=\"/tickets/{}\">{}</a>\
             <span class=\"date\">Fecha de apertura: ",
            t.id, t.title
        );
        assert!(open.contains(&line), "missing {line}");
    }
    assert!(open.contains("<span class=\"status status-open\">Abierto</span></li>"));
}

#[tokio::test]
async fn the_page_sends_its_lists_once_and_the_list_island_only_the_counts() {
    // The list the page opens with is written once, as HTML; the island that switches tabs gets
    // the three counts, not the lists again as props (issue 16). An answer form on the server's
    // list is an island of its own, so it works before any list is fetched.
    let app = spawn_app_with(|c| c.demo_seed = true).await;
    let silver = app.logged_in("silver").await;
    let (_, mine) = my_tickets(&app, &silver).await;

    let html = app.html(&silver, "/").await;
    for t in &mine.open {
        assert_eq!(html.matches(t.title.as_str()).count(), 1, "{}", t.title);
    }
    for t in mine.awaiting.iter().chain(&mine.closed) {
        let (line, prop) = (format!(">{}<", t.title), format!("&quot;{}&quot;", t.title));
        assert!(
            !html.contains(&line) && !html.contains(&prop),
            "{} is on another tab",
            t.title
        );
    }
    let props = island_props(&html, "TicketTabs");
    assert_eq!(
        props,
        serde_json::json!({
            "counts": [mine.open.len(), mine.awaiting.len(), mine.closed.len()],
            "tab": "Open",
            "search": "",
        })
    );

    let html = app.html(&silver, "/?tab=awaiting").await;
    let asked = &mine.awaiting[0];
    assert_eq!(island_props(&html, "TicketTabs")["tab"], "Awaiting");
    let answer = island_props(&html, "InlineAnswerIsland");
    assert_eq!(answer["id"], asked.id);
    assert_eq!(answer["question"].as_str(), asked.question.as_deref());
}

#[tokio::test]
async fn the_language_is_written_on_the_page_and_no_island_wraps_it() {
    // The browser reads the page's language from `<html lang>` (app/src/locale.rs); leptos_i18n's
    // provider is no longer an island around the whole page that the browser has to wake first
    // (issue 16). The first page's only island is the tab list, in either language.
    let app = spawn_app_with(|c| c.demo_seed = true).await;
    let silver = app.logged_in("silver").await;
    for (languages, lang, heading) in [
        ("en", "en", "My Technical Issues"),
        ("es-MX,es;q=0.9", "es", "Mis problemas técnicos"),
    ] {
        let html = page_in(&app, &silver, "/", languages).await;
        assert!(html.contains(heading), "{languages}: not translated");
        assert!(
            html.contains(&format!("<html lang=\"{lang}\" dir=\"ltr\">")),
            "{languages}: no <html lang=\"{lang}\">"
        );
        let islands: Vec<&str> = html
            .split("data-component=\"")
            .skip(1)
            .filter_map(|rest| rest.split('_').next())
            .collect();
        assert_eq!(islands, ["TicketTabs"], "{languages}");
    }
}

/// The props the server wrote for the first island whose name starts with `name`.
fn island_props(html: &str, name: &str) -> serde_json::Value {
    let start = html
        .find(&format!("data-component=\"{name}_"))
        .unwrap_or_else(|| panic!("no {name} island"));
    let tag = &html[start..start + html[start..].find('>').unwrap()];
    let props = tag
        .split("data-props=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{name} has no props"));
    serde_json::from_str(&html_escape::decode_html_entities(props)).unwrap()
}
