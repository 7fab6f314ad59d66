//! Web Push end to end against the tests' own push service (`common::push`): each notice
//! reaches every device of the person, encrypted for that device (RFC 8291) and signed with
//! the desk's VAPID key (RFC 8292), in the member's language and never with an internal note;
//! ended subscriptions are forgotten, a busy service is retried without doubles; and every
//! refusal of a subscription.
use serde_json::Value;

use crate::common::*;

async fn call_ok(app: &TestApp, who: &reqwest::Client, endpoint: &str, args: &[(&str, &str)]) {
    let res = app.call(who, endpoint, args).await;
    assert_eq!(
        res.status(),
        200,
        "{endpoint}: {}",
        res.text().await.unwrap()
    );
}

/// Push rows neither sent nor dropped.
async fn pending_pushes(app: &TestApp) -> i64 {
    let outbox = app.state.db.outbox();
    outbox.pending(app::domain::Channel::Push).await.unwrap()
}

async fn devices(app: &TestApp, who: &reqwest::Client) -> Vec<Value> {
    let res = app.call(who, "get_notifications", &[]).await;
    let v: Value = res.json().await.unwrap();
    v["devices"].as_array().unwrap().clone()
}

/// The test receiver itself, on the example of RFC 8291 Appendix A: if it opens that message,
/// it opens the desk's only when the desk follows the RFC.
#[test]
fn the_test_receiver_decrypts_the_rfc_8291_example() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine as _;
    let ua_private = B64
        .decode("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94")
        .unwrap();
    let auth: [u8; 16] = B64
        .decode("BTBZMqHH6r4Tts7J_aSIgg")
        .unwrap()
        .try_into()
        .unwrap();
    let message = B64
        .decode(
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWA\
             mS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSg\
             Sxsj_Qulcy4a-fN",
        )
        .unwrap();
    let secret = p256::SecretKey::from_slice(&ua_private).unwrap();
    let plain = decrypt(&message, &secret, &auth);
    assert_eq!(plain, b"When I grow up, I want to be a watermelon");
}

#[tokio::test]
async fn each_notice_reaches_every_device_encrypted_signed_and_in_the_members_language() {
    let service = PushService::start().await;
    let app = spawn_app_with(push_config).await;
    let (username, _) = own_member(&app, "pu").await;
    let member = app.logged_in(&username).await;
    let agent = app.logged_in("agent").await;
    let key = server_key(&app, &member).await;
    assert_eq!(key, server_key(&app, &agent).await, "one desk key");

    // Two phones of the member, one of the agent.
    let (phone, tablet, desk) = (service.device(), service.device(), service.device());
    for (d, who) in [(&phone, &member), (&tablet, &member), (&desk, &agent)] {
        let res = d.subscribe(&app, who).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
    let listed = devices(&app, &member).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["label"], "Chrome · Android");
    assert!(
        !serde_json::to_string(&listed).unwrap().contains("/push/"),
        "endpoints are capabilities: never shown back"
    );

    let tok = format!("P{:08x}", rand::random::<u32>());
    let title = format!("La impresora no imprime {tok}");
    let id = submit_ok(&app, &member, &title, "es", "Sale una hoja en blanco.").await;
    let ids = id.to_string();

    // Staff hear of the new ticket on their device, in English.
    let staff = service.wait_for(&desk, 1).await;
    let new = desk.open(&staff[0], &key);
    assert!(
        new["title"].as_str().unwrap().contains("New tech issue"),
        "{new}"
    );
    assert_eq!(new["lang"], "en");

    let secret = format!("NOTE-{tok}-internal");
    call_ok(&app, &agent, "add_note", &[("id", &ids), ("body", &secret)]).await;
    call_ok(
        &app,
        &agent,
        "request_info",
        &[("id", &ids), ("question", "¿Qué modelo de impresora es?")],
    )
    .await;
    for device in [&phone, &tablet] {
        let got = service.wait_for(device, 1).await;
        let push = device.open(&got[0], &key);
        assert_eq!(
            push["title"],
            format!("[#{id}] El equipo de TI necesita información: {title}")
        );
        assert_eq!(push["body"], "¿Qué modelo de impresora es?");
        assert!(
            push["url"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/tickets/{id}")),
            "{push}"
        );
        assert_eq!(push["tag"], format!("ticket-{id}"));
        assert_eq!(push["lang"], "es");
        // A question may wake a sleeping phone; a newer notice of the ticket replaces it there.
        assert_eq!(got[0].headers["urgency"], "high");
        assert_eq!(got[0].headers["topic"], format!("ticket{id}").as_str());
    }

    call_ok(
        &app,
        &agent,
        "reply_ticket",
        &[("id", &ids), ("body", "Ya está arreglado.")],
    )
    .await;
    call_ok(&app, &agent, "close_ticket", &[("id", &ids)]).await;
    let got = service.wait_for(&phone, 3).await;
    let opened: Vec<Value> = got.iter().map(|d| phone.open(d, &key)).collect();
    assert!(opened[1]["title"]
        .as_str()
        .unwrap()
        .contains("Nueva respuesta"));
    assert_eq!(opened[1]["body"], "Ya está arreglado.");
    assert_eq!(got[1].headers["urgency"], "normal");
    let closed = &opened[2];
    assert!(
        closed["title"].as_str().unwrap().contains("Cerrado"),
        "{closed}"
    );
    let body = closed["body"].as_str().unwrap();
    assert!(
        body.contains(&title) && body.contains("vuelva a abrirlo") && !body.contains("correo"),
        "a push does not say to answer an email: {body}"
    );
    // Rating from the notification: its two buttons open the ticket with the choice made.
    let actions = closed["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 2, "{closed}");
    assert_eq!(actions[0]["action"], "rate-good");
    assert_eq!(actions[0]["title"], "Bien, estoy satisfecho");
    assert!(actions[0]["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/tickets/{id}?rate=good#rate")));
    assert!(actions[1]["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/tickets/{id}?rate=bad#rate")));

    // The same three on the tablet; the agent's device had only the staff notices.
    let tablet_got = service.wait_for(&tablet, 3).await;
    let all: Vec<String> = [&phone, &tablet, &desk]
        .iter()
        .flat_map(|d| {
            service
                .deliveries(d)
                .iter()
                .map(|x| d.open(x, &key).to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        all.iter().all(|p| !p.contains(&secret)),
        "a note leaked: {all:?}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(service.deliveries(&phone).len(), 3, "once per event");
    assert_eq!(tablet_got.len(), 3);
    assert!(service
        .deliveries(&desk)
        .iter()
        .all(|d| !desk.open(d, &key)["title"]
            .as_str()
            .unwrap()
            .contains("Nueva")));
    assert_eq!(pending_pushes(&app).await, 0);
}

#[tokio::test]
async fn push_topics_are_chosen_apart_from_email() {
    let service = PushService::start().await;
    let app = spawn_app_with(push_config).await;
    let (username, _) = own_member(&app, "pt").await;
    let member = app.logged_in(&username).await;
    let agent = app.logged_in("agent").await;
    let phone = service.device();
    assert_eq!(phone.subscribe(&app, &member).await.status(), 200);
    // Updates by email only, reminders both ways.
    call_ok(
        &app,
        &member,
        "save_notifications",
        &[
            ("updates", "on"),
            ("reminders", "on"),
            ("push_reminders", "on"),
        ],
    )
    .await;
    let v: Value = app
        .call(&member, "get_notifications", &[])
        .await
        .json()
        .await
        .unwrap();
    let updates = &v["topics"][0];
    assert_eq!(updates["topic"], "updates");
    assert_eq!(
        (updates["on"].as_bool(), updates["push"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(v["topics"][1]["push"], true);

    let id = submit_ok(
        &app,
        &member,
        "Teclado sin respuesta",
        "es",
        "No escribe nada.",
    )
    .await;
    call_ok(
        &app,
        &agent,
        "request_info",
        &[("id", &id.to_string()), ("question", "¿Es inalámbrico?")],
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert!(
        service.deliveries(&phone).is_empty(),
        "push for updates is off"
    );
    // The email of the same event is queued (email is off in this app, so it waits).
    let queued: Vec<(String, String)> = sqlx::query_as(
        "select o.channel, o.kind from outbox o join users u on u.id = o.recipient_id \
         where u.username = $1 order by o.id",
    )
    .bind(&username)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(queued, vec![("email".to_string(), "question".to_string())]);
}

#[tokio::test]
async fn an_ended_subscription_is_forgotten_and_a_busy_service_is_retried_without_doubles() {
    let service = PushService::start().await;
    let app = spawn_app_with(push_config).await;
    let (username, _) = own_member(&app, "pe").await;
    let member = app.logged_in(&username).await;
    let agent = app.logged_in("agent").await;
    let key = server_key(&app, &member).await;
    let (old_phone, busy_phone) = (service.device(), service.device());
    for d in [&old_phone, &busy_phone] {
        assert_eq!(d.subscribe(&app, &member).await.status(), 200);
    }
    service.script(&old_phone, &[410]);
    service.script(&busy_phone, &[503, 500]);

    let id = submit_ok(
        &app,
        &member,
        "El ratón salta",
        "en",
        "The pointer jumps around.",
    )
    .await;
    call_ok(
        &app,
        &agent,
        "request_info",
        &[("id", &id.to_string()), ("question", "Which mouse is it?")],
    )
    .await;
    // The ended one is tried once and forgotten.
    service.wait_for(&old_phone, 1).await;
    // The busy one: refused twice, then taken (retries one second, then two, apart).
    let got = service.wait_for(&busy_phone, 3).await;
    let answers: Vec<u16> = got.iter().map(|d| d.answered).collect();
    assert_eq!(answers, vec![503, 500, 201]);
    // Each try carries the same notice, freshly encrypted.
    for d in &got {
        assert_eq!(busy_phone.open(d, &key)["body"], "Which mouse is it?");
    }
    let left = devices(&app, &member).await;
    assert_eq!(left.len(), 1, "the ended device is forgotten: {left:?}");

    // Nothing more goes to either: the next notice reaches only the device that is left.
    call_ok(
        &app,
        &agent,
        "reply_ticket",
        &[("id", &id.to_string()), ("body", "Try another USB port.")],
    )
    .await;
    service.wait_for(&busy_phone, 4).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(service.deliveries(&old_phone).len(), 1);
    assert_eq!(service.deliveries(&busy_phone).len(), 4, "no doubles");
    assert_eq!(pending_pushes(&app).await, 0);
}

#[tokio::test]
async fn subscriptions_are_checked_owned_and_refused_clearly() {
    let service = PushService::start().await;
    let app = spawn_app_with(push_config).await;
    let (alice, _) = own_member(&app, "pa").await;
    let (bob, _) = own_member(&app, "pb").await;
    let a = app.logged_in(&alice).await;
    let b = app.logged_in(&bob).await;
    let good = service.device();

    let refuse = |endpoint: String, p256dh: String, auth: String, label: String| {
        let a = a.clone();
        let app = &app;
        async move {
            let res = app
                .call(
                    &a,
                    "push_subscribe",
                    &[
                        ("endpoint", &endpoint),
                        ("p256dh", &p256dh),
                        ("auth", &auth),
                        ("label", &label),
                    ],
                )
                .await;
            let status = res.status();
            let text = res.text().await.unwrap();
            assert_eq!(status, 400, "{endpoint} {text}");
            text
        }
    };
    let ok_key = good.p256dh.clone();
    let ok_auth = good.auth_b64.clone();
    let label = "Firefox · Linux".to_string();
    // Not a push service the desk sends to: the server would post to any address otherwise.
    for endpoint in [
        "https://evil.example.com/push/1".to_string(),
        "https://127.0.0.1.evil.example.com/push/1".to_string(),
        "http://169.254.169.254/latest/meta-data".to_string(),
        "file:///etc/passwd".to_string(),
        format!("http://user:pw@{}/push/x", service.addr),
    ] {
        let text = refuse(endpoint, ok_key.clone(), ok_auth.clone(), label.clone()).await;
        assert!(text.contains("not_push_service"), "{text}");
    }
    // Keys that are not a P-256 point or a 16-byte secret; a name longer than any device's.
    let text = refuse(
        good.endpoint.clone(),
        "AAAA".into(),
        ok_auth.clone(),
        label.clone(),
    )
    .await;
    assert!(text.contains("p256dh"), "{text}");
    let text = refuse(
        good.endpoint.clone(),
        ok_key.clone(),
        "c2hvcnQ".into(),
        label.clone(),
    )
    .await;
    assert!(text.contains("auth"), "{text}");
    let text = refuse(
        good.endpoint.clone(),
        ok_key.clone(),
        ok_auth.clone(),
        "x".repeat(81),
    )
    .await;
    assert!(text.contains("too_long"), "{text}");
    let too_long = format!("{}/{}", good.endpoint, "a".repeat(1100));
    let text = refuse(too_long, ok_key.clone(), ok_auth.clone(), label.clone()).await;
    assert!(text.contains("too long"), "{text}");
    assert!(devices(&app, &a).await.is_empty(), "nothing stored");

    // Signed out: no subscription, and no list.
    let anon = app.client();
    assert_eq!(good.subscribe(&app, &anon).await.status(), 401);
    assert_eq!(
        app.call(&anon, "get_notifications", &[]).await.status(),
        401
    );

    // Alice's device is hers: Bob cannot remove it, or learn whether an endpoint is hers.
    assert_eq!(good.subscribe(&app, &a).await.status(), 200);
    let id = devices(&app, &a).await[0]["id"].as_i64().unwrap();
    let res = app
        .call(&b, "push_unsubscribe", &[("device", &id.to_string())])
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .call(&b, "push_this_device", &[("endpoint", &good.endpoint)])
        .await;
    assert_eq!(res.text().await.unwrap(), "null");
    assert_eq!(devices(&app, &a).await.len(), 1);
    let res = app
        .call(&a, "push_this_device", &[("endpoint", &good.endpoint)])
        .await;
    assert_eq!(res.text().await.unwrap(), id.to_string());

    // Bob signs in on Alice's phone and turns push on: the phone is his now, and Alice's
    // notices no longer go to it.
    assert_eq!(good.subscribe(&app, &b).await.status(), 200);
    assert!(devices(&app, &a).await.is_empty());
    assert_eq!(devices(&app, &b).await.len(), 1);
    let agent = app.logged_in("agent").await;
    let tid = submit_ok(&app, &a, "Pantalla rota", "es", "Se ve todo negro.").await;
    call_ok(
        &app,
        &agent,
        "request_info",
        &[("id", &tid.to_string()), ("question", "¿Desde cuándo?")],
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert!(
        service.deliveries(&good).is_empty(),
        "{:?}",
        service.deliveries(&good)
    );

    // "Turn off on this device", by the browser's endpoint.
    call_ok(
        &app,
        &b,
        "push_unsubscribe",
        &[("endpoint", &good.endpoint)],
    )
    .await;
    assert!(devices(&app, &b).await.is_empty());
    let res = app
        .call(&b, "push_unsubscribe", &[("endpoint", &good.endpoint)])
        .await;
    assert_eq!(res.status(), 404, "already off");

    // Signing out on a device ends its push: the desk knows the device from the cookie it set
    // when push was turned on there (only the sign-out gets it). The answer also tells the
    // browser to drop what it keeps for the site (drafts, offline copies, its subscription).
    let (alices, bobs) = (service.device(), service.device());
    assert_eq!(alices.subscribe(&app, &a).await.status(), 200);
    let res = bobs.subscribe(&app, &b).await;
    assert_eq!(res.status(), 200);
    let set = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(app::ssr::push_device::COOKIE))
        .expect("the device cookie")
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("Path=/api/logout"),
        "{set}"
    );
    let alices_id = devices(&app, &a).await[0]["id"].as_i64().unwrap();

    // A cookie naming someone else's device (Bob's browser, Alice's device id) ends nothing of hers.
    let forger = app.client();
    let res = app.login(&forger, &bob, PASSWORD).await;
    let session = session_cookie(&res).expect("session cookie");
    let res = forger
        .post(app.url("/api/logout"))
        .header(
            "cookie",
            format!("{session}; {}={alices_id}", app::ssr::push_device::COOKIE),
        )
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert_eq!(devices(&app, &a).await.len(), 1, "not Bob's to end");
    assert_eq!(
        devices(&app, &b).await.len(),
        1,
        "Bob's other sign-in kept its device"
    );

    let res = app.call(&b, "logout", &[]).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert_eq!(
        res.headers()
            .get("clear-site-data")
            .and_then(|v| v.to_str().ok()),
        Some("\"storage\"")
    );
    let gone = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with(app::ssr::push_device::COOKIE) && v.contains("Max-Age=0"));
    assert!(gone, "the device cookie is dropped");
    let b = app.logged_in(&bob).await;
    assert!(
        devices(&app, &b).await.is_empty(),
        "ended with the sign-out"
    );
}

#[tokio::test]
async fn with_push_off_the_desk_says_so_and_takes_no_subscription() {
    let service = PushService::start().await;
    let app = spawn_app_with(|c| {
        push_config(c);
        c.push_enabled = false;
    })
    .await;
    let (username, _) = own_member(&app, "po").await;
    let member = app.logged_in(&username).await;
    let v: Value = app
        .call(&member, "get_notifications", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(v["push_key"].is_null(), "{v}");
    let res = service.device().subscribe(&app, &member).await;
    assert_eq!(res.status(), 503);
}

#[tokio::test]
async fn the_push_key_is_made_once_and_kept() {
    let app = spawn_app_with(push_config).await;
    let agent = app.logged_in("agent").await;
    let first = server_key(&app, &agent).await;
    // A second instance on the same database signs with the same key.
    let config = app::ssr::Config {
        database_url: app.database_url.clone(),
        ..app::ssr::Config::default()
    };
    let db = app::ssr::db::Db::connect(&app.database_url).await.unwrap();
    let from = app.state.mail.from().clone();
    let again = app::ssr::push::Push::new(&db, &config, &from)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.public_key(), first);
    // A configured key wins, and a bad one stops the start with a clear error.
    let set = app::ssr::Config {
        vapid_private_key: Some("not base64!".into()),
        ..config.clone()
    };
    let err = app::ssr::push::Push::new(&db, &set, &from)
        .await
        .unwrap_err();
    assert!(err.contains("APP_VAPID_PRIVATE_KEY"), "{err}");
}
