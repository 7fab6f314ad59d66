use leptos::prelude::*;

use crate::domain::CurrentUser;
use crate::error::AppError;

/// Signs in and sends the browser to the page it came for (`next`, a link from an email), or to
/// the member's dashboard or the agent console (also works as a plain HTML form post).
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<CurrentUser, AppError> {
    use crate::ssr::auth::SignIn;
    let next = next.filter(|n| crate::domain::is_local_path(n));
    match crate::ssr::auth::log_in(username, password).await? {
        SignIn::Done(user) => {
            let home = if user.role.is_staff() { "/agent" } else { "/" };
            leptos_axum::redirect(next.as_deref().unwrap_or(home));
            Ok(user)
        }
        SignIn::SetUpNeeded(user) => {
            leptos_axum::redirect("/account/two-step");
            Ok(user)
        }
        SignIn::CodeNeeded(user) => {
            let to = match &next {
                Some(n) => format!(
                    "/login/code?next={}",
                    percent_encoding::utf8_percent_encode(n, percent_encoding::NON_ALPHANUMERIC)
                ),
                None => "/login/code".to_string(),
            };
            leptos_axum::redirect(&to);
            Ok(user)
        }
    }
}

/// The second step of signing in when two-step sign-in is on: the code from the person's
/// authenticator app, or a recovery code. Then on to where they were going.
#[server(prefix = "/api", endpoint = "login_code")]
pub async fn login_code(
    code: String,
    #[server(default)] next: Option<String>,
) -> Result<CurrentUser, AppError> {
    let user = crate::ssr::auth::log_in_with_code(code).await?;
    let home = if user.role.is_staff() { "/agent" } else { "/" };
    let next = next.filter(|n| crate::domain::is_local_path(n));
    leptos_axum::redirect(next.as_deref().unwrap_or(home));
    Ok(user)
}

/// Whether two-step sign-in is on for the signed-in agent or admin.
#[server(prefix = "/api", endpoint = "two_step_status")]
pub async fn two_step_status() -> Result<crate::domain::TwoStepStatus, AppError> {
    let (st, user, setting_up) = crate::ssr::auth::staff_or_setting_up().await?;
    let (on, left) = crate::ssr::two_factor::status(&st, &user).await?;
    Ok(crate::domain::TwoStepStatus {
        on,
        recovery_codes_left: left,
        setting_up,
    })
}

/// Starts setting up two-step sign-in: a new secret for the authenticator app.
#[server(prefix = "/api", endpoint = "begin_two_step")]
pub async fn begin_two_step() -> Result<crate::domain::TwoStepSetup, AppError> {
    let (st, user, _) = crate::ssr::auth::staff_or_setting_up().await?;
    crate::ssr::two_factor::begin(&st, &user)
        .await
        .map_err(crate::ssr::auth::fail)
}

/// Turns two-step sign-in on with the first code from the app; answers the recovery codes.
#[server(prefix = "/api", endpoint = "confirm_two_step")]
pub async fn confirm_two_step(code: String) -> Result<Vec<String>, AppError> {
    let (st, user, setting_up) = crate::ssr::auth::staff_or_setting_up().await?;
    let codes = crate::ssr::two_factor::confirm(&st, &user, &code)
        .await
        .map_err(crate::ssr::auth::fail)?;
    if setting_up {
        crate::ssr::auth::finish_set_up(&user).await?;
    }
    Ok(codes)
}

/// Turns two-step sign-in off, proven with a current code or a recovery code.
#[server(prefix = "/api", endpoint = "turn_off_two_step")]
pub async fn turn_off_two_step(code: String) -> Result<(), AppError> {
    use crate::ssr::auth::{with_user, Access};
    with_user(Access::Staff, async |st, user| {
        crate::ssr::two_factor::turn_off(st, user, &code).await
    })
    .await
}

/// Signs out, and ends what this browser kept of the person: its push (a shared phone stops
/// showing their notices), drafts and offline copies (`ssr::auth::log_out`). A plain form post.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::ssr::auth::log_out().await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Whether members may sign in with their member account (the company's identity provider).
#[server(prefix = "/api", endpoint = "member_sign_in")]
pub async fn member_sign_in() -> Result<bool, AppError> {
    Ok(crate::ssr::auth::state().oidc.is_some())
}

/// The signed-in person, or `None`.
#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    crate::ssr::auth::current_user().await
}
