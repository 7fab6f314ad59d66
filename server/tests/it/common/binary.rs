//! The real server binary started as its own process, for tests about start-up, logs, crashes
//! and several instances.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A server process this test started.
pub struct Binary {
    pub child: Child,
    /// `host:port` it listens on; `None` when it exited before listening.
    pub addr: Option<String>,
    output: JoinHandle<String>,
}

/// The server binary cargo built for these tests, run from the workspace.
pub fn server_command() -> Command {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
    cmd.current_dir(workspace);
    cmd
}

/// Starts `cmd` on a port the system picks and waits until its start-up line names that
/// port (or the process exits, or `limit` passes). The address comes from the process
/// itself because a port picked free beforehand may be taken meanwhile by another test's
/// server, which would then answer in its place.
pub async fn start_binary(mut cmd: Command, limit: Duration) -> Binary {
    let mut child = cmd
        .env("APP_LISTEN_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("server binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let (tell, told) = oneshot::channel();
    let output = tokio::spawn(async move {
        let mut tell = Some(tell);
        let mut out = String::new();
        let mut lines = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(addr) = listen_address(&line) {
                if let Some(tell) = tell.take() {
                    let _ = tell.send(addr);
                }
            }
            out.push_str(&line);
            out.push('\n');
        }
        // Dropping `tell` unsent says the process ended without listening.
        drop(tell);
        let _ = stderr.read_to_string(&mut out).await;
        out
    });
    let addr = tokio::time::timeout(limit, told)
        .await
        .expect("server neither came up nor exited")
        .ok();
    if let Some(addr) = &addr {
        super::wait_until_healthy(addr, limit).await;
    }
    Binary {
        child,
        addr,
        output,
    }
}

impl Binary {
    /// The address, for a test that needs the server up.
    pub fn addr(&self) -> &str {
        self.addr.as_deref().expect("server up")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr())
    }

    /// Stops the process and returns everything it printed.
    pub async fn stop(mut self) -> String {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
        self.output.await.unwrap()
    }
}

/// `127.0.0.1:port` from the line `... on http://127.0.0.1:port (database ...)`.
fn listen_address(line: &str) -> Option<String> {
    let rest = line.split_once(" on http://")?.1;
    Some(rest.split_whitespace().next()?.to_string())
}
