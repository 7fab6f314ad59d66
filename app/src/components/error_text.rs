//! Errors worded for the person reading the page, in their language. The server's English
//! texts are for logs and the API; pages read the error's variant and word it here.
use leptos_i18n::I18nContext;

use crate::domain::Invalid;
use crate::error::AppError;
use crate::i18n::*;

/// The message a person sees for an error from an action or a page.
pub fn action_error_text(i18n: I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::Validation { problem, .. } => invalid_text(i18n, problem),
        AppError::NotFound => t_string!(i18n, error_not_found).to_string(),
        AppError::IllegalTransition { .. } => t_string!(i18n, error_conflict).to_string(),
        AppError::ChatEnded => t_string!(i18n, chat_ended).to_string(),
        // Only agents meet these (the console may stay in English).
        AppError::Conflict { message } => message.clone(),
        AppError::TakenBy { by } => t_string!(i18n, error_taken_by, name = by.clone()).to_string(),
        AppError::RateLimited { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60);
            t_string!(i18n, login_throttled, minutes = minutes).to_string()
        }
        AppError::Unavailable => t_string!(i18n, error_unavailable).to_string(),
        AppError::TimedOut => t_string!(i18n, error_timed_out).to_string(),
        AppError::StorageFull => t_string!(i18n, error_storage_full).to_string(),
        _ => t_string!(i18n, error_generic).to_string(),
    }
}

/// Why a field was refused, shown next to that field (so the field is not named again).
pub fn invalid_text(i18n: I18nContext<Locale>, problem: &Invalid) -> String {
    match problem {
        Invalid::Empty => t_string!(i18n, invalid_empty).to_string(),
        Invalid::TooShort { min } => t_string!(i18n, invalid_too_short, min = *min).to_string(),
        Invalid::TooLong { max } => t_string!(i18n, invalid_too_long, max = *max).to_string(),
        Invalid::NotEmail => t_string!(i18n, invalid_email).to_string(),
        Invalid::BadCharacters => t_string!(i18n, invalid_characters).to_string(),
        Invalid::NotMemberNumber => t_string!(i18n, invalid_member_number).to_string(),
        Invalid::UnknownLanguage => t_string!(i18n, invalid_language).to_string(),
        Invalid::NotText => t_string!(i18n, invalid_not_text).to_string(),
        Invalid::FileEmpty { name } => t_string!(i18n, file_empty, name = name.clone()).to_string(),
        Invalid::FileTooLarge { name, max_mb } => {
            t_string!(i18n, file_too_large, name = name.clone(), mb = *max_mb).to_string()
        }
        Invalid::FileType { name } => {
            t_string!(i18n, file_wrong_type, name = name.clone()).to_string()
        }
        Invalid::BadJpeg { name } => {
            t_string!(i18n, file_bad_jpeg, name = name.clone()).to_string()
        }
        Invalid::TooManyFiles { max } => t_string!(i18n, files_too_many, max = *max).to_string(),
        Invalid::QuotaExceeded => t_string!(i18n, files_over_quota).to_string(),
        Invalid::TooLateToReopen => t_string!(i18n, invalid_reopen_too_late).to_string(),
        Invalid::MergeSelf => t_string!(i18n, invalid_merge_self).to_string(),
        Invalid::MergeOtherMember => t_string!(i18n, invalid_merge_other_member).to_string(),
        Invalid::MergeIntoClosed => t_string!(i18n, invalid_merge_into_closed).to_string(),
        Invalid::MergeIntoMerged => t_string!(i18n, invalid_merge_into_merged).to_string(),
        Invalid::AlreadyMerged => t_string!(i18n, invalid_already_merged).to_string(),
        Invalid::ConfirmMismatch => t_string!(i18n, invalid_confirm_mismatch).to_string(),
        Invalid::WrongCode => t_string!(i18n, invalid_wrong_code).to_string(),
        Invalid::NotRateableYet => t_string!(i18n, invalid_not_rateable).to_string(),
        Invalid::RatingFixed => t_string!(i18n, invalid_rating_fixed).to_string(),
        Invalid::NotPushService => t_string!(i18n, invalid_push_service).to_string(),
        Invalid::Malformed { reason } => {
            t_string!(i18n, error_validation, message = reason.clone()).to_string()
        }
    }
}
