//! Two-step sign-in for agents and admins: a TOTP code from an authenticator app (RFC 6238:
//! SHA-1, 6 digits, 30 s, one step of clock drift either way), or one of ten single-use
//! recovery codes. A code's time step is recorded when taken, so the same code (or an older
//! one) never signs in twice, on any instance. Wrong codes are throttled like passwords.
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

use super::db::{now_ms, Audit, ThrottleVerdict};
use super::state::AppState;
use crate::domain::{CurrentUser, Invalid, TwoStepSetup};
use crate::error::AppError;

const ISSUER: &str = "Member Tech Support";
const STEP_SECS: u64 = 30;
const RECOVERY_CODES: usize = 10;

fn totp(secret: &str, account: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret.to_string())
        .to_bytes()
        .map_err(|_| AppError::Internal)?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS,
        bytes,
        Some(ISSUER.to_string()),
        account.to_string(),
    )
    .map_err(|_| AppError::Internal)
}

/// The time step whose code `code` is, within one step of `now_secs`; `None` if none is.
pub fn matching_step(totp: &TOTP, code: &str, now_secs: u64) -> Option<u64> {
    let current = now_secs / STEP_SECS;
    (current.saturating_sub(1)..=current + 1).find(|step| totp.generate(step * STEP_SECS) == code)
}

fn now_secs() -> u64 {
    (now_ms() / 1000) as u64
}

/// What a person typed, without spaces and dashes, in capitals (recovery codes are read off
/// paper; authenticator apps show "123 456").
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn hash(code: &str) -> String {
    super::storage::hex(&Sha256::digest(code.as_bytes()))
}

/// Ten random recovery codes, `XXXXX-XXXXX` from an alphabet without look-alikes (50 bits).
fn recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut code: String = (0..10)
                .map(|_| ALPHABET[rand::random::<usize>() % ALPHABET.len()] as char)
                .collect();
            code.insert(5, '-');
            code
        })
        .collect()
}

fn staff_only(user: &CurrentUser) -> Result<(), AppError> {
    if user.role.is_staff() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether the person has two-step sign-in on, and how many recovery codes they have left.
pub async fn status(st: &AppState, user: &CurrentUser) -> Result<(bool, i64), AppError> {
    staff_only(user)?;
    let repo = st.db.two_factor();
    let on = repo.get(user.id).await?.is_some_and(|t| t.enabled);
    let left = if on {
        repo.codes_left(user.id).await?
    } else {
        0
    };
    Ok((on, left))
}

/// A new secret for the person's authenticator app, shown as a QR code and as text. It is not
/// in force until `confirm` gets a code made from it.
pub async fn begin(st: &AppState, user: &CurrentUser) -> Result<TwoStepSetup, AppError> {
    staff_only(user)?;
    let secret = Secret::Raw(rand::random::<[u8; 20]>().to_vec()).to_encoded();
    let Secret::Encoded(secret) = secret else {
        return Err(AppError::Internal);
    };
    if !st.db.two_factor().begin(user.id, &secret).await? {
        return Err(AppError::Conflict {
            message: "two-step sign-in is already on".into(),
        });
    }
    let uri = totp(&secret, &user.username)?.get_url();
    let qr = qrcode::QrCode::new(uri.as_bytes()).map_err(|_| AppError::Internal)?;
    let svg = qr
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    // Goes inside the page's HTML: the XML declaration in front of <svg> has no place there.
    let svg = svg[svg.find("<svg").unwrap_or(0)..].to_string();
    Ok(TwoStepSetup { secret, uri, svg })
}

/// Turns two-step sign-in on once the app shows a right code; returns the recovery codes,
/// shown this once.
pub async fn confirm(
    st: &AppState,
    user: &CurrentUser,
    code: &str,
) -> Result<Vec<String>, AppError> {
    staff_only(user)?;
    let repo = st.db.two_factor();
    let Some(setup) = repo.get(user.id).await?.filter(|t| !t.enabled) else {
        return Err(AppError::Conflict {
            message: "start the set-up first".into(),
        });
    };
    let totp = totp(&setup.secret, &user.username)?;
    let step = matching_step(&totp, &normalise(code), now_secs())
        .ok_or_else(|| AppError::validation("code", Invalid::WrongCode))?;
    if !repo.take_step(user.id, step as i64).await? {
        return Err(AppError::validation("code", Invalid::WrongCode));
    }
    let codes = recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| hash(&normalise(c))).collect();
    let now = now_ms();
    repo.enable(user.id, &hashes, now).await?;
    audit(st, user.id, "two_step.on", user.id, now).await?;
    Ok(codes)
}

/// Turns it off; a current code (or a recovery code) proves it is the person.
pub async fn turn_off(st: &AppState, user: &CurrentUser, code: &str) -> Result<(), AppError> {
    staff_only(user)?;
    if !check_code(st, user.id, &user.username, code).await? {
        return Err(AppError::validation("code", Invalid::WrongCode));
    }
    st.db.two_factor().remove(user.id).await?;
    audit(st, user.id, "two_step.off", user.id, now_ms()).await
}

/// An admin removes someone's set-up (lost phone, lost codes); audited. Their next sign-in
/// needs the password only, or the set-up again where the desk requires it.
pub async fn reset(st: &AppState, admin: &CurrentUser, user_id: i64) -> Result<(), AppError> {
    if st.db.users().by_id(user_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    st.db.two_factor().remove(user_id).await?;
    audit(st, admin.id, "two_step.reset", user_id, now_ms()).await
}

/// Whether the person must give a code after their password.
pub async fn required(st: &AppState, user_id: i64) -> Result<bool, AppError> {
    Ok(st
        .db
        .two_factor()
        .get(user_id)
        .await?
        .is_some_and(|t| t.enabled))
}

/// The code step of signing in, throttled per account and client like passwords: counted
/// before it is checked, forgotten when right.
pub async fn check_sign_in_code(
    st: &AppState,
    user_id: i64,
    username: &str,
    client: &str,
    code: &str,
) -> Result<(), AppError> {
    let cfg = &st.config;
    let key = format!("t:{user_id}|{client}");
    let now = now_ms();
    let throttle = st.db.throttle();
    let rows = throttle.record(&[key.as_str()], now).await?;
    let verdict = throttle
        .verdict(
            &[(key.as_str(), cfg.login_max_failures_per_account)],
            cfg.login_window.as_millis() as i64,
            now,
        )
        .await?;
    if let ThrottleVerdict::Blocked { retry_after_secs } = verdict {
        throttle.forget(&rows).await?;
        return Err(AppError::RateLimited { retry_after_secs });
    }
    if !check_code(st, user_id, username, code).await? {
        // The row written above stays: it is this failure.
        return Err(AppError::validation("code", Invalid::WrongCode));
    }
    throttle.forget(&rows).await?;
    throttle.clear(&key).await?;
    Ok(())
}

/// A TOTP code not used before, or an unused recovery code (used up by this).
async fn check_code(
    st: &AppState,
    user_id: i64,
    username: &str,
    code: &str,
) -> Result<bool, AppError> {
    let repo = st.db.two_factor();
    let Some(setup) = repo.get(user_id).await?.filter(|t| t.enabled) else {
        return Ok(false);
    };
    let code = normalise(code);
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        let totp = totp(&setup.secret, username)?;
        return Ok(match matching_step(&totp, &code, now_secs()) {
            Some(step) => repo.take_step(user_id, step as i64).await?,
            None => false,
        });
    }
    if code.len() != 10 {
        return Ok(false);
    }
    Ok(repo
        .use_recovery_code(user_id, &hash(&code), now_ms())
        .await?)
}

async fn audit(
    st: &AppState,
    actor: i64,
    action: &'static str,
    target: i64,
    now: i64,
) -> Result<(), AppError> {
    let entry = Audit {
        actor_id: Some(actor),
        action,
        target: Some(("user", target)),
        detail: serde_json::json!({}),
    };
    st.db.audit().add(&entry, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_taken_within_one_step_of_the_clock_and_no_further() {
        let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        let t = totp(secret, "ana").unwrap();
        let now = 1_800_000_015;
        let step = now / STEP_SECS;
        for (offset, found) in [(0, true), (1, true), (-1, true), (2, false), (-2, false)] {
            let s = (step as i64 + offset) as u64;
            let code = t.generate(s * STEP_SECS);
            let got = matching_step(&t, &code, now);
            assert_eq!(got.is_some(), found, "offset {offset}");
            if found {
                assert_eq!(got, Some(s));
            }
        }
        assert_eq!(matching_step(&t, "abcdef", now), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_read_the_same_however_typed() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let c = &codes[0];
        assert_eq!(c.len(), 11);
        assert_eq!(normalise(&c.to_lowercase().replace('-', " ")), normalise(c));
    }
}
