//! The one upload pipeline (tickets, replies, chat messages): read a multipart form, check each
//! file by its first bytes, strip JPEG metadata, and stream the file to a staging key of the
//! store as it arrives (never whole in memory). The caller stores its rows in one transaction
//! and then calls `Staged::promote`, which moves the files to their content-addressed keys. If
//! anything fails before that, dropping `Staged` deletes the staged files, so a failure leaves
//! nothing behind (and `FileStore::recover` catches what a crash leaves).
use std::collections::HashMap;

use axum::body::Bytes;
use multer::Multipart;
use object_store::path::Path as Key;

use super::jpeg::JpegScrubber;
pub use super::storage::FileStore;
use super::storage::Staging;
use crate::domain::{
    safe_file_name, sanitize_file_name, sniff, FileKind, Invalid, UploadLimits, SNIFF_LEN,
};
use crate::error::AppError;

/// Text fields larger than this are refused (descriptions are far shorter; this bounds memory).
const MAX_TEXT_FIELD: usize = 64 * 1024;

/// One checked file, written to its staging key.
#[derive(Debug)]
pub struct StagedFile {
    pub file_name: String,
    pub kind: FileKind,
    pub size: i64,
    pub sha256: String,
    key: Key,
}

/// The files of one request, not yet in their final place.
#[derive(Debug)]
pub struct Staged {
    pub files: Vec<StagedFile>,
    store: FileStore,
    /// Set while (and after) the rows are written: from then on the rows may be committed, so
    /// a request that ends here (the client went away) leaves its files to recovery, which
    /// decides by the rows, instead of deleting bytes a committed row points at.
    committing: std::sync::atomic::AtomicBool,
}

impl Staged {
    pub fn new(store: &FileStore) -> Staged {
        Staged {
            files: Vec::new(),
            store: store.clone(),
            committing: Default::default(),
        }
    }

    /// Runs the write that stores these files' rows. If it fails nothing was committed, and
    /// the files are deleted before the answer goes out.
    pub async fn commit<T>(
        &self,
        write: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        use std::sync::atomic::Ordering;
        self.committing.store(true, Ordering::SeqCst);
        let result = write.await;
        if result.is_err() {
            for f in &self.files {
                self.store.discard(&f.key).await;
            }
            self.committing.store(false, Ordering::SeqCst);
        }
        result
    }

    /// The rows to store with the message or ticket these files belong to.
    pub fn rows(&self) -> Vec<super::db::NewAttachment<'_>> {
        self.files
            .iter()
            .map(|f| super::db::NewAttachment {
                sha256: &f.sha256,
                file_name: &f.file_name,
                kind: f.kind,
                size: f.size,
            })
            .collect()
    }

    /// Moves every file to its content-addressed key. Call after the rows are committed.
    /// The rows are already the truth, so a failure here is logged, not reported: the file
    /// stays staged and recovery moves it (the member does not send it twice).
    pub async fn promote(mut self) {
        for f in std::mem::take(&mut self.files) {
            if let Err(e) = self.store.promote(&f.key, &f.sha256).await {
                tracing::error!(error = %e, sha256 = %f.sha256, "committed file left staged");
            }
        }
    }
}

impl Staged {
    /// Deletes every staged file (the request failed), before its answer goes out.
    pub async fn discard(mut self) {
        for f in std::mem::take(&mut self.files) {
            self.store.discard(&f.key).await;
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.committing.load(std::sync::atomic::Ordering::SeqCst) {
            if !self.files.is_empty() {
                tracing::warn!(
                    files = self.files.len(),
                    "request ended while committing: recovery decides"
                );
            }
            return;
        }
        let keys: Vec<Key> = self
            .files
            .drain(..)
            .map(|f| f.key)
            .filter(|key| !self.store.discard_local(key))
            .collect();
        if keys.is_empty() {
            return;
        }
        // On a bucket deleting is a request: done beside the request that failed. Should the
        // process die first, recovery deletes them.
        let store = self.store.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                for key in keys {
                    store.discard(&key).await;
                }
            });
        }
    }
}

/// A read form: its text fields and its staged files.
pub struct UploadForm {
    pub fields: HashMap<String, String>,
    pub staged: Staged,
}

impl UploadForm {
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

fn files_error(problem: Invalid) -> AppError {
    AppError::validation("files", problem)
}

fn unreadable(e: multer::Error) -> AppError {
    // The router cuts off a body that stops arriving; that is a 408, not a malformed form.
    // server_fn hands the body error over as text, so the cause is recognised by its message
    // (tower-http's `TimeoutError`; the slow-client test notices if the wording changes).
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(c) = cause {
        if c.is::<tower_http::timeout::TimeoutError>()
            || c.to_string()
                .contains("not received within the designated timeout")
        {
            return AppError::TimedOut;
        }
        cause = c.source();
    }
    AppError::malformed("form", format!("the form could not be read ({e})"))
}

/// What a form may bring, decided by the caller once the text fields before the first file are
/// in and before a single file byte is read: who may add files to what (a reply's ticket id
/// comes first), the person's upload rate, and how many bytes their storage quota has left.
pub type Gate<'a> = Box<
    dyn FnOnce(&HashMap<String, String>) -> futures::future::BoxFuture<'a, Result<u64, AppError>>
        + Send
        + 'a,
>;

/// Reads the whole form. Files come in fields named `files`; an empty file part (a browser's
/// "no file chosen") is skipped. `gate` runs when the first file part begins (not at all for a
/// form without files): its refusal ends the request there, and its answer bounds the total.
pub async fn read_form(
    form: Multipart<'static>,
    limits: UploadLimits,
    store: &FileStore,
    gate: Gate<'_>,
) -> Result<UploadForm, AppError> {
    let mut staged = Staged::new(store);
    match read_parts(form, limits, store, gate, &mut staged).await {
        Ok(fields) => Ok(UploadForm { fields, staged }),
        Err(e) => {
            staged.discard().await;
            Err(e)
        }
    }
}

async fn read_parts(
    mut form: Multipart<'static>,
    limits: UploadLimits,
    store: &FileStore,
    gate: Gate<'_>,
    staged: &mut Staged,
) -> Result<HashMap<String, String>, AppError> {
    let mut gate = Some(gate);
    let mut budget = Budget::new(limits, u64::MAX);
    let mut fields = HashMap::new();
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or("").to_string();
        let Some(raw_name) = field.file_name().map(str::to_string) else {
            let mut text = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                text.extend_from_slice(&chunk);
                if text.len() > MAX_TEXT_FIELD {
                    return Err(AppError::validation(
                        &name,
                        Invalid::TooLong {
                            max: MAX_TEXT_FIELD,
                        },
                    ));
                }
            }
            let text = String::from_utf8(text)
                .map_err(|_| AppError::validation(&name, Invalid::NotText))?;
            fields.insert(name, text);
            continue;
        };
        // A browser without JavaScript sends "no file chosen" as an empty part with an empty
        // name: that is no file, and must not count against the person's rate or quota.
        let first = field.chunk().await.map_err(unreadable)?;
        if raw_name.is_empty() && first.as_ref().is_none_or(|c| c.is_empty()) {
            continue;
        }
        if let Some(gate) = gate.take() {
            budget.allowance = gate(&fields).await?;
        }
        let file_name = sanitize_file_name(&raw_name);
        // The first bytes decide what the file is before any byte is stored.
        let mut head = Vec::new();
        let mut next = first;
        while head.len() < SNIFF_LEN {
            let Some(chunk) = next.take() else { break };
            head.extend_from_slice(&chunk);
            budget.fits(&file_name, head.len())?;
            next = field.chunk().await.map_err(unreadable)?;
        }
        if head.is_empty() && raw_name.is_empty() {
            continue;
        }
        budget.count_file()?;
        let mut file = Receiving::start(store, file_name, &head)?;
        let mut received = head.len();
        let mut result = file.push(Bytes::from(head)).await;
        // `next` is the chunk after the head (None: the file ended within it).
        while let (Ok(()), Some(chunk)) = (&result, next.take()) {
            received += chunk.len();
            result = match budget.fits(&file.file_name, received) {
                Ok(()) => file.push(chunk).await,
                Err(e) => Err(e),
            };
            if result.is_ok() {
                match field.chunk().await.map_err(unreadable) {
                    Ok(chunk) => next = chunk,
                    Err(e) => result = Err(e),
                }
            }
        }
        if let Err(e) = result {
            file.abort().await;
            return Err(e);
        }
        budget.spent += received as u64;
        staged.files.push(file.finish().await?);
    }
    Ok(fields)
}

/// What the files of one request may still take: the size of each, their number, and the
/// person's storage quota left. The same rules for a form and for an email's attachments.
pub struct Budget {
    limits: UploadLimits,
    /// Bytes the quota lets this request add.
    pub allowance: u64,
    /// Bytes of the files already taken.
    pub spent: u64,
    files: usize,
}

impl Budget {
    pub fn new(limits: UploadLimits, allowance: u64) -> Budget {
        Budget {
            limits,
            allowance,
            spent: 0,
            files: 0,
        }
    }

    /// Whether a file of `len` bytes so far is still within the per-file limit and the quota.
    pub fn fits(&self, name: &str, len: usize) -> Result<(), AppError> {
        if len as u64 > self.limits.max_file_bytes {
            return Err(files_error(Invalid::FileTooLarge {
                name: name.to_string(),
                max_mb: self.limits.max_megabytes(),
            }));
        }
        if self.spent + len as u64 > self.allowance {
            return Err(files_error(Invalid::QuotaExceeded));
        }
        Ok(())
    }

    /// One more file, within the number allowed per message.
    pub fn count_file(&mut self) -> Result<(), AppError> {
        self.files += 1;
        if self.files > self.limits.max_files {
            return Err(files_error(Invalid::TooManyFiles {
                max: self.limits.max_files,
            }));
        }
        Ok(())
    }
}

/// One file being received: what its first bytes are decided its kind and name; a JPEG's
/// metadata is dropped on the way to the store.
struct Receiving {
    file_name: String,
    kind: FileKind,
    scrubber: Option<JpegScrubber>,
    staging: Staging,
    store: FileStore,
}

impl Receiving {
    fn start(store: &FileStore, file_name: String, head: &[u8]) -> Result<Receiving, AppError> {
        let kind = sniff(&head[..head.len().min(SNIFF_LEN)])
            .map_err(|why| files_error(why.for_file(&file_name)))?;
        Ok(Receiving {
            // Stored and served under the extension of what the bytes are.
            file_name: safe_file_name(&file_name, kind),
            kind,
            scrubber: (kind == FileKind::Jpeg).then(JpegScrubber::default),
            staging: store.stage(),
            store: store.clone(),
        })
    }

    fn bad_jpeg(&self) -> AppError {
        files_error(Invalid::BadJpeg {
            name: self.file_name.clone(),
        })
    }

    async fn push(&mut self, chunk: Bytes) -> Result<(), AppError> {
        let chunk = match &mut self.scrubber {
            Some(scrubber) => {
                let mut kept = Vec::with_capacity(chunk.len());
                if scrubber.feed(&chunk, &mut kept).is_err() {
                    return Err(self.bad_jpeg());
                }
                Bytes::from(kept)
            }
            None => chunk,
        };
        self.staging.write(chunk).await.map_err(stored_error)
    }

    async fn finish(self) -> Result<StagedFile, AppError> {
        if self.scrubber.as_ref().is_some_and(|s| s.finish().is_err()) {
            let e = self.bad_jpeg();
            self.staging.abort().await;
            return Err(e);
        }
        let key = self.staging.key.clone();
        let size = self.staging.size as i64;
        let sha256 = self.staging.finish(&self.store).await?;
        Ok(StagedFile {
            file_name: self.file_name,
            kind: self.kind,
            size,
            sha256,
            key,
        })
    }

    async fn abort(self) {
        self.staging.abort().await
    }
}

fn stored_error(e: super::storage::StoreError) -> AppError {
    AppError::from(super::storage::as_io(e))
}

/// One file the size limits already passed, whole in memory already (an email's attachment):
/// the same checks and staging as a form's file.
pub async fn check_and_stage(
    store: &FileStore,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<StagedFile, AppError> {
    let mut file = Receiving::start(store, file_name, &bytes)?;
    if let Err(e) = file.push(Bytes::from(bytes)).await {
        file.abort().await;
        return Err(e);
    }
    file.finish().await
}
