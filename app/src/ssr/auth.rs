//! Who is asking, and may they? Every server function, axum handler and socket resolves the
//! person once through [`guard`] with the [`Access`] it needs, so the tier gate and the staff
//! rule are enforced on the server whatever the UI shows. Services then get the person as a
//! plain argument.
use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use tower_sessions::Session;

use tower_sessions::session::Id;
use tower_sessions::SessionStore;

use super::db::{now_ms, DbSessionStore, ThrottleVerdict};
use super::passwords;
use super::state::AppState;
use crate::domain::{CurrentUser, LiveEvent, Username};
use crate::error::AppError;

const USER_KEY: &str = "user_id";
/// When the session was last seen in use; re-saving it then moves its idle expiry on.
const SEEN_KEY: &str = "seen_ms";
/// Who gave the right password and still owes a code (two-step sign-in), and since when.
/// Such a session is not signed in: `USER_KEY` is only set once the code is right.
const PENDING_KEY: &str = "pending_two_step";
/// How long the code step may take after the password.
const PENDING_MS: i64 = 5 * 60 * 1000;
/// Set beside `PENDING_KEY` when the person has no two-step sign-in yet but the desk requires
/// it: the session may only set it up, and is signed in once it is on.
const SETUP_KEY: &str = "pending_set_up";
/// How long setting it up may take (scanning, finding the app).
const SETUP_MS: i64 = 15 * 60 * 1000;

/// The session cookie's name: `__Host-` makes browsers keep it only when it is `Secure`, for
/// this host alone and the whole path, so no sibling domain or plain-HTTP page can plant one.
pub const SESSION_COOKIE: &str = "__Host-desk_session";
/// Its name when `APP_COOKIE_SECURE=0` (plain HTTP on a non-local address, for development).
pub const INSECURE_SESSION_COOKIE: &str = "desk_session";

pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SESSION_COOKIE
    } else {
        INSECURE_SESSION_COOKIE
    }
}

pub fn state() -> AppState {
    expect_context::<AppState>()
}

/// Is this server-function call a browser posting a form without JavaScript? Leptos answers
/// such a post with a redirect (back to the page, or where the function says).
pub fn is_plain_form_post() -> bool {
    use_context::<axum::http::request::Parts>().is_some_and(|p| {
        p.method == axum::http::Method::POST
            && p.headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    })
}

/// Sets the HTTP status that matches the error while a page renders (a Manager's dashboard is a
/// polite 403 page). A plain HTML form post is left alone: Leptos answers it with a redirect back.
pub fn fail(err: AppError) -> AppError {
    if is_plain_form_post() {
        return err;
    }
    if let Some(res) = use_context::<ResponseOptions>() {
        if let Ok(code) = axum::http::StatusCode::from_u16(err.status_code()) {
            res.set_status(code);
        }
    }
    err
}

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(AppError::internal)
}

pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    user_from_session(&state(), &session().await?).await
}

/// Who may call what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Members at or above the tier gate (filing tickets, starting chats). Not staff.
    Member,
    /// Agents and admins (queues, consoles, agent actions).
    Staff,
    /// Anyone who may use Technical Issues: staff, or members at or above the gate.
    DeskUser,
    /// Admins only (the console: settings, macros, people, reports, audit).
    Admin,
}

/// The rule itself: nobody signed in is `Unauthorized`; a member below the gate is told so
/// (`TierTooLow`, a polite page) before anything else; then the role must fit.
pub fn check(
    user: Option<CurrentUser>,
    access: Access,
    min_tier: crate::domain::Tier,
) -> Result<CurrentUser, AppError> {
    let user = user.ok_or(AppError::Unauthorized)?;
    if !user.may_use_desk(min_tier) {
        return Err(AppError::TierTooLow {
            required: min_tier,
            yours: user.tier,
        });
    }
    let staff = user.role.is_staff();
    match access {
        Access::DeskUser => Ok(user),
        Access::Staff if staff => Ok(user),
        Access::Member if !staff => Ok(user),
        Access::Admin if user.role == crate::domain::Role::Admin => Ok(user),
        _ => Err(AppError::Forbidden),
    }
}

/// The one guard: the session's person, if they have `access`.
pub async fn guard(
    state: &AppState,
    session: &Session,
    access: Access,
) -> Result<CurrentUser, AppError> {
    let user = user_from_session(state, session).await?;
    check(user, access, state.desk().settings.general.min_tier)
}

/// A server function's body: resolves the person once, runs the service with the state and the
/// person, and gives a refusal its HTTP status here (the one place that does).
pub async fn with_user<T>(
    access: Access,
    service: impl AsyncFnOnce(&AppState, &CurrentUser) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let st = state();
    let user = guard(&st, &session().await?, access).await.map_err(fail)?;
    service(&st, &user).await.map_err(fail)
}

/// An agent or admin signed in, or one whose password was right and who must set up two-step
/// sign-in before being signed in (`true`). Only the set-up server functions accept the latter.
pub async fn staff_or_setting_up() -> Result<(AppState, CurrentUser, bool), AppError> {
    let st = state();
    let session = session().await?;
    if let Some(user) = user_from_session(&st, &session).await? {
        let user = check(
            Some(user),
            Access::Staff,
            st.desk().settings.general.min_tier,
        )
        .map_err(fail)?;
        return Ok((st, user, false));
    }
    let pending = session.get::<(i64, i64)>(PENDING_KEY).await?;
    let setting_up = session.get::<bool>(SETUP_KEY).await?.is_some();
    let Some((user_id, at)) = pending.filter(|_| setting_up) else {
        return Err(fail(AppError::Unauthorized));
    };
    match st.db.users().by_id(user_id).await? {
        Some(user) if now_ms() - at <= SETUP_MS && user.role.is_staff() => Ok((st, user, true)),
        _ => Err(fail(AppError::Unauthorized)),
    }
}

/// Signs in the session that just set up two-step sign-in (with a new id).
pub async fn finish_set_up(user: &CurrentUser) -> Result<(), AppError> {
    sign_in_session(&session().await?, user.id).await?;
    tracing::info!(user = %user.username, "signed in after setting up two-step sign-in");
    Ok(())
}

/// Signs the session in as this account, under a new id (a session id planted before the
/// sign-in is worthless after it).
pub async fn sign_in_session(session: &Session, user_id: i64) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.remove::<(i64, i64)>(PENDING_KEY).await?;
    session.remove::<bool>(SETUP_KEY).await?;
    session.insert(USER_KEY, user_id).await?;
    session.insert(SEEN_KEY, now_ms()).await?;
    Ok(())
}

/// The session's user, if any (no access rule applied).
pub async fn user_from_session(
    state: &AppState,
    session: &Session,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(id) = session.get::<i64>(USER_KEY).await? else {
        return Ok(None);
    };
    let user = state.db.users().by_id(id).await?;
    if user.is_some() {
        keep_alive(state, session).await?;
    }
    Ok(user)
}

/// Sessions end after `APP_SESSION_HOURS` without use. The store only learns of use when the
/// session is saved, so a session in use is re-saved (moving its expiry and the cookie's on)
/// whenever a good share of its lifetime has passed since the last time: often enough that an
/// active person is never signed out, rarely enough that reading a page writes nothing.
async fn keep_alive(state: &AppState, session: &Session) -> Result<(), AppError> {
    let now = now_ms();
    let step = (state.config.session_ttl.as_millis() as i64 / 4).min(3_600_000);
    let seen = session.get::<i64>(SEEN_KEY).await?.unwrap_or(0);
    if now - seen >= step {
        session.insert(SEEN_KEY, now).await?;
    }
    Ok(())
}

async fn client_addr() -> String {
    let cfg = state().config.clone();
    let peer = match leptos_axum::extract::<ConnectInfo<SocketAddr>>().await {
        Ok(ConnectInfo(addr)) => addr.ip(),
        Err(_) => return "unknown".into(),
    };
    let headers = leptos_axum::extract::<HeaderMap>()
        .await
        .unwrap_or_default();
    let ip = super::client_addr::client_ip(peer, &headers, cfg.trust_proxy, &cfg.trusted_proxies);
    super::client_addr::throttle_key(ip)
}

/// Failures on one account from all clients together past this many times the per-client
/// limit slow every further attempt on it (never refuse it: see the README, "Sign-in").
const SLOW_AFTER_FACTOR: i64 = 5;
/// The longest an attempt on an account under attack is held back.
const MAX_SLOWDOWN_SECS: i64 = 10;

/// The queue attempts on one account wait in while it is under attack (this instance's).
fn account_turn(account: &str) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static TURNS: OnceLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let mut turns = TURNS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    // Forget accounts nobody is waiting on, so the map stays as small as the attack.
    turns.retain(|_, t| Arc::strong_count(t) > 1);
    turns.entry(account.to_string()).or_default().clone()
}

/// What a right password leads to.
pub enum SignIn {
    Done(CurrentUser),
    /// Two-step sign-in is on: a code is needed before the session is signed in.
    CodeNeeded(CurrentUser),
    /// The desk requires two-step sign-in of staff and this person has none yet: they set it
    /// up first, and are signed in when it is on.
    SetUpNeeded(CurrentUser),
}

/// Counts the attempt first, then checks the throttle and the password; a new session id is
/// issued on success so a session id planted before login is worthless after it.
///
/// Refusals are per account *and* client (a stranger cannot lock an agent out from elsewhere)
/// and per client (one machine guessing many accounts). An account attacked from many clients
/// is slowed down, not locked.
pub async fn log_in(username: String, password: String) -> Result<SignIn, AppError> {
    let st = state();
    let cfg = &st.config;
    // Anything that cannot be a username gets the same answer as a wrong password.
    let name = Username::parse(&username).ok();
    let account = name.as_ref().map(|n| n.as_str()).unwrap_or("?");
    let client = client_addr().await;
    let pair_key = format!("p:{account}|{client}");
    let client_key = format!("c:{client}");
    let account_key = format!("a:{account}");
    let now = now_ms();
    let window_ms = cfg.login_window.as_millis() as i64;
    let throttle = st.db.throttle();
    let rows = throttle
        .record(&[&pair_key, &client_key, &account_key], now)
        .await?;
    let verdict = throttle
        .verdict(
            &[
                (&pair_key, cfg.login_max_failures_per_account),
                (&client_key, cfg.login_max_failures_per_client),
            ],
            window_ms,
            now,
        )
        .await?;
    if let ThrottleVerdict::Blocked { retry_after_secs } = verdict {
        // Refused unchecked: not a guess, so it does not count against the account.
        throttle.forget(&rows).await?;
        return Err(fail(AppError::RateLimited { retry_after_secs }));
    }
    let on_account = throttle.count(&account_key, now - window_ms).await?;
    let slow_after = SLOW_AFTER_FACTOR * cfg.login_max_failures_per_account;
    // Under attack, attempts on the account take turns and each waits: parallel requests would
    // otherwise sleep side by side and guess as fast as ever.
    let _turn = if on_account > slow_after {
        let turn = account_turn(account).lock_owned().await;
        let secs = (on_account - slow_after).min(MAX_SLOWDOWN_SECS) as u64;
        tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
        Some(turn)
    } else {
        None
    };

    let record = match &name {
        Some(n) => st.db.users().by_username(n).await?,
        None => None,
    };
    // An account without a usable hash (one that signs in through the identity provider) costs
    // the same work as an unknown name.
    let hash = record
        .as_ref()
        .map(|r| r.password_hash.clone())
        .filter(|h| passwords::is_valid_hash(h));
    let ok = passwords::verify(password, hash).await;
    let Some(record) = record.filter(|_| ok) else {
        // The rows written above stay: they are this failure.
        return Err(fail(AppError::InvalidCredentials));
    };

    throttle.forget(&rows).await?;
    throttle.clear(&pair_key).await?;
    let session = session().await?;
    session.cycle_id().await?;
    let has_two_step = super::two_factor::required(&st, record.user.id).await?;
    let must_set_up =
        !has_two_step && record.user.role.is_staff() && st.desk().settings.general.staff_two_step;
    if has_two_step || must_set_up {
        session.remove::<i64>(USER_KEY).await?;
        session.insert(PENDING_KEY, (record.user.id, now)).await?;
        if must_set_up {
            session.insert(SETUP_KEY, true).await?;
            tracing::info!(user = %record.user.username, "password right, two-step set-up needed");
            return Ok(SignIn::SetUpNeeded(record.user));
        }
        tracing::info!(user = %record.user.username, "password right, code needed");
        return Ok(SignIn::CodeNeeded(record.user));
    }
    session.insert(USER_KEY, record.user.id).await?;
    session.insert(SEEN_KEY, now).await?;
    tracing::info!(user = %record.user.username, "signed in");
    Ok(SignIn::Done(record.user))
}

/// The code step of two-step sign-in, for the session whose password was right in the last
/// five minutes. Signs the session in (with a new id) when the code is right.
pub async fn log_in_with_code(code: String) -> Result<CurrentUser, AppError> {
    let st = state();
    let session = session().await?;
    let Some((user_id, at)) = session.get::<(i64, i64)>(PENDING_KEY).await? else {
        return Err(fail(AppError::Unauthorized));
    };
    if session.get::<bool>(SETUP_KEY).await?.is_some() {
        // Nothing to give a code for yet: the set-up comes first.
        return Err(fail(AppError::Unauthorized));
    }
    let now = now_ms();
    let Some(user) = st
        .db
        .users()
        .by_id(user_id)
        .await?
        .filter(|_| now - at <= PENDING_MS)
    else {
        session.remove::<(i64, i64)>(PENDING_KEY).await?;
        return Err(fail(AppError::Unauthorized));
    };
    let client = client_addr().await;
    super::two_factor::check_sign_in_code(&st, user.id, &user.username, &client, &code)
        .await
        .map_err(fail)?;
    sign_in_session(&session, user.id).await?;
    tracing::info!(user = %user.username, "signed in with a code");
    Ok(user)
}

/// Ends the session, this browser's push device (known by its cookie, `push_device`), and with
/// `Clear-Site-Data: "storage"` what the browser keeps for the site: drafts (local storage), the
/// offline copies and the service worker, whose push subscription goes with it.
pub async fn log_out() -> Result<(), AppError> {
    let session = session().await?;
    let user = session.get::<i64>(USER_KEY).await?;
    session.flush().await?;
    let st = state();
    super::push_device::forget(st.config.cookie_secure);
    if let Some(res) = use_context::<ResponseOptions>() {
        res.insert_header(
            axum::http::HeaderName::from_static("clear-site-data"),
            axum::http::HeaderValue::from_static("\"storage\""),
        );
    }
    if let Some(user_id) = user {
        // Only one of this person's own devices: a cookie naming anyone else's changes nothing.
        if let Some(device) = super::push_device::of_request() {
            st.db.push().remove(user_id, device).await?;
        }
        // Its sockets and event streams (on every instance) check their session and end.
        st.hub.publish(LiveEvent::Account { user_id }).await;
    }
    Ok(())
}

/// Whether the session a socket or stream was opened with still stands for the same person
/// with the same rights: not logged out or expired, the account not disabled, the role and
/// the tier gate unchanged.
pub async fn still_signed_in(state: &AppState, session_id: Option<Id>, user: &CurrentUser) -> bool {
    let Some(id) = session_id else {
        return false;
    };
    let store = DbSessionStore::new(state.db.pool.clone());
    let record = match store.load(&id).await {
        Ok(Some(record)) => record,
        Ok(None) => return false,
        // The database is briefly away (a failover): keep the connection, ask again next time.
        Err(_) => return true,
    };
    let owner = record.data.get(USER_KEY).and_then(|v| v.as_i64());
    if owner != Some(user.id) {
        return false;
    }
    match state.db.users().by_id(user.id).await {
        Ok(Some(now)) => {
            let min_tier = state.desk().settings.general.min_tier;
            now.role == user.role && now.may_use_desk(min_tier) == user.may_use_desk(min_tier)
        }
        Ok(None) => false,
        // The database is briefly away: keep the connection, ask again next time.
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, Tier};

    fn person(tier: Tier, role: Role) -> Option<CurrentUser> {
        Some(CurrentUser {
            id: 1,
            username: "p".into(),
            display_name: "P".into(),
            email: "p@example.com".into(),
            member_number: None,
            tier,
            role,
        })
    }

    #[test]
    fn access_rules_in_order_signed_in_gate_role() {
        let gate = Tier::Silver;
        assert_eq!(
            check(None, Access::DeskUser, gate),
            Err(AppError::Unauthorized)
        );
        let manager = person(Tier::Manager, Role::Member);
        for access in [Access::Member, Access::Staff, Access::DeskUser] {
            assert!(matches!(
                check(manager.clone(), access, gate),
                Err(AppError::TierTooLow { .. })
            ));
        }
        let gold = person(Tier::Gold, Role::Member);
        assert!(check(gold.clone(), Access::Member, gate).is_ok());
        assert!(check(gold.clone(), Access::DeskUser, gate).is_ok());
        assert_eq!(check(gold, Access::Staff, gate), Err(AppError::Forbidden));
        let agent = person(Tier::WellnessAdvocate, Role::Agent);
        assert!(check(agent.clone(), Access::Staff, gate).is_ok());
        assert!(check(agent.clone(), Access::DeskUser, gate).is_ok());
        assert_eq!(check(agent, Access::Member, gate), Err(AppError::Forbidden));
    }
}
