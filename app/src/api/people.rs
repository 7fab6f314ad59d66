//! Server functions of the console's people page (admins only): find staff or members, add a
//! staff account, change role or tier, switch an account off or on, reset a password.
use leptos::prelude::*;

use crate::domain::{CurrentUser, Person};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::ssr::{
    auth::{with_user, Access},
    db::AccountChange,
    people,
};

/// `kind`: `staff` (default) or `members`; `q`: part of a username, name, email or number.
#[server(prefix = "/api", endpoint = "admin_people")]
pub async fn admin_people(
    #[server(default)] kind: String,
    #[server(default)] q: String,
) -> Result<(CurrentUser, Vec<Person>), AppError> {
    with_user(Access::Admin, async |st, user| {
        let staff = match kind.as_str() {
            "" | "staff" => true,
            "members" => false,
            _ => return Err(AppError::malformed("kind", "staff or members")),
        };
        let q: String = q.chars().take(100).collect();
        Ok((user.clone(), people::find(st, staff, &q).await?))
    })
    .await
}

#[server(prefix = "/api", endpoint = "create_staff")]
pub async fn create_staff(
    username: String,
    display_name: String,
    email: String,
    role: String,
    password: String,
) -> Result<i64, AppError> {
    with_user(Access::Admin, async |st, user| {
        let raw = crate::ssr::members::RawMember {
            username,
            display_name,
            email,
            // Staff work the desk whatever their tier; Silver passes the default gate.
            tier: "silver".into(),
            role,
            password,
            ..Default::default()
        };
        people::create_staff(st, user, raw).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "set_person_role")]
pub async fn set_person_role(id: i64, role: String) -> Result<(), AppError> {
    with_user(Access::Admin, async |st, user| {
        let role = crate::domain::Role::parse(&role).map_err(|e| AppError::malformed("role", e))?;
        people::change(st, user, id, AccountChange::Role(role)).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "set_person_tier")]
pub async fn set_person_tier(id: i64, tier: String) -> Result<(), AppError> {
    with_user(Access::Admin, async |st, user| {
        let tier = crate::domain::Tier::parse(&tier).map_err(|e| AppError::malformed("tier", e))?;
        people::change(st, user, id, AccountChange::Tier(tier)).await
    })
    .await
}

/// `disabled`: `true` switches the account off (its sessions end at once), `false` on again.
#[server(prefix = "/api", endpoint = "set_person_disabled")]
pub async fn set_person_disabled(id: i64, disabled: String) -> Result<(), AppError> {
    with_user(Access::Admin, async |st, user| {
        let off = match disabled.as_str() {
            "true" => true,
            "false" => false,
            _ => return Err(AppError::malformed("disabled", "true or false")),
        };
        people::change(st, user, id, AccountChange::Disabled(off)).await
    })
    .await
}

/// Removes a staff member's two-step sign-in (a lost phone and lost recovery codes).
#[server(prefix = "/api", endpoint = "reset_two_step")]
pub async fn reset_two_step(id: i64) -> Result<(), AppError> {
    with_user(Access::Admin, async |st, user| {
        crate::ssr::two_factor::reset(st, user, id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(id: i64, password: String) -> Result<(), AppError> {
    with_user(Access::Admin, async |st, user| {
        people::reset_password(st, user, id, password).await
    })
    .await
}

/// Erases a member for good (GDPR): `confirm` must be their username, typed by the admin.
#[server(prefix = "/api", endpoint = "erase_member")]
pub async fn erase_member(id: i64, confirm: String) -> Result<(), AppError> {
    with_user(Access::Admin, async |st, user| {
        let username = st
            .db
            .gdpr()
            .member_username(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if confirm.trim() != username {
            return Err(AppError::validation(
                "confirm",
                crate::domain::Invalid::ConfirmMismatch,
            ));
        }
        crate::ssr::gdpr::erase(st, user, id).await
    })
    .await
}
