//! "Notifications on this device" and the list of devices with push on, on the notifications
//! page. What this browser has is read after hydration (the server cannot know it).
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::error_text::action_error_text;
use super::labels::day;
use super::push_glue::{self, GlueError};
use crate::api::{push_subscribe, push_this_device, push_unsubscribe};
use crate::domain::PushDevice;
use crate::i18n::*;
use crate::locale::use_i18n;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceState {
    Checking,
    Unsupported,
    Blocked,
    Off,
    On,
}

/// This browser's push state and, when on, which device of the list it is. Made once by the
/// page, so a refresh of the list does not lose it.
#[derive(Clone, Copy)]
pub struct ThisDevice {
    state: RwSignal<DeviceState>,
    id: RwSignal<Option<i64>>,
}

impl ThisDevice {
    pub fn new() -> ThisDevice {
        let this = ThisDevice {
            state: RwSignal::new(DeviceState::Checking),
            id: RwSignal::new(None),
        };
        // Runs once, in the browser.
        Effect::new(move |_| spawn_local(this.look()));
        this
    }

    async fn look(self) {
        let (state, id) = match push_glue::current().await {
            Err(GlueError::Unsupported) => (DeviceState::Unsupported, None),
            Err(GlueError::Blocked) => (DeviceState::Blocked, None),
            Err(GlueError::Failed(_)) | Ok(None) => (DeviceState::Off, None),
            // Subscribed here, but on only if the desk still has it (it may have been removed
            // from the list on another device, or ended by the push service).
            Ok(Some(sub)) => match push_this_device(sub.endpoint).await {
                Ok(Some(id)) => (DeviceState::On, Some(id)),
                _ => (DeviceState::Off, None),
            },
        };
        self.state.set(state);
        self.id.set(id);
    }
}

impl Default for ThisDevice {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn PushDevices(
    this: ThisDevice,
    /// The desk's VAPID public key; `None` when push is off on the server.
    push_key: Option<String>,
    devices: Vec<PushDevice>,
    /// Reloads the page's data (the list) after a change.
    refresh: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let server_on = push_key.is_some();
    let key = StoredValue::new(push_key.unwrap_or_default());

    let turn_on = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match push_glue::subscribe(&key.get_value()).await {
                Ok(sub) => {
                    let endpoint = sub.endpoint.clone();
                    let saved =
                        push_subscribe(sub.endpoint, sub.p256dh, sub.auth, push_glue::label())
                            .await;
                    match saved {
                        Ok(()) => {
                            this.id.set(push_this_device(endpoint).await.ok().flatten());
                            this.state.set(DeviceState::On);
                            refresh.run(());
                        }
                        Err(e) => error.set(Some(action_error_text(i18n, &e))),
                    }
                }
                Err(GlueError::Blocked) => this.state.set(DeviceState::Blocked),
                Err(GlueError::Unsupported) => this.state.set(DeviceState::Unsupported),
                Err(GlueError::Failed(reason)) => error.set(Some(
                    td_string!(i18n.get_locale(), push_failed, reason = reason).to_string(),
                )),
            }
            busy.set(false);
        });
    };
    let turn_off = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let id = this.id.get_untracked();
            match push_glue::unsubscribe().await {
                Ok(Some(endpoint)) => {
                    let _ = push_unsubscribe(endpoint, None).await;
                }
                Ok(None) => {}
                Err(GlueError::Failed(reason)) => error.set(Some(
                    td_string!(i18n.get_locale(), push_failed, reason = reason).to_string(),
                )),
                Err(_) => {}
            }
            // Forgotten by the desk even if the browser could not end its subscription.
            if let Some(id) = id {
                let _ = push_unsubscribe(String::new(), Some(id)).await;
            }
            this.state.set(DeviceState::Off);
            this.id.set(None);
            busy.set(false);
            refresh.run(());
        });
    };
    let remove = move |id: i64| {
        spawn_local(async move {
            if this.id.get_untracked() == Some(id) {
                let _ = push_glue::unsubscribe().await;
                this.state.set(DeviceState::Off);
                this.id.set(None);
            }
            if let Err(e) = push_unsubscribe(String::new(), Some(id)).await {
                error.set(Some(action_error_text(i18n, &e)));
            }
            refresh.run(());
        });
    };

    let status = move || {
        if !server_on {
            return td_string!(i18n.get_locale(), push_state_server_off).to_string();
        }
        match this.state.get() {
            DeviceState::Checking => td_string!(i18n.get_locale(), loading).to_string(),
            DeviceState::Unsupported => {
                td_string!(i18n.get_locale(), push_state_unsupported).to_string()
            }
            DeviceState::Blocked => td_string!(i18n.get_locale(), push_state_blocked).to_string(),
            DeviceState::Off => td_string!(i18n.get_locale(), push_state_off).to_string(),
            DeviceState::On => td_string!(i18n.get_locale(), push_state_on).to_string(),
        }
    };
    let button = move || {
        let state = this.state.get();
        let label = move || {
            if busy.get() {
                td_string!(i18n.get_locale(), push_working).to_string()
            } else if this.state.get() == DeviceState::On {
                td_string!(i18n.get_locale(), push_turn_off).to_string()
            } else {
                td_string!(i18n.get_locale(), push_turn_on).to_string()
            }
        };
        match state {
            _ if !server_on => None,
            DeviceState::On => Some(view! {
                <button type="button" class="button" disabled=move || busy.get() on:click=turn_off>
                    {label}
                </button>
            }.into_any()),
            DeviceState::Off | DeviceState::Blocked => Some(view! {
                <button type="button" class="button primary" disabled=move || busy.get() on:click=turn_on>
                    {label}
                </button>
            }.into_any()),
            DeviceState::Checking | DeviceState::Unsupported => None,
        }
    };
    let empty = devices.is_empty();
    let list = devices
        .into_iter()
        .map(|d| {
            let id = d.id;
            let name = d.label.clone();
            let since = d.created_at;
            let mine = move || {
                (this.id.get() == Some(id)).then(|| format!(" ({})", td_string!(i18n.get_locale(), push_device_this)))
            };
            view! {
                <li>
                    <span>{d.label}</span>{mine}
                    " · "{move || td_string!(i18n.get_locale(), push_device_since, date = day(i18n, since)).to_string()}
                    " "
                    <button type="button" class="button small"
                        aria-label=move || td_string!(i18n.get_locale(), push_device_remove_named, name = name.clone()).to_string()
                        on:click=move |_| remove(id)>
                        {tr!(i18n, push_device_remove)}
                    </button>
                </li>
            }
        })
        .collect_view();

    view! {
        <section class="stack" aria-labelledby="push-heading">
            <h2 id="push-heading">{tr!(i18n, push_heading)}</h2>
            <p role="status">{status}</p>
            <p class="form-error" role="alert">{move || error.get()}</p>
            {button}
            <h3>{tr!(i18n, push_devices_heading)}</h3>
            {empty.then(|| view! { <p>{tr!(i18n, push_devices_none)}</p> })}
            <ul class="devices">{list}</ul>
        </section>
    }
}
