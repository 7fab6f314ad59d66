//! The upload pipeline over real HTTP: what is accepted, what is refused, who may read a file,
//! atomicity under failure and under load. Runs on SQLite and PostgreSQL.

use crate::common::*;
use app::domain::{FileKind, TimelineItem};
use app::error::AppError;
use reqwest::Client;

const TEXT: &[u8] = b"Error 0x80070005 at checkout\nBrowser: Chrome 130\n";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

async fn submit_with(
    app: &TestApp,
    client: &Client,
    files: &[(&str, Vec<u8>)],
) -> reqwest::Response {
    app.upload(
        client,
        "submit_ticket",
        &[
            ("title", "Order page shows an error"),
            ("language", "en"),
            ("description", "I open the order page and it shows error 5."),
        ],
        files,
    )
    .await
}

async fn ticket_count(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("select count(*) from tickets")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn attachment_count(app: &TestApp) -> i64 {
    app.state.db.attachments().count().await.unwrap()
}

async fn expect_files_error(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 400);
    match app_error(res).await {
        AppError::Validation { field, problem } if field == "files" => problem.to_string(),
        other => panic!("expected a files error, got {other:?}"),
    }
}

#[tokio::test]
async fn files_are_stored_and_served_to_the_member_and_agents_only() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let res = submit_with(
        &app,
        &silver,
        &[
            ("../../screen shot.png", png_bytes()),
            ("log.txt", TEXT.to_vec()),
            ("invoice.pdf", PDF.to_vec()),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    let d = detail(&app, &silver, id).await;
    let kinds: Vec<_> = d.attachments.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [FileKind::Png, FileKind::Text, FileKind::Pdf]);
    assert_eq!(d.attachments[0].file_name, "screen shot.png");

    let png = &d.attachments[0];
    let res = silver.get(app.url(&png.url())).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let cd = h["content-disposition"].to_str().unwrap();
    assert!(cd.starts_with("inline;"), "{cd}");
    assert!(cd.contains("filename*=UTF-8''screen%20shot%2Epng"), "{cd}");
    assert_eq!(res.bytes().await.unwrap().as_ref(), png_bytes().as_slice());

    let pdf = &d.attachments[2];
    let res = silver.get(app.url(&pdf.url())).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));

    let agent = app.logged_in("agent").await;
    let res = agent.get(app.url(&png.url())).send().await.unwrap();
    assert_eq!(res.status(), 200);

    // Another member learns nothing: same 404 as a file that does not exist.
    let diamond = app.logged_in("diamond").await;
    for url in [
        png.url(),
        "/attachments/999999".into(),
        "/attachments/abc".into(),
    ] {
        let res = diamond.get(app.url(&url)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{url}");
        assert_eq!(res.text().await.unwrap(), "not found");
    }
    let anonymous = app.client();
    let res = anonymous.get(app.url(&png.url())).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let manager = app.logged_in("manager").await;
    let res = manager.get(app.url(&png.url())).send().await.unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_fake_png_that_is_really_html_is_refused_and_nothing_is_kept() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let before = ticket_count(&app).await;
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>".to_vec();
    let msg = expect_files_error(
        submit_with(
            &app,
            &silver,
            &[("ok.png", png_bytes()), ("shot.png", html)],
        )
        .await,
    )
    .await;
    assert!(msg.contains("is not a PNG, JPEG"), "{msg}");
    for (name, bytes) in [
        ("setup.exe", b"MZ\x90\0\x03\0\0\0\x04\0".to_vec()),
        ("archive.zip", b"PK\x03\x04\x14\0\0\0\x08\0".to_vec()),
        (
            "image.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec(),
        ),
    ] {
        expect_files_error(submit_with(&app, &silver, &[(name, bytes)]).await).await;
    }
    assert_eq!(ticket_count(&app).await, before);
    assert!(app.stored_files().is_empty(), "{:?}", app.stored_files());
}

#[tokio::test]
async fn files_over_the_size_limit_are_refused() {
    // The real default limit: 10 MB per file.
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let mut big = png_bytes();
    big.resize(10 * 1024 * 1024 + 1, 0);
    let msg = expect_files_error(submit_with(&app, &silver, &[("big.png", big)]).await).await;
    assert!(msg.contains("larger than 10 MB"), "{msg}");
    let mut fits = png_bytes();
    fits.resize(10 * 1024 * 1024, 0);
    assert_eq!(
        submit_with(&app, &silver, &[("fits.png", fits)])
            .await
            .status(),
        200
    );
    assert_eq!(attachment_count(&app).await, 1);

    // And a configured one.
    let small = spawn_app_with(|c| c.upload_limits.max_file_bytes = 1024 * 1024).await;
    let silver = small.logged_in("silver").await;
    let mut two_mb = png_bytes();
    two_mb.resize(2 * 1024 * 1024, 0);
    let msg = expect_files_error(submit_with(&small, &silver, &[("two.png", two_mb)]).await).await;
    assert!(msg.contains("larger than 1 MB"), "{msg}");
    assert!(small.stored_files().is_empty());
}

#[tokio::test]
async fn six_files_are_refused_five_are_fine() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let six: Vec<(&str, Vec<u8>)> = (0..6).map(|_| ("s.png", png_bytes())).collect();
    let msg = expect_files_error(submit_with(&app, &silver, &six).await).await;
    assert!(msg.contains("at most 5 files"), "{msg}");
    assert!(app.stored_files().is_empty());
    assert_eq!(submit_with(&app, &silver, &six[..5]).await.status(), 200);
    assert_eq!(attachment_count(&app).await, 5);
    // Same bytes five times: stored once (content-addressed).
    assert_eq!(app.stored_files().len(), 1);
}

#[tokio::test]
async fn jpeg_location_metadata_is_stripped_before_storing() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let mut jpeg = vec![0xFF, 0xD8];
    let exif = b"Exif\0\0GPSLatitude 40.4168 GPSLongitude -3.7038";
    jpeg.extend_from_slice(&[0xFF, 0xE1, 0, (exif.len() + 2) as u8]);
    jpeg.extend_from_slice(exif);
    jpeg.extend_from_slice(&[0xFF, 0xE0, 0, 7, b'J', b'F', b'I', b'F', 0]);
    jpeg.extend_from_slice(&[0xFF, 0xDB, 0, 3, 0, 0xFF, 0xDA, 0, 3, 0, 1, 2, 0xFF, 0xD9]);
    let res = submit_with(&app, &silver, &[("photo.jpg", jpeg.clone())]).await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    let d = detail(&app, &silver, id).await;
    assert_eq!(d.attachments[0].kind, FileKind::Jpeg);
    let stored = silver
        .get(app.url(&d.attachments[0].url()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&stored);
    assert!(!text.contains("GPS"), "metadata kept: {text}");
    assert!(text.contains("JFIF"));
    assert!(stored.len() < jpeg.len());
    // On disk too.
    for path in app.stored_files() {
        assert!(!String::from_utf8_lossy(&std::fs::read(path).unwrap()).contains("GPS"));
    }
}

#[tokio::test]
async fn replies_carry_files_and_another_member_cannot_attach_to_a_ticket() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let id: i64 = submit_with(&app, &silver, &[]).await.json().await.unwrap();
    let res = app
        .upload(
            &silver,
            "reply_ticket",
            &[("id", &id.to_string()), ("body", "Here is the log")],
            &[("log.txt", TEXT.to_vec())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let d = detail(&app, &silver, id).await;
    let entry = d
        .timeline
        .iter()
        .find_map(|i| match i {
            TimelineItem::Entry(e) if e.body == "Here is the log" => Some(e),
            _ => None,
        })
        .expect("reply stored");
    assert_eq!(entry.attachments.len(), 1);
    assert_eq!(entry.attachments[0].file_name, "log.txt");

    let diamond = app.logged_in("diamond").await;
    let files_before = app.stored_files().len();
    let res = app
        .upload(
            &diamond,
            "reply_ticket",
            &[("id", &id.to_string()), ("body", "hijack")],
            &[("x.png", b"\x89PNG\r\n\x1a\nother bytes".to_vec())],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(app_error(res).await, AppError::NotFound);
    assert_eq!(app.stored_files().len(), files_before);
    assert_eq!(attachment_count(&app).await, 1);
}

#[tokio::test]
async fn a_failure_half_way_leaves_nothing_behind() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    // Make the database refuse the second attachment row, after the ticket row and the first
    // attachment row were written in the same transaction, and after both files were staged.
    let trigger = if backend_is_postgres() {
        vec![
            "create function refuse_boom() returns trigger language plpgsql as $$ \
             begin if new.file_name = 'boom.png' then raise exception 'disk on fire'; end if; \
             return new; end $$",
            "create trigger refuse_boom before insert on attachments \
             for each row execute function refuse_boom()",
        ]
    } else {
        vec![
            "create trigger refuse_boom before insert on attachments \
             when new.file_name = 'boom.png' begin select raise(abort, 'disk on fire'); end",
        ]
    };
    for sql in trigger {
        sqlx::query(sql).execute(&app.state.db.pool).await.unwrap();
    }
    let before = ticket_count(&app).await;
    let other = {
        let mut p = png_bytes();
        p.extend_from_slice(b"different");
        p
    };
    let res = submit_with(
        &app,
        &silver,
        &[("fine.png", png_bytes()), ("boom.png", other.clone())],
    )
    .await;
    assert_eq!(res.status(), 500);
    assert_eq!(app_error(res).await, AppError::Internal);
    assert_eq!(ticket_count(&app).await, before);
    assert_eq!(attachment_count(&app).await, 0);
    assert!(app.stored_files().is_empty(), "{:?}", app.stored_files());

    // The same for a reply: no message, no file.
    let id: i64 = submit_with(&app, &silver, &[]).await.json().await.unwrap();
    let res = app
        .upload(
            &silver,
            "reply_ticket",
            &[("id", &id.to_string()), ("body", "with a bad file")],
            &[("boom.png", other)],
        )
        .await;
    assert_eq!(res.status(), 500);
    let d = detail(&app, &silver, id).await;
    assert!(!d
        .timeline
        .iter()
        .any(|i| matches!(i, TimelineItem::Entry(e) if e.body == "with a bad file")));
    assert!(app.stored_files().is_empty());

    // A refused third file after two good ones: nothing either.
    let res = submit_with(
        &app,
        &silver,
        &[
            ("a.png", png_bytes()),
            ("b.txt", TEXT.to_vec()),
            ("c.png", b"<html>".to_vec()),
        ],
    )
    .await;
    expect_files_error(res).await;
    assert!(app.stored_files().is_empty());
}

#[tokio::test]
async fn a_hundred_concurrent_submissions_give_a_hundred_complete_tickets() {
    // One member sending a hundred at once is far past the per-person rate, which is not what
    // this test is about.
    let app = spawn_app_with(|c| c.uploads_per_minute = 1000).await;
    let silver = app.logged_in("silver").await;
    let before = ticket_count(&app).await;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..100u32 {
        let client = silver.clone();
        let url = app.url("/api/submit_ticket");
        tasks.spawn(async move {
            let mut own = png_bytes();
            own.extend_from_slice(&n.to_be_bytes());
            let title = format!("Concurrent issue {n}");
            let form = multipart(
                &[
                    ("title", title.as_str()),
                    ("language", "en"),
                    ("description", "Submitted at the same time as 99 others."),
                ],
                &[("own.png", own), ("shared.txt", TEXT.to_vec())],
            );
            let res = client.post(url).multipart(form).send().await.unwrap();
            assert_eq!(
                res.status(),
                200,
                "{}",
                res.text().await.unwrap_or_default()
            );
            res.json::<i64>().await.unwrap()
        });
    }
    let ids: Vec<i64> = tasks.join_all().await;
    assert_eq!(ids.len(), 100);
    assert_eq!(ticket_count(&app).await, before + 100);
    for id in &ids {
        let d = detail(&app, &silver, *id).await;
        assert_eq!(d.attachments.len(), 2, "ticket {id}");
    }
    assert_eq!(attachment_count(&app).await, 200);
    // 100 distinct screenshots + one shared text file; nothing left in the staging folder.
    let files = app.stored_files();
    assert_eq!(files.len(), 101, "{files:?}");
    assert!(files
        .iter()
        .all(|p| !p.starts_with(app.files_dir.join("tmp"))));
}

#[tokio::test]
async fn start_up_recovery_finishes_committed_files_and_drops_strays() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let id: i64 = submit_with(&app, &silver, &[("a.png", png_bytes())])
        .await
        .json()
        .await
        .unwrap();
    let d = detail(&app, &silver, id).await;
    // Simulate a crash between commit and move: the file is back in tmp/, not in place.
    let stored = app.stored_files();
    assert_eq!(stored.len(), 1);
    let sha = stored[0].file_name().unwrap().to_string_lossy().to_string();
    let tmp = app.files_dir.join("tmp");
    std::fs::rename(&stored[0], tmp.join(format!("{sha}.1234.part"))).unwrap();
    let stray = tmp.join(format!("{}.99.part", "ab".repeat(32)));
    std::fs::write(&stray, b"never committed").unwrap();
    let junk = tmp.join("garbage");
    std::fs::write(&junk, b"?").unwrap();
    // A write the crash cut short, under the store's own temporary name.
    let unfinished = tmp.join("00000000000000aa.part#1");
    std::fs::write(&unfinished, b"half a file").unwrap();

    let (moved, deleted) = app
        .state
        .files
        .recover_with(&app.state.db, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!((moved, deleted), (1, 3));
    assert!(!stray.exists() && !junk.exists() && !unfinished.exists());
    let res = silver
        .get(app.url(&d.attachments[0].url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), png_bytes().as_slice());
}

#[tokio::test]
async fn malformed_upload_requests_get_a_clear_400() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    // Not multipart at all.
    let res = silver
        .post(app.url("/api/submit_ticket"))
        .form(&[("title", "x"), ("description", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(matches!(app_error(res).await, AppError::Validation { field, .. } if field == "form"));
    // Multipart with a boundary, but a body that is not.
    let res = silver
        .post(app.url("/api/reply_ticket"))
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body("this is not a multipart body")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(matches!(app_error(res).await, AppError::Validation { field, .. } if field == "form"));
    // A body larger than the whole request limit is cut off.
    let huge = vec![b'a'; 52 * 1024 * 1024 + 1];
    let res = silver
        .post(app.url("/api/submit_ticket"))
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .header("content-length", huge.len())
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert!(app.stored_files().is_empty());
}
