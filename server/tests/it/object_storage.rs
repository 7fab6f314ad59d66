//! Attachments in an S3-compatible bucket: a real SeaweedFS started by `scripts/s3-server.sh`
//! (its gateway checks request signatures). Each test works under its own prefix of the bucket
//! and looks at the bucket with its own client, not through the app.
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as Key;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, PutPayload};
use sha2::{Digest, Sha256};

use crate::common::*;
use app::ssr::config::S3Config;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The tests' bucket under a fresh prefix (the key pair only exists in the test store).
fn test_bucket() -> S3Config {
    S3Config {
        endpoint: Some(
            std::env::var("TEST_S3_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:8433".into()),
        ),
        bucket: std::env::var("TEST_S3_BUCKET").unwrap_or_else(|_| "desk-test".into()),
        region: "us-east-1".into(),
        access_key_id: "desk-test-key".into(),
        secret_access_key: "desk-test-secret".into(),
        prefix: Some(format!("t-{:016x}", rand::random::<u64>())),
    }
}

/// The same bucket and prefix through a client of the test's own.
fn look_at(s3: &S3Config) -> Arc<dyn ObjectStore> {
    let bucket = AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region)
        .with_endpoint(s3.endpoint.clone().unwrap())
        .with_allow_http(true)
        .with_access_key_id(&s3.access_key_id)
        .with_secret_access_key(&s3.secret_access_key)
        .build()
        .expect("S3 client");
    Arc::new(PrefixStore::new(
        bucket,
        s3.prefix.clone().unwrap().as_str(),
    ))
}

async fn keys(store: &Arc<dyn ObjectStore>) -> Vec<String> {
    let mut keys: Vec<String> = store
        .list(None)
        .map_ok(|m| m.location.to_string())
        .try_collect()
        .await
        .expect("SeaweedFS reachable: run scripts/s3-server.sh start");
    keys.sort();
    keys
}

/// Waits (up to 3 s) for the bucket to hold exactly `want`: a refused upload's staged files
/// are deleted beside the answer, not before it.
async fn settles_to(store: &Arc<dyn ObjectStore>, want: &[String]) -> Vec<String> {
    let mut got = keys(store).await;
    for _ in 0..30 {
        if got == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        got = keys(store).await;
    }
    got
}

async fn spawn_on(s3: &S3Config) -> TestApp {
    let s3 = s3.clone();
    spawn_app_with(move |c| {
        c.s3 = Some(s3);
        c.upload_limits.max_file_bytes = 12 * 1024 * 1024;
    })
    .await
}

async fn submit_files(
    app: &TestApp,
    client: &reqwest::Client,
    files: &[(&str, Vec<u8>)],
) -> reqwest::Response {
    app.upload(
        client,
        "submit_ticket",
        &[
            ("title", "Screenshots of the error"),
            ("language", "en"),
            (
                "description",
                "The order page shows error 5, see the files.",
            ),
        ],
        files,
    )
    .await
}

/// A PNG signature followed by `len` bytes of noise: accepted as a PNG, never compressible.
fn big_png(len: usize) -> Vec<u8> {
    let mut v = png_bytes();
    v.extend((0..len).map(|_| rand::random::<u8>()));
    v
}

fn photo_with_location() -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8];
    let exif = b"Exif\0\0GPSLatitude 40.4168 GPSLongitude -3.7038";
    jpeg.extend_from_slice(&[0xFF, 0xE1, 0, (exif.len() + 2) as u8]);
    jpeg.extend_from_slice(exif);
    jpeg.extend_from_slice(&[0xFF, 0xE0, 0, 7, b'J', b'F', b'I', b'F', 0]);
    jpeg.extend_from_slice(&[0xFF, 0xDB, 0, 3, 0, 0xFF, 0xDA, 0, 3, 0, 1, 2, 0xFF, 0xD9]);
    jpeg
}

#[tokio::test]
async fn the_bucket_holds_the_files_and_the_server_streams_them_only_to_those_allowed() {
    let s3 = test_bucket();
    let bucket = look_at(&s3);
    let app = spawn_on(&s3).await;
    let silver = app.logged_in("silver").await;
    let big = big_png(7 * 1024 * 1024); // more than one 5 MiB part
    let files = [
        ("screen.png", png_bytes()),
        ("photo.jpg", photo_with_location()),
        ("big.png", big.clone()),
    ];
    let res = submit_files(&app, &silver, &files).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let id: i64 = res.json().await.unwrap();

    // Three content-addressed objects, nothing left staged, nothing on the local disk.
    let stored = keys(&bucket).await;
    assert_eq!(stored.len(), 3, "{stored:?}");
    assert!(stored.iter().all(|k| !k.starts_with("tmp/")), "{stored:?}");
    for k in &stored {
        let (dir, sha) = k.split_once('/').unwrap();
        assert_eq!((dir, sha.len()), (&sha[..2], 64), "{k}");
        let bytes = bucket
            .get(&Key::from(k.as_str()))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(
            hex(&Sha256::digest(&bytes)),
            sha,
            "the key is the hash of the bytes"
        );
        if bytes.starts_with(&[0xFF, 0xD8]) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("GPS") && text.contains("JFIF"),
                "metadata stripped"
            );
        }
    }
    assert!(app.stored_files().is_empty(), "{:?}", app.stored_files());

    // Served whole, through the server, to the ticket's member and to staff.
    let d = detail(&app, &silver, id).await;
    let agent = app.logged_in("agent").await;
    let big_file = d
        .attachments
        .iter()
        .find(|a| a.file_name == "big.png")
        .unwrap();
    for who in [&silver, &agent] {
        let res = who.get(app.url(&big_file.url())).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-length"], big.len().to_string());
        assert_eq!(res.headers()["content-type"], "image/png");
        assert_eq!(res.bytes().await.unwrap().as_ref(), big.as_slice());
    }
    // Anyone else: the same 404 as a file that does not exist.
    let diamond = app.logged_in("diamond").await;
    for a in &d.attachments {
        let res = diamond.get(app.url(&a.url())).send().await.unwrap();
        assert_eq!(res.status(), 404, "{}", a.file_name);
    }
    let res = app
        .client()
        .get(app.url(&big_file.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_refused_upload_leaves_nothing_in_the_bucket() {
    let s3 = test_bucket();
    let bucket = look_at(&s3);
    let app = spawn_on(&s3).await;
    let silver = app.logged_in("silver").await;
    let before = ticket_total(&app).await;
    // A good file (in parts, already staged) and then a fake one.
    let files = [
        ("big.png", big_png(6 * 1024 * 1024)),
        (
            "fake.png",
            b"<html><script>alert(1)</script></html>".to_vec(),
        ),
    ];
    let res = submit_files(&app, &silver, &files).await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("fake.png"));
    // A file over the size limit, after a good one.
    let files = [
        ("a.png", png_bytes()),
        ("huge.png", big_png(13 * 1024 * 1024)),
    ];
    let res = submit_files(&app, &silver, &files).await;
    assert!(res.status().is_client_error(), "{}", res.status());
    // A JPEG that stops being one after its first segments (refused as it streams past).
    let photo = photo_with_location();
    let after_jfif = photo.windows(5).position(|w| w == b"JFIF\0").unwrap() + 5;
    let mut broken = photo[..after_jfif].to_vec();
    broken.extend_from_slice(b"not a segment");
    let res = submit_files(&app, &silver, &[("broken.jpg", broken)]).await;
    assert_eq!(res.status(), 400);

    assert_eq!(settles_to(&bucket, &[]).await, Vec::<String>::new());
    assert_eq!(ticket_total(&app).await, before, "no ticket stored half");
}

async fn ticket_total(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from tickets")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn recovery_finishes_committed_files_and_drops_strays_but_not_young_ones() {
    let s3 = test_bucket();
    let bucket = look_at(&s3);
    let app = spawn_on(&s3).await;
    let silver = app.logged_in("silver").await;
    let res = submit_files(&app, &silver, &[("a.png", png_bytes())]).await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    // A crash between the commit and the move: the file is still staged, not in place.
    let stored = keys(&bucket).await;
    assert_eq!(stored.len(), 1);
    let staged = Key::from("tmp/0000000000001234.part");
    bucket
        .rename(&Key::from(stored[0].as_str()), &staged)
        .await
        .unwrap();
    // And one that was never committed.
    let stray = Key::from("tmp/00000000000000ff.part");
    bucket
        .put(&stray, PutPayload::from_static(b"never committed"))
        .await
        .unwrap();

    let files = &app.state.files;
    // Young files may still be arriving at another instance: left alone.
    let young = files
        .recover_with(&app.state.db, Duration::from_secs(3600))
        .await;
    assert_eq!(young.unwrap(), (0, 0));
    assert_eq!(keys(&bucket).await.len(), 2);

    let done = files.recover_with(&app.state.db, Duration::ZERO).await;
    assert_eq!(done.unwrap(), (1, 1));
    assert_eq!(keys(&bucket).await, stored);
    let d = detail(&app, &silver, id).await;
    let res = silver
        .get(app.url(&d.attachments[0].url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), png_bytes().as_slice());
}

#[tokio::test]
async fn a_wrong_secret_stops_the_start_with_a_clear_error() {
    let mut s3 = test_bucket();
    s3.secret_access_key = "not-the-secret".into();
    let config = app::ssr::Config {
        s3: Some(s3.clone()),
        ..app::ssr::Config::default()
    };
    let err = server::open_files(&config).await.unwrap_err();
    assert!(err.contains("cannot use bucket desk-test"), "{err}");
    assert!(!err.contains("not-the-secret"), "{err}");
    // A bucket that does not exist, with the right keys.
    let mut missing = test_bucket();
    missing.bucket = "no-such-bucket".into();
    let config = app::ssr::Config {
        s3: Some(missing),
        ..app::ssr::Config::default()
    };
    let err = server::open_files(&config).await.unwrap_err();
    assert!(err.contains("no-such-bucket"), "{err}");
}

#[tokio::test]
async fn a_file_sent_to_one_instance_is_served_by_another() {
    let s3 = test_bucket();
    let a = spawn_on(&s3).await;
    let (url, s3b) = (a.database_url.clone(), s3.clone());
    let b = spawn_app_with(move |c| {
        c.database_url = url;
        c.s3 = Some(s3b);
    })
    .await;
    let on_a = a.logged_in("silver").await;
    let picture = big_png(1024);
    let res = submit_files(&a, &on_a, &[("a.png", picture.clone())]).await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    let on_b = b.logged_in("silver").await;
    let d = detail(&b, &on_b, id).await;
    let res = on_b
        .get(b.url(&d.attachments[0].url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), picture.as_slice());
}

#[tokio::test]
async fn a_members_export_and_erasure_reach_the_bucket() {
    let s3 = test_bucket();
    let bucket = look_at(&s3);
    let app = spawn_on(&s3).await;
    let silver = app.logged_in("silver").await;
    let picture = big_png(2048);
    let res = submit_files(&app, &silver, &[("mine.png", picture.clone())]).await;
    assert_eq!(res.status(), 200);
    let member: i64 = sqlx::query_scalar("select id from users where username = 'silver'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let admin = app.logged_in("admin").await;
    let res = admin
        .get(app.url(&format!("/admin/people/{member}/export.zip")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().to_string())
        .find(|n| n.ends_with("mine.png"))
        .expect("the file is in the export");
    let mut data = vec![];
    zip.by_name(&name).unwrap().read_to_end(&mut data).unwrap();
    assert_eq!(data, picture);

    assert_eq!(keys(&bucket).await.len(), 1);
    let res = app
        .call(
            &admin,
            "erase_member",
            &[("id", &member.to_string()), ("confirm", "silver")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(
        keys(&bucket).await,
        Vec::<String>::new(),
        "no file of theirs left"
    );
}
