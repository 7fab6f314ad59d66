//! Screenshots and files attached to a ticket: which kinds we take (decided by the bytes, never by
//! the name or the declared type), how names are cleaned, and the limits. The browser runs the
//! same checks before sending, the server again on what arrives.
use serde::{Deserialize, Serialize};

use super::invalid::Invalid;

/// The kinds of file a member may attach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    Png,
    Jpeg,
    Webp,
    Gif,
    Pdf,
    Text,
}

impl FileKind {
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Webp => "image/webp",
            FileKind::Gif => "image/gif",
            FileKind::Pdf => "application/pdf",
            FileKind::Text => "text/plain; charset=utf-8",
        }
    }

    pub fn from_mime(mime: &str) -> Option<FileKind> {
        [
            FileKind::Png,
            FileKind::Jpeg,
            FileKind::Webp,
            FileKind::Gif,
            FileKind::Pdf,
            FileKind::Text,
        ]
        .into_iter()
        .find(|k| k.mime() == mime)
    }

    /// Extensions a file of this kind may carry; the first is the one given when it has none.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Png => &["png"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Webp => &["webp"],
            FileKind::Gif => &["gif"],
            FileKind::Pdf => &["pdf"],
            FileKind::Text => &["txt", "log"],
        }
    }

    pub fn is_image(self) -> bool {
        matches!(
            self,
            FileKind::Png | FileKind::Jpeg | FileKind::Webp | FileKind::Gif
        )
    }
}

/// How many bytes of a file `sniff` needs to decide (the browser reads only this much).
pub const SNIFF_LEN: usize = 4096;

/// Decides what a file is from its first bytes. Text is accepted only when it is UTF-8 with no
/// control characters and does not look like HTML/XML/script (a "screenshot.png" that is really a
/// web page is refused, not stored as text).
pub fn sniff(head: &[u8]) -> Result<FileKind, Unaccepted> {
    if head.is_empty() {
        return Err(Unaccepted::Empty);
    }
    if let Some(t) = infer::get(head) {
        return match t.mime_type() {
            "image/png" => Ok(FileKind::Png),
            "image/jpeg" => Ok(FileKind::Jpeg),
            "image/webp" => Ok(FileKind::Webp),
            "image/gif" => Ok(FileKind::Gif),
            "application/pdf" => Ok(FileKind::Pdf),
            _ => Err(Unaccepted::WrongType),
        };
    }
    if looks_like_plain_text(head) {
        Ok(FileKind::Text)
    } else {
        Err(Unaccepted::WrongType)
    }
}

/// Why `sniff` refused a file (the caller knows its name and words the refusal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unaccepted {
    Empty,
    WrongType,
}

impl Unaccepted {
    pub fn for_file(self, name: &str) -> Invalid {
        let name = name.to_string();
        match self {
            Unaccepted::Empty => Invalid::FileEmpty { name },
            Unaccepted::WrongType => Invalid::FileType { name },
        }
    }
}

fn looks_like_plain_text(head: &[u8]) -> bool {
    // The head may cut a multi-byte character in two; only the cut at the very end is forgiven.
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or("")
        }
        Err(_) => return false,
    };
    let controls = text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'));
    !controls && !has_markup(text)
}

/// Whether a browser could read this as HTML, XML or SVG: any tag, comment or declaration
/// anywhere in the head (behind a byte-order mark, or after a line of ordinary text), not only
/// at the start. A `<` followed by a space, digit or `=` (a comparison in a log) is not one.
fn has_markup(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| {
        *b == b'<'
            && bytes.get(i + 1).is_some_and(|next| {
                next.is_ascii_alphabetic() || matches!(next, b'!' | b'?' | b'/')
            })
    })
}

/// The name a file is stored and served under: the cleaned name with the extension of what the
/// bytes are. "invoice.html" that is plain text becomes "invoice.txt", so an agent who opens a
/// download gets a text editor, never a browser, a shell or a shortcut.
pub fn safe_file_name(clean_name: &str, kind: FileKind) -> String {
    let (stem, ext) = match clean_name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, Some(ext)),
        _ => (clean_name.trim_start_matches('.'), None),
    };
    let stem = if stem.is_empty() { "file" } else { stem };
    match ext {
        Some(ext)
            if kind
                .extensions()
                .iter()
                .any(|e| e.eq_ignore_ascii_case(ext)) =>
        {
            clean_name.to_string()
        }
        _ => format!("{stem}.{}", kind.extensions()[0]),
    }
}

/// A file name safe to show and to put in a `Content-Disposition` header: no path, no control
/// characters, no quotes or separators, not hidden, at most 100 characters.
pub fn sanitize_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    let short: String = trimmed
        .chars()
        .rev()
        .take(100)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if short.chars().all(|c| c == '_' || c == '.') {
        "file".into()
    } else {
        short
    }
}

/// Upload limits; the server reads them from its configuration and tells the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadLimits {
    pub max_files: usize,
    pub max_file_bytes: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            max_files: 5,
            max_file_bytes: 10 * 1024 * 1024,
        }
    }
}

impl UploadLimits {
    pub fn max_megabytes(&self) -> u64 {
        self.max_file_bytes.div_ceil(1024 * 1024)
    }
}

/// An attachment as pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentInfo {
    pub id: i64,
    pub file_name: String,
    pub kind: FileKind,
    pub size: i64,
}

impl AttachmentInfo {
    /// Where a ticket's file is served.
    pub fn url(&self) -> String {
        format!("/attachments/{}", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn kinds_come_from_the_bytes() {
        assert_eq!(sniff(PNG), Ok(FileKind::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Ok(FileKind::Jpeg));
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), Ok(FileKind::Gif));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Ok(FileKind::Webp));
        assert_eq!(sniff(b"%PDF-1.7\n"), Ok(FileKind::Pdf));
        assert_eq!(
            sniff("Error 42 at checkout\nñ".as_bytes()),
            Ok(FileKind::Text)
        );
    }

    #[test]
    fn html_zip_and_binary_are_refused() {
        assert!(sniff(b"<!DOCTYPE html><html><script>alert(1)</script>").is_err());
        assert!(sniff(b"  <svg onload=alert(1)>").is_err());
        assert!(sniff(b"PK\x03\x04\x14\0\0\0").is_err());
        assert!(sniff(b"MZ\x90\0\x03\0\0\0").is_err());
        assert!(sniff(b"abc\0def").is_err());
        assert!(sniff(b"").is_err());
    }

    #[test]
    fn markup_behind_a_byte_order_mark_or_after_some_text_is_refused() {
        assert!(sniff("\u{feff}<html><script>alert(1)</script>".as_bytes()).is_err());
        assert!(sniff("\u{feff}  <svg onload=alert(1)>".as_bytes()).is_err());
        assert!(sniff(b"Hello there\n<img src=x onerror=alert(1)>").is_err());
        assert!(sniff(b"see this: <a href=javascript:alert(1)>link</a>").is_err());
        assert!(sniff(b"note <!-- comment --> more").is_err());
        // Comparisons and arrows in a log stay text.
        assert_eq!(sniff(b"count < 5 and x -> y, 3<4"), Ok(FileKind::Text));
    }

    #[test]
    fn stored_names_carry_the_extension_of_the_detected_type() {
        assert_eq!(
            safe_file_name("invoice.html", FileKind::Text),
            "invoice.txt"
        );
        assert_eq!(safe_file_name("run.bat", FileKind::Text), "run.txt");
        assert_eq!(safe_file_name("a.b.ps1", FileKind::Text), "a.b.txt");
        assert_eq!(safe_file_name("log.TXT", FileKind::Text), "log.TXT");
        assert_eq!(safe_file_name("shot.jpeg", FileKind::Jpeg), "shot.jpeg");
        assert_eq!(safe_file_name("shot.jpg", FileKind::Jpeg), "shot.jpg");
        assert_eq!(safe_file_name("shot.png", FileKind::Jpeg), "shot.jpg");
        assert_eq!(safe_file_name("photo", FileKind::Png), "photo.png");
        assert_eq!(safe_file_name("file", FileKind::Pdf), "file.pdf");
        assert_eq!(safe_file_name("html", FileKind::Text), "html.txt");
    }

    #[test]
    fn a_cut_multibyte_character_at_the_end_is_still_text() {
        let s = "año".as_bytes();
        assert_eq!(sniff(&s[..2]), Ok(FileKind::Text));
    }

    #[test]
    fn names_lose_paths_and_dangerous_characters() {
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(
            sanitize_file_name("C:\\Users\\me\\shot 1.png"),
            "shot 1.png"
        );
        assert_eq!(sanitize_file_name("a\"b;c\r\n.png"), "a_b_c__.png");
        assert_eq!(sanitize_file_name(".htaccess"), "htaccess");
        assert_eq!(
            sanitize_file_name("pantallazo_año.png"),
            "pantallazo_año.png"
        );
        assert_eq!(sanitize_file_name(""), "file");
        assert_eq!(sanitize_file_name("///"), "file");
        let long = format!("{}.png", "x".repeat(300));
        let clean = sanitize_file_name(&long);
        assert_eq!(clean.chars().count(), 100);
        assert!(clean.ends_with(".png"));
    }
}
