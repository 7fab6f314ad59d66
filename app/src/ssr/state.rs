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

/// Everything a request handler or server function needs. One `Arc`, so a clone is one count:
/// axum clones the state into every middleware layer and Leptos into every render, several
/// times a request, and a field-by-field clone (a dozen counts and two strings) showed in the
/// dashboard's profile.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

/// The state's parts, reached through `AppState`'s `Deref` (`state.db`, `state.config`).
#[derive(Debug)]
pub struct Shared {
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

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }

    /// The settings the desk runs by at this moment.
    pub fn desk(&self) -> Arc<super::settings::Desk> {
        self.settings.now()
    }
}
