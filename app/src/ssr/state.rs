use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::config::Config;
use super::db::Db;
use super::hub::Hub;
use super::limits::Limits;
use super::mail::Mail;
use super::push::Push;
use super::settings::Settings;
use super::uploads::FileStore;

/// Everything a request handler or server function needs; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    pub files: FileStore,
    pub hub: Hub,
    /// Per-person caps and rates (streams, sockets, chat frames, uploads).
    pub limits: Arc<Limits>,
    /// Email: wakes the senders, signs what emails carry.
    pub mail: Mail,
    /// Web Push: the VAPID key and the HTTP client; `None` when push is off.
    pub push: Option<Push>,
    /// What admins may change while the desk runs (limits, hours, targets, assignment).
    pub settings: Settings,
    /// Member sign-in through the company's identity provider; `None` when not configured.
    pub oidc: Option<super::oidc::Oidc>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The settings the desk runs by at this moment.
    pub fn desk(&self) -> Arc<super::settings::Desk> {
        self.settings.now()
    }
}
