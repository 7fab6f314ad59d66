//! Errors worded for the person reading the page, in their language. The server's English
//! texts are for logs and the API; pages read the error's variant and word it here.

use crate::domain::Invalid;
use crate::error::AppError;
use crate::i18n::*;
use crate::locale::I18n;

/// The message a person sees for an error from an action or a page.
pub fn action_error_text(i18n: I18n, err: &AppError) -> String {
    match err {
        AppError::Validation { problem, .. } => invalid_text(i18n, problem),
        AppError::NotFound => td_string!(i18n.get_locale(), error_not_found).to_string(),
        AppError::IllegalTransition { .. } => {
            td_string!(i18n.get_locale(), error_conflict).to_string()
        }
        AppError::ChatEnded => td_string!(i18n.get_locale(), chat_ended).to_string(),
        // Only agents meet these (the console may stay in English).
        AppError::Conflict { message } => message.clone(),
        AppError::TakenBy { by } => {
            td_string!(i18n.get_locale(), error_taken_by, name = by.clone()).to_string()
        }
        AppError::RateLimited { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60);
            td_string!(i18n.get_locale(), login_throttled, minutes = minutes).to_string()
        }
        AppError::Unavailable => td_string!(i18n.get_locale(), error_unavailable).to_string(),
        AppError::TimedOut => td_string!(i18n.get_locale(), error_timed_out).to_string(),
        AppError::StorageFull => td_string!(i18n.get_locale(), error_storage_full).to_string(),
        _ => td_string!(i18n.get_locale(), error_generic).to_string(),
    }
}

/// Why a field was refused, shown next to that field (so the field is not named again).
pub fn invalid_text(i18n: I18n, problem: &Invalid) -> String {
    match problem {
        Invalid::Empty => td_string!(i18n.get_locale(), invalid_empty).to_string(),
        Invalid::TooShort { min } => {
            td_string!(i18n.get_locale(), invalid_too_short, min = *min).to_string()
        }
        Invalid::TooLong { max } => {
            td_string!(i18n.get_locale(), invalid_too_long, max = *max).to_string()
        }
        Invalid::NotEmail => td_string!(i18n.get_locale(), invalid_email).to_string(),
        Invalid::BadCharacters => td_string!(i18n.get_locale(), invalid_characters).to_string(),
        Invalid::NotMemberNumber => {
            td_string!(i18n.get_locale(), invalid_member_number).to_string()
        }
        Invalid::UnknownLanguage => td_string!(i18n.get_locale(), invalid_language).to_string(),
        Invalid::NotText => td_string!(i18n.get_locale(), invalid_not_text).to_string(),
        Invalid::FileEmpty { name } => {
            td_string!(i18n.get_locale(), file_empty, name = name.clone()).to_string()
        }
        Invalid::FileTooLarge { name, max_mb } => td_string!(
            i18n.get_locale(),
            file_too_large,
            name = name.clone(),
            mb = *max_mb
        )
        .to_string(),
        Invalid::FileType { name } => {
            td_string!(i18n.get_locale(), file_wrong_type, name = name.clone()).to_string()
        }
        Invalid::BadJpeg { name } => {
            td_string!(i18n.get_locale(), file_bad_jpeg, name = name.clone()).to_string()
        }
        Invalid::TooManyFiles { max } => {
            td_string!(i18n.get_locale(), files_too_many, max = *max).to_string()
        }
        Invalid::QuotaExceeded => td_string!(i18n.get_locale(), files_over_quota).to_string(),
        Invalid::TooLateToReopen => {
            td_string!(i18n.get_locale(), invalid_reopen_too_late).to_string()
        }
        Invalid::MergeSelf => td_string!(i18n.get_locale(), invalid_merge_self).to_string(),
        Invalid::MergeOtherMember => {
            td_string!(i18n.get_locale(), invalid_merge_other_member).to_string()
        }
        Invalid::MergeIntoClosed => {
            td_string!(i18n.get_locale(), invalid_merge_into_closed).to_string()
        }
        Invalid::MergeIntoMerged => {
            td_string!(i18n.get_locale(), invalid_merge_into_merged).to_string()
        }
        Invalid::AlreadyMerged => td_string!(i18n.get_locale(), invalid_already_merged).to_string(),
        Invalid::ConfirmMismatch => {
            td_string!(i18n.get_locale(), invalid_confirm_mismatch).to_string()
        }
        Invalid::WrongCode => td_string!(i18n.get_locale(), invalid_wrong_code).to_string(),
        Invalid::NotRateableYet => td_string!(i18n.get_locale(), invalid_not_rateable).to_string(),
        Invalid::RatingFixed => td_string!(i18n.get_locale(), invalid_rating_fixed).to_string(),
        Invalid::NotPushService => td_string!(i18n.get_locale(), invalid_push_service).to_string(),
        Invalid::Malformed { reason } => td_string!(
            i18n.get_locale(),
            error_validation,
            message = reason.clone()
        )
        .to_string(),
    }
}
