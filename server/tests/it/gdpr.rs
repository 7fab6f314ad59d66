//! GDPR for one member: the export holds exactly that member's data and files, and erasure
//! leaves no text, name or file of theirs behind (a file another member also sent stays), ends
//! their sessions, and is recorded. Every refusal is a test.

use std::io::Read;

use crate::common::*;
use serde_json::Value;

/// Files a ticket with these files; returns its id.
async fn file_with(
    app: &TestApp,
    client: &reqwest::Client,
    title: &str,
    files: &[(&str, Vec<u8>)],
) -> i64 {
    let res = app
        .upload(
            client,
            "submit_ticket",
            &[
                ("title", title),
                ("language", "en"),
                ("description", "See the attached files."),
            ],
            files,
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

/// The export of `member` as the admin downloads it: the JSON and every other entry by name.
async fn export(
    app: &TestApp,
    admin: &reqwest::Client,
    member: i64,
) -> (Value, Vec<(String, Vec<u8>)>) {
    let res = admin
        .get(app.url(&format!("/admin/people/{member}/export.zip")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let bytes = res.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut json = Value::Null;
    let mut files = vec![];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut data = vec![];
        entry.read_to_end(&mut data).unwrap();
        if entry.name() == "member.json" {
            json = serde_json::from_slice(&data).unwrap();
        } else {
            files.push((entry.name().to_string(), data));
        }
    }
    (json, files)
}

#[tokio::test]
async fn the_export_contains_exactly_one_members_data_and_files() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let diamond = app.logged_in("diamond").await;
    let admin = app.logged_in("admin").await;
    let mine = b"silver's own notes: router model X-200".to_vec();
    let theirs = b"diamond's private notes: do not leak".to_vec();
    let t1 = file_with(
        &app,
        &silver,
        "Silver router drops",
        &[("router.txt", mine.clone()), ("shot.png", png_bytes())],
    )
    .await;
    file_with(
        &app,
        &diamond,
        "Diamond invoice wrong",
        &[("private.txt", theirs.clone())],
    )
    .await;
    let res = app
        .call(
            &silver,
            "reply_ticket",
            &[
                ("id", &t1.to_string()),
                ("body", "It happens at night too."),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let silver_chat = person(&app, "silver").await;
    start_ok(&app, &silver_chat, "Silver asks about the shop app").await;
    let diamond_chat = person(&app, "diamond").await;
    start_ok(&app, &diamond_chat, "Diamond asks about payouts").await;

    let silver_id = app.user_id("silver").await;
    let (json, files) = export(&app, &admin, silver_id).await;
    let data = &json["data"];
    assert_eq!(data["account"][0]["username"], "silver");
    let titles: Vec<&str> = data["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Silver router drops"));
    assert!(data["ticket_messages"]
        .to_string()
        .contains("It happens at night too."));
    assert!(data["chats"]
        .to_string()
        .contains("Silver asks about the shop app"));
    // Nothing of the other member, anywhere in the document.
    let whole = json.to_string();
    for other in [
        "Diamond invoice wrong",
        "Diamond asks about payouts",
        "diamond",
        "Dmitri",
    ] {
        assert!(!whole.contains(other), "{other} leaked into the export");
    }
    // Every ticket listed is silver's (the seed gave silver some too).
    let silver_tickets: Vec<i64> =
        sqlx::query_scalar("select id from tickets where member_id = $1 order by id")
            .bind(silver_id)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    let listed: Vec<i64> = data["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, silver_tickets);
    // Exactly silver's files, with their bytes.
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(files.len(), 2, "{names:?}");
    assert!(
        files
            .iter()
            .any(|(n, b)| n.ends_with("router.txt") && *b == mine),
        "{names:?}"
    );
    assert!(
        files
            .iter()
            .any(|(n, b)| n.ends_with(".png") && *b == png_bytes()),
        "{names:?}"
    );
    assert!(!files.iter().any(|(_, b)| *b == theirs));

    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'member.export' and target_id = $1",
    )
    .bind(silver_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn exports_and_erasure_are_for_admins_and_members_only() {
    let app = spawn_app().await;
    let silver_id = app.user_id("silver").await;
    let agent_id = app.user_id("agent").await;
    let path = format!("/admin/people/{silver_id}/export.zip");
    // A Manager-tier member is below the desk's gate: the download answers as to nobody.
    for (who, download) in [("silver", 403), ("manager", 401), ("agent", 403)] {
        let client = app.logged_in(who).await;
        let res = client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), download, "{who}");
        let res = app
            .call(
                &client,
                "erase_member",
                &[("id", &silver_id.to_string()), ("confirm", "silver")],
            )
            .await;
        assert_eq!(res.status(), 403, "{who}");
    }
    let res = app.client().get(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let admin = app.logged_in("admin").await;
    // Staff are not members; an unknown id or a word is nobody.
    for bad in [agent_id.to_string(), "999999".into(), "me".into()] {
        let res = admin
            .get(app.url(&format!("/admin/people/{bad}/export.zip")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{bad}");
    }
    let res = app
        .call(
            &admin,
            "erase_member",
            &[("id", &agent_id.to_string()), ("confirm", "agent")],
        )
        .await;
    assert_eq!(res.status(), 404);
    // The confirmation must be the member's username.
    let res = app
        .call(
            &admin,
            "erase_member",
            &[("id", &silver_id.to_string()), ("confirm", "Silver ")],
        )
        .await;
    assert_eq!(res.status(), 400);
    // None of that erased anything or recorded an export.
    let silver = app.logged_in("silver").await;
    assert_eq!(app.call(&silver, "my_tickets", &[]).await.status(), 200);
    let n: i64 = sqlx::query_scalar("select count(*) from audit_log where action like 'member.%'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn erasing_a_member_leaves_no_file_or_text_of_theirs_behind() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let diamond = app.logged_in("diamond").await;
    let admin = app.logged_in("admin").await;
    let agent = app.logged_in("agent").await;
    let secret = b"silver's serial number ZX-4411".to_vec();
    let t = file_with(
        &app,
        &silver,
        "Zebrafish printer jam",
        &[("serial.txt", secret.clone()), ("shot.png", png_bytes())],
    )
    .await;
    // The same screenshot bytes, sent by another member: one stored file, two owners.
    file_with(
        &app,
        &diamond,
        "Diamond screen",
        &[("same.png", png_bytes())],
    )
    .await;
    let res = app
        .call(
            &agent,
            "reply_ticket",
            &[
                ("id", &t.to_string()),
                ("body", "Zebrafish model? Thanks Sofía"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let chat_person = person(&app, "silver").await;
    let chat = start_ok(&app, &chat_person, "Zebrafish app question").await;
    let files_before = app.stored_files().len();
    let silver_id = app.user_id("silver").await;

    let res = app
        .call(
            &admin,
            "erase_member",
            &[("id", &silver_id.to_string()), ("confirm", "silver")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    // The file only silver sent is gone from the disk; the shared one stays for diamond.
    let stored: Vec<Vec<u8>> = app
        .stored_files()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(
        !stored.contains(&secret),
        "silver's own file is still on disk"
    );
    assert!(stored.contains(&png_bytes()), "diamond's copy must stay");
    assert_eq!(app.stored_files().len(), files_before - 1);
    // No row points at a file of silver's.
    let rows: i64 = sqlx::query_scalar(
        "select (select count(*) from attachments a join tickets t on t.id = a.ticket_id where t.member_id = $1) \
              + (select count(*) from chat_attachments a join chat_messages m on m.id = a.message_id \
                 join chats c on c.id = m.chat_id where c.member_id = $1)",
    )
    .bind(silver_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(rows, 0);
    // No name, address or text of theirs: not in the account, the tickets, the messages, the
    // chat, nor in what search can find.
    let account: (String, String, String) =
        sqlx::query_as("select username, display_name, email from users where id = $1")
            .bind(silver_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(
        !format!("{account:?}").to_lowercase().contains("silv"),
        "{account:?}"
    );
    let texts: Vec<String> = sqlx::query_scalar(
        "select title || ' ' || description from tickets where member_id = $1 \
         union all select m.body from ticket_messages m join tickets t on t.id = m.ticket_id where t.member_id = $1 \
         union all select question || ' ' || display_name || ' ' || email from chats where member_id = $1 \
         union all select m.body from chat_messages m join chats c on c.id = m.chat_id where c.member_id = $1",
    )
    .bind(silver_id)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    for text in &texts {
        assert!(
            !text.contains("Zebrafish") && !text.contains("Sofía"),
            "{text}"
        );
    }
    let q = queue(&app, &agent, &[("search", "zebrafish")]).await;
    assert!(q.rows.is_empty());
    // The rows the figures count are still there, closed: nothing of theirs waits in a queue,
    // runs a clock or can be accepted.
    let d = detail(&app, &agent, t).await;
    assert_eq!(d.summary.id, t);
    assert_eq!(d.summary.status, app::domain::TicketStatus::Closed);
    let chat_status: String = sqlx::query_scalar("select status from chats where id = $1")
        .bind(chat)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(chat_status, "ended");
    let waiting: i64 = sqlx::query_scalar(
        "select count(*) from tickets where member_id = $1 and status <> 'closed'",
    )
    .bind(silver_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(waiting, 0);
    // Their session is over and their password no longer works.
    assert_eq!(app.call(&silver, "my_tickets", &[]).await.status(), 401);
    let again = app.login(&app.client(), "silver", PASSWORD).await;
    assert_eq!(again.status(), 401);
    // Recorded, without anything personal.
    let detail: String = sqlx::query_scalar(
        "select detail from audit_log where action = 'member.erase' and target_id = $1",
    )
    .bind(silver_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(
        !detail.contains("silver") && detail.contains("\"files\":2"),
        "{detail}"
    );
    // Erased once is enough: the account is no member's any more by name, but still a member row.
    let res = app
        .call(
            &admin,
            "erase_member",
            &[("id", &silver_id.to_string()), ("confirm", "silver")],
        )
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn a_file_whose_deletion_was_interrupted_is_deleted_by_the_next_scheduler_round() {
    let app = spawn_app_with(|c| c.scheduler_every = std::time::Duration::from_secs(1)).await;
    let silver = app.logged_in("silver").await;
    // One file still used by a ticket, one left behind by an erasure that crashed after its
    // commit (its bytes on disk, its deletion queued, no row using it).
    file_with(&app, &silver, "Still here", &[("kept.png", png_bytes())]).await;
    let kept = app
        .stored_files()
        .into_iter()
        .find(|p| std::fs::read(p).unwrap() == png_bytes())
        .unwrap();
    let kept_sha = kept.file_name().unwrap().to_string_lossy().to_string();
    let orphan_sha = "ab".repeat(32);
    let orphan = app.files_dir.join(&orphan_sha[..2]).join(&orphan_sha);
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"an erased member's bytes").unwrap();
    for sha in [&orphan_sha, &kept_sha] {
        sqlx::query("insert into file_deletions (sha256, queued_at) values ($1, 0)")
            .bind(sha)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
    }

    // The app's own scheduler (one round a second here) does it. A round deletes the bytes
    // before it clears their queue row, so wait for the whole round, not just the file.
    let queued = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from file_deletions")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    for _ in 0..50 {
        if !orphan.exists() && queued().await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!orphan.exists(), "the orphan's bytes are gone");
    assert!(kept.exists(), "a file a ticket uses stays");
    assert_eq!(queued().await, 0, "both queued deletions are done");
}
