//! Why something a person typed or sent was refused. One value travels from `parse()` (in the
//! browser or on the server) to the page, which words it in the reader's language; the English
//! `Display` is for the API, logs and tests.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Invalid {
    #[error("is empty")]
    Empty,
    #[error("needs at least {min} characters")]
    TooShort { min: usize },
    #[error("is longer than {max} characters")]
    TooLong { max: usize },
    #[error("is not an email address")]
    NotEmail,
    #[error("contains characters that are not allowed")]
    BadCharacters,
    #[error("must be 1 to 20 digits")]
    NotMemberNumber,
    #[error("is not a language we know")]
    UnknownLanguage,
    #[error("is not valid text")]
    NotText,
    #[error("“{name}” is empty")]
    FileEmpty { name: String },
    #[error("“{name}” is larger than {max_mb} MB")]
    FileTooLarge { name: String, max_mb: u64 },
    #[error("“{name}” is not a PNG, JPEG, WebP, GIF, PDF or plain text file")]
    FileType { name: String },
    #[error("“{name}” is not a readable JPEG")]
    BadJpeg { name: String },
    #[error("these files would go over your storage quota")]
    QuotaExceeded,
    #[error("at most {max} files per message")]
    TooManyFiles { max: usize },
    #[error("this issue was closed too long ago to reopen; please submit a new tech issue")]
    TooLateToReopen,
    #[error("only a closed issue or an ended chat can be rated")]
    NotRateableYet,
    #[error("a rating can be changed for 7 days; this one can no longer be changed")]
    RatingFixed,
    #[error("this browser's push service is not one the desk sends to")]
    NotPushService,
    #[error("a ticket cannot be merged into itself")]
    MergeSelf,
    #[error("a duplicate can only be merged into a ticket of the same member")]
    MergeOtherMember,
    #[error("the ticket to keep is closed; reopen it first")]
    MergeIntoClosed,
    #[error("that ticket was itself merged into another; merge into that one")]
    MergeIntoMerged,
    #[error("this ticket was already merged")]
    AlreadyMerged,
    #[error("type the username exactly to confirm")]
    ConfirmMismatch,
    #[error("is not the right code (or was used already)")]
    WrongCode,
    /// A request no page of ours sends (wrong encoding, missing parts, another site's form):
    /// only developers and scripts see it, so it stays in English.
    #[error("{reason}")]
    Malformed { reason: String },
}

impl Invalid {
    pub fn malformed(reason: impl Into<String>) -> Invalid {
        Invalid::Malformed {
            reason: reason.into(),
        }
    }
}

/// Counts characters the way people do (not bytes) and checks them against a range.
pub fn check_length(s: &str, min: usize, max: usize) -> Result<(), Invalid> {
    match s.chars().count() {
        0 => Err(Invalid::Empty),
        n if n < min => Err(Invalid::TooShort { min }),
        n if n > max => Err(Invalid::TooLong { max }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_counted_in_characters() {
        assert_eq!(check_length("", 1, 3), Err(Invalid::Empty));
        assert_eq!(check_length("ab", 3, 5), Err(Invalid::TooShort { min: 3 }));
        assert_eq!(check_length("ñññ", 3, 3), Ok(()));
        assert_eq!(check_length("abcd", 1, 3), Err(Invalid::TooLong { max: 3 }));
    }

    #[test]
    fn travels_as_tagged_json() {
        let json = serde_json::to_string(&Invalid::TooShort { min: 3 }).unwrap();
        assert_eq!(json, r#"{"code":"too_short","min":3}"#);
        let back: Invalid = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Invalid::TooShort { min: 3 });
    }
}
