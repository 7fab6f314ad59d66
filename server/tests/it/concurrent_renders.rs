//! Many pages rendered at once on a multi-threaded runtime, like production.

use std::time::Duration;

use crate::common::*;

/// Starting a server in this process while another one renders must not stall that render.
/// Leptos flips a process-wide "resources must not load" flag while it generates a route list
/// (leptos-rs/leptos#4773); a resource first polled in that window never loaded, and the page
/// hung. Tests (and the bench) start many servers in one process, so the list is now generated
/// once. Before that fix this hung now and then in the ticket and render tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_render_while_other_servers_start() {
    let app = spawn_app().await;
    let silver = app.logged_in("silver").await;
    // Routers built over and over on another thread (what starting a server does first).
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let building = {
        let (state, done) = (app.state.clone(), done.clone());
        tokio::task::spawn_blocking(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                drop(server::build_router(state.clone()));
            }
        })
    };
    let mut renders = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (silver, url) = (silver.clone(), app.url("/"));
        renders.spawn(async move {
            for _ in 0..40 {
                let page = tokio::time::timeout(Duration::from_secs(20), async {
                    let res = silver
                        .get(&url)
                        .header("accept", "text/html")
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), 200);
                    res.text().await.unwrap()
                })
                .await
                .expect("a render stalled while another server started");
                assert!(page.contains("My Technical Issues"));
            }
        });
    }
    let outcome = async {
        while let Some(render) = renders.join_next().await {
            render?;
        }
        Ok::<(), tokio::task::JoinError>(())
    }
    .await;
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    building.await.unwrap();
    outcome.unwrap();
}

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
