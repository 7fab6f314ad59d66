//! The one upload pipeline (tickets, replies, chat messages): read a multipart form, check each
//! file by its bytes, strip JPEG metadata, and stage the files in a temporary folder. The caller
//! stores its rows in one transaction and then calls `Staged::promote`, which moves the files to
//! their content-addressed place. If anything fails before that, dropping `Staged` deletes the
//! temporary files, so a failure leaves nothing behind.
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use multer::Multipart;
use sha2::{Digest, Sha256};

use crate::domain::{
    safe_file_name, sanitize_file_name, sniff, FileKind, Invalid, UploadLimits, SNIFF_LEN,
};
use crate::error::AppError;

/// Text fields larger than this are refused (descriptions are far shorter; this bounds memory).
const MAX_TEXT_FIELD: usize = 64 * 1024;

/// Where attachment bytes live: `<root>/<sha[0..2]>/<sha>`, staged first in `<root>/tmp`.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> std::io::Result<FileStore> {
        let root = root.into();
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(FileStore { root })
    }

    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2]).join(sha256)
    }

    fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// After a crash: a staged file whose row was committed is moved into place, any other
    /// staged file is deleted. `is_referenced` asks the database about a hash.
    pub async fn recover<F, Fut>(&self, is_referenced: F) -> std::io::Result<(usize, usize)>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let (mut moved, mut deleted) = (0, 0);
        let mut dir = tokio::fs::read_dir(self.tmp_dir()).await?;
        while let Some(entry) = dir.next_entry().await? {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            let sha = name.split('.').next().unwrap_or("").to_string();
            let valid = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
            if valid && !self.path_of(&sha).exists() && is_referenced(sha.clone()).await {
                move_into_place(&path, &self.path_of(&sha))?;
                moved += 1;
            } else {
                tokio::fs::remove_file(&path).await?;
                deleted += 1;
            }
        }
        Ok((moved, deleted))
    }
}

fn move_into_place(temp: &Path, dest: &Path) -> std::io::Result<()> {
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if dest.exists() {
        // Same hash, same bytes: keep the one already there.
        std::fs::remove_file(temp)
    } else {
        std::fs::rename(temp, dest)
    }
}

/// One checked file, written to the temporary folder.
#[derive(Debug)]
pub struct StagedFile {
    pub file_name: String,
    pub kind: FileKind,
    pub size: i64,
    pub sha256: String,
    temp: PathBuf,
}

/// The files of one request, not yet in their final place.
#[derive(Debug)]
pub struct Staged {
    pub files: Vec<StagedFile>,
    store: FileStore,
}

impl Staged {
    pub fn new(store: &FileStore) -> Staged {
        Staged {
            files: Vec::new(),
            store: store.clone(),
        }
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

    /// Moves every file into its content-addressed place. Call after the rows are committed.
    /// The rows are already the truth, so a failure here is logged, not reported: the file
    /// stays staged and start-up recovery moves it (the member does not send it twice).
    pub fn promote(mut self) {
        for f in std::mem::take(&mut self.files) {
            if let Err(e) = move_into_place(&f.temp, &self.store.path_of(&f.sha256)) {
                tracing::error!(error = %e, sha256 = %f.sha256, "committed file left staged");
            }
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for f in &self.files {
            let _ = std::fs::remove_file(&f.temp);
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
    mut form: Multipart<'static>,
    limits: UploadLimits,
    store: &FileStore,
    gate: Gate<'_>,
) -> Result<UploadForm, AppError> {
    let mut gate = Some(gate);
    let mut budget = Budget::new(limits, u64::MAX);
    let mut fields = HashMap::new();
    let mut staged = Staged::new(store);
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
        let mut bytes = Vec::new();
        let mut next = first;
        while let Some(chunk) = next {
            bytes.extend_from_slice(&chunk);
            budget.fits(&file_name, bytes.len())?;
            next = field.chunk().await.map_err(unreadable)?;
        }
        budget.spent += bytes.len() as u64;
        if bytes.is_empty() && raw_name.is_empty() {
            continue;
        }
        budget.count_file()?;
        staged
            .files
            .push(check_and_stage(store, file_name, bytes).await?);
    }
    Ok(UploadForm { fields, staged })
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

/// One file the size limits already passed: what its bytes are decides whether it is taken and
/// the name it is kept under; JPEG metadata is dropped; then it is staged. Shared by forms and
/// replies by email.
pub async fn check_and_stage(
    store: &FileStore,
    file_name: String,
    mut bytes: Vec<u8>,
) -> Result<StagedFile, AppError> {
    let kind = sniff(&bytes[..bytes.len().min(SNIFF_LEN)])
        .map_err(|why| files_error(why.for_file(&file_name)))?;
    // Stored and served under the extension of what the bytes are.
    let file_name = safe_file_name(&file_name, kind);
    if kind == FileKind::Jpeg {
        bytes = strip_jpeg_metadata(bytes).map_err(|_| {
            files_error(Invalid::BadJpeg {
                name: file_name.clone(),
            })
        })?;
    }
    Ok(stage(store, file_name, kind, bytes).await?)
}

async fn stage(
    store: &FileStore,
    file_name: String,
    kind: FileKind,
    bytes: Vec<u8>,
) -> std::io::Result<StagedFile> {
    let sha256 = hex(&Sha256::digest(&bytes));
    let temp = store
        .tmp_dir()
        .join(format!("{sha256}.{:016x}.part", rand::random::<u64>()));
    let size = bytes.len() as i64;
    let path = temp.clone();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        let written = std::fs::File::create(&path).and_then(|mut f| {
            f.write_all(&bytes)?;
            // On disk before the row that points at it is committed.
            f.sync_all()
        });
        if written.is_err() {
            // A half-written file (disk full) is not staged, so nothing else would delete it.
            let _ = std::fs::remove_file(&path);
        }
        written
    })
    .await
    .map_err(std::io::Error::other)??;
    Ok(StagedFile {
        file_name,
        kind,
        size,
        sha256,
        temp,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Drops EXIF (GPS, camera, owner), XMP, comments and other application segments. APP0 (JFIF)
/// and APP14 (Adobe colour transform) stay: decoders need them to show the right colours.
pub fn strip_jpeg_metadata(bytes: Vec<u8>) -> Result<Vec<u8>, img_parts::Error> {
    use img_parts::jpeg::{markers, Jpeg};
    let mut jpeg = Jpeg::from_bytes(bytes.into())?;
    jpeg.segments_mut().retain(|s| {
        let m = s.marker();
        let app = (markers::APP0..=markers::APP15).contains(&m);
        !(m == markers::COM || app && m != markers::APP0 && m != markers::APP14)
    });
    Ok(jpeg.encoder().bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny JPEG: SOI, APP1 "Exif" with a fake GPS tag, COM, a minimal frame, SOS, EOI.
    fn jpeg_with_exif() -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        let exif = b"Exif\0\0GPS 40.4168N 3.7038W";
        v.extend_from_slice(&[0xFF, 0xE1, 0, (exif.len() + 2) as u8]);
        v.extend_from_slice(exif);
        let com = b"secret comment";
        v.extend_from_slice(&[0xFF, 0xFE, 0, (com.len() + 2) as u8]);
        v.extend_from_slice(com);
        v.extend_from_slice(&[0xFF, 0xDB, 0, 3, 0]);
        v.extend_from_slice(&[0xFF, 0xDA, 0, 3, 0, 1, 2, 3]);
        v.extend_from_slice(&[0xFF, 0xD9]);
        v
    }

    #[test]
    fn jpeg_metadata_is_removed_and_the_image_kept() {
        let out = strip_jpeg_metadata(jpeg_with_exif()).unwrap();
        let text = String::from_utf8_lossy(&out);
        assert!(!text.contains("GPS"), "{text}");
        assert!(!text.contains("secret"));
        assert_eq!(&out[..2], &[0xFF, 0xD8]);
        assert_eq!(&out[out.len() - 2..], &[0xFF, 0xD9]);
        assert_eq!(sniff(&out), Ok(FileKind::Jpeg));
    }
}
