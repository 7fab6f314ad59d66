//! Managing accounts from the admin console (callers guard with `Access::Admin`): staff
//! accounts made, roles and tiers changed, accounts switched off and on, passwords reset. A
//! change that affects someone's rights ends their open sockets and streams on every instance
//! at once (the hub's `Account` event); their next request is judged on the new rights.
use super::db::{now_ms, AccountChange};
use super::members::{self, RawMember};
use super::passwords;
use super::state::AppState;
use crate::domain::{CurrentUser, LiveEvent, Person, Role, MIN_PASSWORD_LEN};
use crate::error::AppError;

pub async fn find(st: &AppState, staff: bool, search: &str) -> Result<Vec<Person>, AppError> {
    Ok(st.db.people().find(staff, search, 200).await?)
}

/// A new agent or admin with a first password they change later.
pub async fn create_staff(
    st: &AppState,
    admin: &CurrentUser,
    raw: RawMember,
) -> Result<i64, AppError> {
    let role = Role::parse(&raw.role).map_err(|e| AppError::malformed("role", e))?;
    if !role.is_staff() {
        return Err(AppError::malformed(
            "role",
            "a staff account is an agent or an admin",
        ));
    }
    let parsed = tokio::task::spawn_blocking(move || members::parse_member(&raw))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|errors| AppError::malformed("account", errors.join("; ")))?;
    let username = parsed.username.as_str().to_string();
    let taken = || AppError::malformed("username", "this username is taken");
    if !st.db.users().existing(&[&username]).await?.is_empty() {
        return Err(taken());
    }
    let at = now_ms();
    let id = match st.db.users().insert_all(&[parsed], at).await {
        Ok(ids) => ids[0],
        // Another admin took the name between the check and the insert: the same answer.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Err(taken()),
        Err(e) => return Err(e.into()),
    };
    st.db
        .people()
        .record_created(id, &username, role, admin.id, at)
        .await?;
    Ok(id)
}

/// One change to someone's account. An admin cannot lock themselves out (disable themselves
/// or give up the admin role): another admin must do that.
pub async fn change(
    st: &AppState,
    admin: &CurrentUser,
    id: i64,
    change: AccountChange,
) -> Result<(), AppError> {
    let locks_out = matches!(change, AccountChange::Disabled(true))
        || matches!(change, AccountChange::Role(r) if r != Role::Admin);
    if id == admin.id && locks_out {
        return Err(AppError::malformed(
            "account",
            "you cannot lock yourself out; ask another admin",
        ));
    }
    if !st
        .db
        .people()
        .change(id, &change, admin.id, now_ms())
        .await?
    {
        return Err(AppError::NotFound);
    }
    st.hub.publish(LiveEvent::Account { user_id: id }).await;
    Ok(())
}

/// A new password chosen by the admin (hashed off the runtime).
pub async fn reset_password(
    st: &AppState,
    admin: &CurrentUser,
    id: i64,
    password: String,
) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::validation(
            "password",
            crate::domain::Invalid::TooShort {
                min: MIN_PASSWORD_LEN,
            },
        ));
    }
    let hash = passwords::hash(password)
        .await
        .map_err(|_| AppError::Internal)?;
    change(st, admin, id, AccountChange::Password(hash)).await
}
