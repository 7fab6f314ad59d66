//! All SQL lives under this module. One `sqlx::AnyPool` serves SQLite (default) and PostgreSQL;
//! queries are written once in the dialect both accept (`$1` placeholders, bigint times).
mod assignment;
mod attachments;
mod audit;
mod chats;
mod external_accounts;
mod gdpr;
mod macros;
mod merge;
mod outbox;
mod people;
mod push;
mod ratings;
mod reports;
mod rows;
mod search;
mod sessions;
mod settings;
mod sla;
mod throttle;
mod tickets;
mod two_factor;
mod users;
mod viewers;

pub use assignment::Assigned;
pub use attachments::{AttachmentRecord, AttachmentRepo, OverQuota};
pub use audit::{Audit, AuditRepo};
pub use chats::{AcceptOutcome, ChatRepo, MessageOutcome, NewChat, StartOutcome, TransferOutcome};
pub use external_accounts::ExternalSignIn;
pub use gdpr::{Erased, GdprRepo};
pub use macros::{MacroRepo, MacroSaved, MacroTicket};
pub use merge::Merged;
pub use outbox::{secret, About, DueTicket, Notice, NoticeContext, OutboxRepo, OutboxRow, Waiting};
pub use people::{AccountChange, PeopleRepo};
pub use push::{NewSubscription, PushRepo, PushTarget, MAX_DEVICES};
pub use ratings::RatingRepo;
pub use reports::ReportRepo;
pub use search::{SearchRepo, SearchScope};
pub use sessions::DbSessionStore;
pub use settings::SettingsRepo;
pub use throttle::{Throttle, ThrottleVerdict};
pub use tickets::{
    Applied, NewAttachment, NewTicket, NewTicketSeed, TicketChange, TicketHead, TicketRepo,
};
pub use two_factor::{TwoFactor, TwoFactorRepo};
pub use users::{NewUser, UserRecord, UserRepo};
pub use viewers::ViewerRepo;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Connection, Executor};

/// On SQLite, copies the write-ahead log into the database file once a second, beside the
/// writers (a passive checkpoint waits for no one). Left to SQLite, the commit that takes the
/// log past 1,000 pages does it inline, holding the write lock: several times a second under a
/// busy chat, every writer waited for that copy and its file sync. SQLite's own checkpoint
/// stays as a backstop, at 10,000 pages (`open_pool`).
fn checkpoint_in_background(pool: AnyPool) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            every.tick().await;
            if pool.is_closed() {
                break;
            }
            if let Err(e) = sqlx::query("pragma wal_checkpoint(passive)")
                .execute(&pool)
                .await
            {
                tracing::debug!(error = %e, "background checkpoint skipped");
            }
        }
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// Lines up this instance's chat writes on SQLite (see `WriteGate`).
    gate: WriteGate,
}

/// On SQLite, writers take turns in this process instead of in SQLite. SQLite has one writer;
/// a connection that finds the lock taken sleeps in its busy handler (1, 2, 5, 10, 15, 20,
/// 25 ms ...) and tries again, so at a few thousand chat messages a second some waited tens of
/// milliseconds for a lock free after a fraction of one. A fair async lock hands it over at
/// once, in arrival order. PostgreSQL locks rows, not the database: no gate.
#[derive(Debug, Clone, Default)]
pub struct WriteGate(Option<std::sync::Arc<tokio::sync::Mutex<()>>>);

impl WriteGate {
    fn for_backend(backend: Backend) -> WriteGate {
        WriteGate((backend == Backend::Sqlite).then(Default::default))
    }

    /// Waits for this instance's earlier writes; the turn lasts as long as the guard.
    pub async fn turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.0 {
            Some(gate) => Some(gate.lock().await),
            None => None,
        }
    }
}

/// How long a pooled PostgreSQL connection may sit unused before it is checked on lending.
const IDLE_BEFORE_CHECK: Duration = Duration::from_secs(1);

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Opens the pool (creating the SQLite file and its folder if needed) and migrates.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else if url.starts_with("sqlite:") {
            (Backend::Sqlite, prepare_sqlite_url(url)?)
        } else {
            return Err(sqlx::Error::Configuration(
                // Not the URL itself: it may hold a password.
                format!(
                    "DATABASE_URL must start with sqlite: or postgres://, got a '{}' URL",
                    url.split(':').next().unwrap_or("")
                )
                .into(),
            ));
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let db = Db {
            pool: Self::open_pool(options.clone(), backend).await?,
            backend,
            gate: WriteGate::for_backend(backend),
        };
        db.migrate().await?;
        if backend == Backend::Sqlite {
            // The connections that ran the migrations loaded no FTS5 settings (the tables came
            // later) or stale ones (a later migration changed the schema): their first ticket
            // would fail "locked" while another writer works. Fresh ones load them on connect.
            db.pool.close().await;
            let pool = Self::open_pool(options, backend).await?;
            checkpoint_in_background(pool.clone());
            return Ok(Db {
                pool,
                backend,
                gate: db.gate,
            });
        }
        Ok(db)
    }

    async fn open_pool(
        options: AnyConnectOptions,
        backend: Backend,
    ) -> Result<AnyPool, sqlx::Error> {
        AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            // Short: when the database is down a request should fail fast (503), not hang.
            .acquire_timeout(Duration::from_secs(3))
            // sqlx pings every connection before lending it out (and again when it comes
            // back). That was one more hand-over to SQLite's thread, or one more round trip to
            // PostgreSQL, for every query. Only a connection idle for a while is checked now:
            // one in use a moment ago is live, and a broken one is dropped when it comes back.
            // SQLite's "connection" is a thread of this process; nothing hangs up on it.
            .test_before_acquire(false)
            .before_acquire(move |conn, meta| {
                Box::pin(async move {
                    if backend == Backend::Postgres && meta.idle_for > IDLE_BEFORE_CHECK {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the single writer; the busy timeout makes a
                        // writer wait for the lock instead of failing with SQLITE_BUSY.
                        conn.execute(
                            "pragma journal_mode = wal; pragma synchronous = normal; \
                             pragma busy_timeout = 5000; pragma foreign_keys = on; \
                             pragma wal_autocheckpoint = 10000;",
                        )
                        .await?;
                        // FTS5 loads a table's settings with a read of its own the first time a
                        // connection uses it. Inside a write (a trigger indexing a new ticket),
                        // that read makes the write fail at once with "database is locked"
                        // instead of waiting its turn, so each connection loads them now. Before
                        // the first migration the tables do not exist yet: nothing to load.
                        let _ = conn
                            .execute(
                                "select count(*) from ticket_text where ticket_text match 'x'; \
                                 select count(*) from message_text where message_text match 'x';",
                            )
                            .await;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| sqlx::Error::Migrate(Box::new(e)))
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("select 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub fn users(&self) -> UserRepo<'_> {
        UserRepo(&self.pool)
    }

    pub fn tickets(&self) -> TicketRepo<'_> {
        TicketRepo(&self.pool)
    }

    pub fn chats(&self) -> ChatRepo<'_> {
        ChatRepo {
            pool: &self.pool,
            gate: &self.gate,
            backend: self.backend,
        }
    }

    pub fn attachments(&self) -> AttachmentRepo<'_> {
        AttachmentRepo(&self.pool)
    }

    pub fn outbox(&self) -> OutboxRepo<'_> {
        OutboxRepo(&self.pool, self.backend)
    }

    pub fn push(&self) -> PushRepo<'_> {
        PushRepo(&self.pool)
    }

    pub fn ratings(&self) -> RatingRepo<'_> {
        RatingRepo(&self.pool)
    }

    pub fn audit(&self) -> AuditRepo<'_> {
        AuditRepo(&self.pool)
    }

    pub fn viewers(&self) -> ViewerRepo<'_> {
        ViewerRepo(&self.pool)
    }

    pub fn people(&self) -> PeopleRepo<'_> {
        PeopleRepo(&self.pool)
    }

    pub fn macros(&self) -> MacroRepo<'_> {
        MacroRepo(&self.pool)
    }

    pub fn settings(&self) -> SettingsRepo<'_> {
        SettingsRepo(&self.pool)
    }

    pub fn gdpr(&self) -> GdprRepo<'_> {
        GdprRepo(&self.pool)
    }

    pub fn reports(&self) -> ReportRepo<'_> {
        ReportRepo(&self.pool)
    }

    pub fn search(&self) -> SearchRepo<'_> {
        SearchRepo(&self.pool, self.backend)
    }

    pub fn throttle(&self) -> Throttle<'_> {
        Throttle(&self.pool)
    }

    pub fn two_factor(&self) -> TwoFactorRepo<'_> {
        TwoFactorRepo(&self.pool)
    }
}

/// Serialises writers that decide on one person's rows (count, then insert): on PostgreSQL the
/// row lock makes the next transaction wait; on SQLite the write takes the database lock.
pub(super) async fn lock_user(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("update users set disabled_at = disabled_at where id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Creates database `name` on the PostgreSQL server of `admin_url` (a URL to any database there,
/// e.g. `postgres`) and returns the URL of the new one. Used by the tests and the bench harness,
/// which each want a database of their own.
pub async fn create_postgres_database(admin_url: &str, name: &str) -> Result<String, sqlx::Error> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    sqlx::query(&format!("create database {name}"))
        .execute(&mut conn)
        .await?;
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(admin_url);
    Ok(format!("{base}/{name}"))
}

/// Creates the folder of a file-backed SQLite database and asks sqlx to create the file.
fn prepare_sqlite_url(url: &str) -> Result<String, sqlx::Error> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or("");
    if !path.is_empty() && path != ":memory:" {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
    }
    Ok(if url.contains('?') {
        url.to_string()
    } else {
        format!("{url}?mode=rwc")
    })
}

/// Marks a session-store error that came from an unreachable database (the store's error type
/// only carries text).
pub const UNAVAILABLE_MARK: &str = "database unavailable";

/// The database cannot be reached right now (down, restarting, every connection busy), as
/// opposed to a bug or bad data: the member gets "try again shortly" (503), not "internal error".
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => true,
        // PostgreSQL's "connection exception" and "operator intervention" classes (shutting
        // down, starting up, too many connections); SQLite's busy/locked after the busy timeout.
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08")
                || code.starts_with("57P")
                || code == "53300"
                || code == "5"
                || code == "6"
        }),
        _ => false,
    }
}

/// A unique index refused the row (both backends say so the same way).
fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
