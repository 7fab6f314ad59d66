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
    let user = crate::ssr::auth::log_in(username, password).await?;
    let home = if user.role.is_staff() { "/agent" } else { "/" };
    let next = next.filter(|n| crate::domain::is_local_path(n));
    leptos_axum::redirect(next.as_deref().unwrap_or(home));
    Ok(user)
}

/// Signs out. `push_endpoint`: this browser's push subscription, which the page ends first, so
/// a shared phone stops showing the person's notices once they sign out there.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout(#[server(default)] push_endpoint: String) -> Result<(), AppError> {
    crate::ssr::auth::log_out(push_endpoint.trim()).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in person, or `None`.
#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    crate::ssr::auth::current_user().await
}
