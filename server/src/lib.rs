//! The server binary's pieces, as a library so integration tests drive the real thing.
pub mod cli;
pub mod router;
pub mod security;
pub mod serve;

use std::sync::Arc;
use std::time::Duration;

use app::ssr::db::Db;
use app::ssr::hub::Hub;
use app::ssr::state::Shared;
use app::ssr::uploads::FileStore;
use app::ssr::{AppState, Config};
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;

pub use router::build_router;

// Rendering a page makes many small, short-lived allocations on two worker threads; mimalloc
// serves them from per-thread pages where glibc's malloc spent a fifth of a dashboard request
// (see BENCHMARKS.md). Declared in the library, so every program that serves the desk (the
// binary, the bench harness, the integration tests) runs on the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// config -> pool -> migrate -> state. Seeds demo data when asked and the database is empty.
pub async fn make_state(config: Config, leptos_options: LeptosOptions) -> Result<AppState, String> {
    let db = Db::connect(&config.database_url).await.map_err(|e| {
        let url = &config.database_url;
        format!("cannot open database {}: {}", redact(url), scrub(&e, url))
    })?;
    if config.demo_seed {
        app::ssr::seed::seed_demo(&db, &config).await?;
    }
    let files = open_files(&config).await?;
    // Staged files left by a crash: finish what was committed, delete the rest. A store that
    // answers badly now is tried again by the scheduler's rounds: not a reason not to start.
    match files.recover_with(&db, files.staging_grace).await {
        Ok((0, 0)) => {}
        Ok((moved, deleted)) => tracing::info!(moved, deleted, "recovered staged attachments"),
        Err(e) => {
            tracing::warn!(error = %e, store = ?files, "staged attachments not recovered yet")
        }
    }
    let hub = Hub::start(db.clone(), &config.database_url)
        .await
        .map_err(|e| {
            let cause = scrub(&e, &config.database_url);
            format!("cannot start the live-updates listener: {cause}")
        })?;
    let settings = app::ssr::settings::Settings::load(db.clone(), &config).await?;
    settings.follow(&hub);
    let limits = app::ssr::limits::Limits::new(&config);
    let site_addr = leptos_options.site_addr.to_string();
    let mail = app::ssr::mail::Mail::new(&db, &config, &site_addr).await?;
    let push = app::ssr::push::Push::new(&db, &config, mail.from()).await?;
    let oidc = config
        .oidc
        .clone()
        .map(app::ssr::oidc::Oidc::new)
        .transpose()?;
    Ok(AppState::new(Shared {
        leptos_options,
        db,
        config: Arc::new(config),
        files,
        hub,
        limits,
        mail,
        push,
        settings,
        oidc,
    }))
}

/// The attachments' store the config names: a bucket, or the folder.
pub async fn open_files(config: &Config) -> Result<FileStore, String> {
    match &config.s3 {
        Some(s3) => {
            let grace = config.staging_grace.unwrap_or(Duration::from_secs(3600));
            FileStore::s3(s3, grace).await
        }
        None => {
            let grace = config.staging_grace.unwrap_or(Duration::ZERO);
            FileStore::disk(&config.attachments_dir, grace).map_err(|e| {
                format!(
                    "cannot use attachments folder {}: {e}",
                    config.attachments_dir.display()
                )
            })
        }
    }
}

/// Serves until the future `shutdown` resolves; see [`serve::run`] for the connection rules.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    spawn_housekeeping(state.clone());
    start_mail(&state).await?;
    tokio::spawn(app::ssr::reminders::run(state.clone()));
    let hub = state.hub.clone();
    // Live-event streams and chat sockets never end by themselves; closing the hub ends them
    // (sockets with a "restarting, reconnect" close frame) so shutdown can finish.
    let header_timeout = state.config.client_timeout;
    let app = build_router(state);
    serve::run(app, header_timeout, listener, shutdown, move || hub.close()).await
}

/// The outbox senders (email when SMTP is configured, push unless turned off) and the
/// reply-by-email listener (when its address and the reply domain are).
async fn start_mail(state: &AppState) -> std::io::Result<()> {
    use app::ssr::mail::{inbound, sender};
    let config = &state.config;
    match &state.push {
        Some(push) => {
            tokio::spawn(app::ssr::push::sender::run(state.clone(), push.clone()));
        }
        None => tracing::info!("push is off (APP_PUSH=0)"),
    }
    match sender::transport(config.smtp_url.as_deref()).map_err(std::io::Error::other)? {
        Some(transport) => {
            tokio::spawn(sender::run(state.clone(), transport));
        }
        None => {
            tracing::info!("email is off (APP_SMTP_URL is not set): notices wait in the outbox")
        }
    }
    match (&config.inbound_smtp_addr, &config.reply_domain) {
        (Some(addr), Some(_)) => {
            let listener = TcpListener::bind(addr).await.map_err(|e| {
                std::io::Error::new(e.kind(), format!("APP_INBOUND_SMTP_ADDR {addr}: {e}"))
            })?;
            let bound = listener.local_addr()?;
            state.mail.set_inbound_addr(bound);
            tracing::info!(%bound, "replies by email: listening for SMTP");
            tokio::spawn(inbound::run(state.clone(), listener));
        }
        (Some(_), None) | (None, Some(_)) => tracing::warn!(
            "replies by email are off: set both APP_INBOUND_SMTP_ADDR and APP_REPLY_DOMAIN"
        ),
        (None, None) => {}
    }
    Ok(())
}

/// Drops expired sessions and old login failures every few minutes.
fn spawn_housekeeping(state: AppState) {
    tokio::spawn(async move {
        use tower_sessions::ExpiredDeletion;
        let store = app::ssr::db::DbSessionStore::new(state.db.pool.clone());
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "session cleanup failed");
            }
            let cutoff = app::ssr::db::now_ms() - 2 * state.config.login_window.as_millis() as i64;
            if let Err(e) = state.db.throttle().forget_older_than(cutoff).await {
                tracing::warn!(error = %e, "login failure cleanup failed");
            }
            state.limits.forget_idle();
        }
    });
}

/// An error's text with the database URL in it (drivers quote it) shown without its password.
pub fn scrub(err: &dyn std::fmt::Display, url: &str) -> String {
    err.to_string().replace(url, &redact(url))
}

/// Hides a password in a database URL before it is logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].find(':') {
            Some(colon) => format!("{}:***{}", &url[..s + 3 + colon], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            super::redact("sqlite://data/desk.db"),
            "sqlite://data/desk.db"
        );
    }
}
