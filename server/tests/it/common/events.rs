//! An open `/events` stream (server-sent events), read as text.
use std::time::Duration;

use futures::StreamExt;
use reqwest::Client;

use super::*;

/// An open `/events` stream, read as text.
pub struct Events {
    pub stream:
        std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    pub seen: String,
}

impl Events {
    pub async fn open(app: &TestApp, client: &Client) -> Events {
        let res = client.get(app.url("/events")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        let mut me = Events {
            stream: Box::pin(res.bytes_stream()),
            seen: String::new(),
        };
        // Subscribed once the first event arrives.
        me.wait_for("event: ready").await;
        me
    }

    /// Reads until `needle` appears (5 s at most: then the test fails).
    pub async fn wait_for(&mut self, needle: &str) {
        self.wait_for_count(needle, 1).await
    }

    /// Reads until `needle` has appeared `n` times.
    pub async fn wait_for_count(&mut self, needle: &str, n: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while self.seen.matches(needle).count() < n {
            let chunk = tokio::time::timeout_at(deadline, self.stream.next())
                .await
                .unwrap_or_else(|_| panic!("no '{needle}' within 5 s; got: {}", self.seen))
                .expect("stream ended")
                .unwrap();
            self.seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Reads until the server ends the stream; false if it is still open after `limit`.
    pub async fn ended_within(&mut self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.stream.next()).await {
                Err(_) => return false,
                Ok(None) | Ok(Some(Err(_))) => return true,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Everything that arrives within `wait`.
    pub async fn drain(&mut self, wait: Duration) -> &str {
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(deadline, self.stream.next()).await
        {
            self.seen.push_str(&String::from_utf8_lossy(&chunk));
        }
        &self.seen
    }
}
