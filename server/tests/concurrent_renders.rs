//! Many pages rendered at once on a multi-threaded runtime, like production. In its own test
//! binary: sharing a process with the other reliability tests' runtimes it sometimes hung (seen
//! 2 times in 6 full runs, never in 11 runs alone; not understood yet, see the closing note).
mod common;

use common::*;

/// Found by `make bench`: under concurrent load the page title was read after the response's
/// reactive owner was gone, and the render panicked. Many pages at once, on several threads:
/// every one is answered in full.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_pages_rendered_at_once_all_succeed() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    let agent = app.logged_in("agent").await;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..400 {
        let (client, path) = match n % 4 {
            0 => (silver.clone(), "/"),
            1 => (silver.clone(), "/tickets/new"),
            2 => (agent.clone(), "/agent"),
            _ => (app.client(), "/login"),
        };
        let url = app.url(path);
        tasks.spawn(async move {
            let res = client
                .get(url)
                .header("accept", "text/html")
                .send()
                .await
                .map_err(|e| format!("{path}: {e}"))?;
            let status = res.status();
            let body = res.text().await.map_err(|e| format!("{path}: {e}"))?;
            if status != 200 || !body.contains("</html>") {
                return Err(format!("{path}: {status}"));
            }
            Ok::<_, String>(())
        });
    }
    let failures: Vec<String> = tasks
        .join_all()
        .await
        .into_iter()
        .filter_map(Result::err)
        .collect();
    assert!(
        failures.is_empty(),
        "{} failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}
