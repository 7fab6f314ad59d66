use leptos::prelude::*;

use crate::domain::CurrentUser;
use crate::error::AppError;

/// Signs in and sends the browser to the member's dashboard or the agent console (also works as a
/// plain HTML form post).
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<CurrentUser, AppError> {
    let user = crate::ssr::auth::log_in(username, password).await?;
    leptos_axum::redirect(if user.role.is_staff() { "/agent" } else { "/" });
    Ok(user)
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::ssr::auth::log_out().await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in person, or `None`.
#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    crate::ssr::auth::current_user().await
}
