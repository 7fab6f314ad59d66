//! Where attachment bytes live, behind one interface (the `object_store` crate): a local folder
//! (the default) or an S3-compatible bucket shared by several instances.
//!
//! Keys are content-addressed, `<sha[0..2]>/<sha>`, the same layout on disk and in a bucket.
//! A file being received is written under `tmp/<random>.part` first; its rows are committed;
//! then it is renamed to its key (on S3 a server-side copy and a delete). Nothing is served
//! before the commit because every download looks its row up first. A crash can leave a staged
//! object behind: `recover` (at start and on each scheduler round) hashes it, moves it into
//! place when a row points at those bytes, and deletes it otherwise. Staged objects younger
//! than the grace period are left alone, so one instance never deletes a file another is
//! still receiving.
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::prefix::PrefixStore;
use object_store::{GetResult, ObjectStore};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::config::S3Config;
use super::db::Db;

/// Objects up to this size are sent in one request; larger ones in parts of this size (5 MiB
/// is S3's smallest part), so a file never has to be held whole in memory.
const PART_BYTES: usize = 5 * 1024 * 1024;

pub type StoreError = object_store::Error;

#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    /// The folder, when on local disk: staged files are synced to it before their row is
    /// committed (the object store does not fsync).
    disk: Option<PathBuf>,
    /// What the logs and errors call this store.
    pub describe: String,
    pub staging_grace: Duration,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

/// The key of the bytes with this SHA-256 (hex).
pub fn key_of(sha256: &str) -> Key {
    Key::from(format!("{}/{sha256}", &sha256[..2]))
}

fn staging_key() -> Key {
    Key::from(format!("tmp/{:016x}.part", rand::random::<u64>()))
}

/// A store error as an I/O error of the same kind as its cause, so a full disk stays "full"
/// (507 to the member) and not just "an error".
pub fn as_io(e: impl std::error::Error + 'static) -> std::io::Error {
    let kind = cause_kind(&e).unwrap_or(std::io::ErrorKind::Other);
    std::io::Error::new(kind, e.to_string())
}

fn cause_kind(mut err: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    loop {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() != std::io::ErrorKind::Other {
                return Some(io.kind());
            }
            // An I/O error wrapping another: its `source` skips the wrapped error itself.
            if let Some(inner) = io.get_ref() {
                err = inner;
                continue;
            }
        }
        err = err.source()?;
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl FileStore {
    /// A folder on this machine (created if missing).
    pub fn disk(root: impl Into<PathBuf>, staging_grace: Duration) -> std::io::Result<FileStore> {
        let root = root.into();
        std::fs::create_dir_all(root.join("tmp"))?;
        let store = LocalFileSystem::new_with_prefix(&root).map_err(std::io::Error::other)?;
        Ok(FileStore {
            store: Arc::new(store),
            describe: format!("folder {}", root.display()),
            disk: Some(root),
            staging_grace,
        })
    }

    /// A bucket on an S3-compatible store. Lists one key to check that the bucket exists and
    /// the credentials are accepted, so a wrong secret stops the start instead of an upload.
    pub async fn s3(config: &S3Config, staging_grace: Duration) -> Result<FileStore, String> {
        // No deadline for a whole request: a download is paced by the member's connection,
        // and a cut-off one would end a file half-sent. Connecting still has one.
        let client = object_store::ClientOptions::new()
            .with_timeout_disabled()
            .with_connect_timeout(Duration::from_secs(5));
        let mut builder = AmazonS3Builder::new()
            .with_client_options(client)
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key);
        if let Some(endpoint) = &config.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        let bucket: Arc<dyn ObjectStore> = Arc::new(builder.build().map_err(|e| e.to_string())?);
        let store: Arc<dyn ObjectStore> = match &config.prefix {
            Some(prefix) => Arc::new(PrefixStore::new(bucket, prefix.as_str())),
            None => bucket,
        };
        let describe = format!(
            "bucket {}{}{}",
            config.bucket,
            config
                .prefix
                .as_deref()
                .map(|p| format!("/{p}"))
                .unwrap_or_default(),
            config
                .endpoint
                .as_deref()
                .map(|e| format!(" at {e}"))
                .unwrap_or_default(),
        );
        store
            .list(None)
            .next()
            .await
            .transpose()
            .map_err(|e| format!("cannot use {describe}: {e}"))?;
        Ok(FileStore {
            store,
            disk: None,
            describe,
            staging_grace,
        })
    }

    /// Starts writing one received file under a staging key.
    pub fn stage(&self) -> Staging {
        let key = staging_key();
        Staging {
            writer: Some(BufWriter::with_capacity(
                self.store.clone(),
                key.clone(),
                PART_BYTES,
            )),
            key,
            hasher: Sha256::new(),
            size: 0,
        }
    }

    /// Makes a staged file durable before its row is committed (disk only: a bucket has it
    /// once the upload is complete).
    async fn sync(&self, key: &Key) -> std::io::Result<()> {
        let Some(root) = &self.disk else {
            return Ok(());
        };
        let path = root.join(key.as_ref());
        tokio::task::spawn_blocking(move || std::fs::File::open(path)?.sync_all())
            .await
            .map_err(std::io::Error::other)?
    }

    /// Moves a staged file to its content-addressed key (after its rows are committed).
    /// The same bytes may be there already: the rename then overwrites them with themselves.
    pub async fn promote(&self, staged: &Key, sha256: &str) -> Result<(), StoreError> {
        self.store.rename(staged, &key_of(sha256)).await
    }

    /// Deletes a staged file that will not be committed.
    pub async fn discard(&self, staged: &Key) {
        if let Err(e) = self.store.delete(staged).await {
            if !matches!(e, StoreError::NotFound { .. }) {
                tracing::warn!(error = %e, key = %staged, "staged file not deleted; recovery will");
            }
        }
    }

    /// Deletes a staged file at once when it is on this machine's disk (a drop cannot wait for
    /// a request); `false` on a bucket.
    pub fn discard_local(&self, staged: &Key) -> bool {
        match &self.disk {
            Some(root) => {
                let _ = std::fs::remove_file(root.join(staged.as_ref()));
                true
            }
            None => false,
        }
    }

    /// The bytes of a stored file as a stream, or `None` when they are not there.
    pub async fn open(&self, sha256: &str) -> Result<Option<GetResult>, StoreError> {
        match self.store.get(&key_of(sha256)).await {
            Ok(r) => Ok(Some(r)),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The whole bytes of a stored file (exports), or `None` when they are not there.
    pub async fn read(&self, sha256: &str) -> Result<Option<Bytes>, StoreError> {
        match self.open(sha256).await? {
            Some(r) => Ok(Some(r.bytes().await?)),
            None => Ok(None),
        }
    }

    /// Deletes the bytes with this hash; already gone is fine.
    pub async fn delete(&self, sha256: &str) -> Result<(), StoreError> {
        match self.store.delete(&key_of(sha256)).await {
            Ok(()) | Err(StoreError::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Every key in the store, staged ones included (tests and checks).
    pub async fn keys(&self) -> Result<Vec<String>, StoreError> {
        self.store
            .list(None)
            .map_ok(|m| m.location.to_string())
            .try_collect()
            .await
    }

    /// Finishes what a crash interrupted, against the database's attachment rows (a failed
    /// lookup counts as referenced: the file is kept for the next round).
    pub async fn recover_with(
        &self,
        db: &Db,
        grace: Duration,
    ) -> Result<(usize, usize), StoreError> {
        self.recover(grace, |sha| async move {
            db.attachments().is_referenced(&sha).await.unwrap_or(true)
        })
        .await
    }

    /// Each staged file older than `grace` is moved into place if a row points at its bytes
    /// and they are not there yet, and deleted otherwise. Returns (moved, deleted).
    async fn recover<F, Fut>(
        &self,
        grace: Duration,
        is_referenced: F,
    ) -> Result<(usize, usize), StoreError>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let (mut moved, mut deleted) = (0, 0);
        let cutoff = millis_ago(grace);
        let staged: Vec<_> = self
            .store
            .list(Some(&Key::from("tmp")))
            .try_collect()
            .await?;
        for meta in staged {
            if meta.last_modified.timestamp_millis() > cutoff {
                continue;
            }
            // One object's trouble (another instance got to it first, the store hiccuped) is
            // logged and the rest still recovered.
            match self.recover_one(&meta.location, &is_referenced).await {
                Ok(Some(true)) => moved += 1,
                Ok(Some(false)) => deleted += 1,
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, key = %meta.location, "staged file not recovered")
                }
            }
        }
        deleted += self
            .sweep_unfinished_writes(grace)
            .await
            .map_err(|e| StoreError::Generic {
                store: "LocalFileSystem",
                source: Box::new(e),
            })?;
        Ok((moved, deleted))
    }

    /// Some(true): moved into place; Some(false): deleted; None: gone meanwhile.
    async fn recover_one<F, Fut>(
        &self,
        staged: &Key,
        is_referenced: &F,
    ) -> Result<Option<bool>, StoreError>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        // The name says nothing reliable (a file cut short has the name of whole bytes):
        // what the bytes hash to decides.
        let mut hasher = Sha256::new();
        let mut bytes = match self.store.get(staged).await {
            Ok(r) => r.into_stream(),
            Err(StoreError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        while let Some(chunk) = bytes.next().await {
            hasher.update(chunk?);
        }
        let sha = hex(&hasher.finalize());
        let in_place = match self.store.head(&key_of(&sha)).await {
            Ok(_) => true,
            Err(StoreError::NotFound { .. }) => false,
            Err(e) => return Err(e),
        };
        if !in_place && is_referenced(sha.clone()).await {
            return match self.promote(staged, &sha).await {
                Ok(()) => Ok(Some(true)),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            };
        }
        self.discard(staged).await;
        Ok(Some(false))
    }

    /// On disk the store writes `<key>#<n>` and renames it when complete; a crash in between
    /// leaves that file, which its listing does not show. Deleted here once old enough.
    async fn sweep_unfinished_writes(&self, grace: Duration) -> std::io::Result<usize> {
        let Some(root) = &self.disk else {
            return Ok(0);
        };
        let mut swept = 0;
        let mut dir = tokio::fs::read_dir(root.join("tmp")).await?;
        while let Some(entry) = dir.next_entry().await? {
            if !entry.file_name().to_string_lossy().contains('#') {
                continue;
            }
            // Gone meanwhile (the write finished and was renamed): nothing to do.
            let Ok(modified) = entry.metadata().await.and_then(|m| m.modified()) else {
                continue;
            };
            if modified.elapsed().is_ok_and(|age| age >= grace)
                && tokio::fs::remove_file(entry.path()).await.is_ok()
            {
                swept += 1;
            }
        }
        Ok(swept)
    }
}

/// Unix milliseconds `grace` ago.
fn millis_ago(grace: Duration) -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    now.saturating_sub(grace).as_millis() as i64
}

/// One file being written to its staging key, hashed as it goes.
pub struct Staging {
    writer: Option<BufWriter>,
    pub key: Key,
    hasher: Sha256,
    pub size: u64,
}

impl Staging {
    pub async fn write(&mut self, bytes: Bytes) -> Result<(), StoreError> {
        self.hasher.update(&bytes);
        self.size += bytes.len() as u64;
        match &mut self.writer {
            Some(w) => w.put(bytes).await,
            None => Ok(()),
        }
    }

    /// Completes the upload; returns the SHA-256 (hex) of what was written. The staged object
    /// exists (and on disk is synced) once this returns.
    pub async fn finish(mut self, store: &FileStore) -> std::io::Result<String> {
        if let Some(mut w) = self.writer.take() {
            if let Err(e) = w.shutdown().await {
                // A part may have been written; the key is gone or recovery deletes it.
                store.discard(&self.key).await;
                return Err(as_io(e));
            }
        }
        if let Err(e) = store.sync(&self.key).await {
            store.discard(&self.key).await;
            return Err(e);
        }
        Ok(hex(&self.hasher.clone().finalize()))
    }

    /// Gives up on this file: nothing of it stays (a multipart upload is aborted).
    pub async fn abort(mut self) {
        if let Some(mut w) = self.writer.take() {
            if let Err(e) = w.abort().await {
                tracing::warn!(error = %e, key = %self.key, "upload not aborted cleanly");
            }
        }
    }
}
