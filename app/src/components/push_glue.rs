//! The browser's side of Web Push: permission, the service worker's push subscription, and
//! its keys. Only the hydrated page calls these; on the server they report "unsupported".

/// A subscription as the server takes it (`PushSubscription.toJSON()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserSubscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlueError {
    /// No service worker or Push API here (an old browser; Safari on iOS outside the Home Screen).
    Unsupported,
    /// The person, or the browser's settings, said no to notifications.
    Blocked,
    /// The browser or its push service failed; its own words.
    Failed(String),
}

/// The device's name for the list.
pub fn label() -> String {
    #[cfg(feature = "hydrate")]
    {
        let ua = web_sys::window()
            .and_then(|w| w.navigator().user_agent().ok())
            .unwrap_or_default();
        crate::domain::device_label(&ua)
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{BrowserSubscription, GlueError};
    use js_sys::Reflect;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{NotificationPermission, PushManager, PushSubscription};

    fn failed(e: JsValue) -> GlueError {
        let text = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "unknown error".into());
        GlueError::Failed(text)
    }

    fn supported() -> bool {
        let Some(w) = web_sys::window() else {
            return false;
        };
        let has = |name: &str| Reflect::has(&w, &JsValue::from_str(name)).unwrap_or(false);
        has("PushManager")
            && has("Notification")
            && Reflect::has(&w.navigator(), &JsValue::from_str("serviceWorker")).unwrap_or(false)
    }

    /// The service worker's push manager. `wait`: until the worker is active (to subscribe);
    /// else whatever registration there is now, so reading the state never hangs on a worker
    /// that failed to install.
    async fn manager(wait: bool) -> Result<PushManager, GlueError> {
        if !supported() {
            return Err(GlueError::Unsupported);
        }
        let container = web_sys::window()
            .ok_or(GlueError::Unsupported)?
            .navigator()
            .service_worker();
        let promise = if wait {
            container.ready()
        } else {
            Ok(container.get_registration())
        };
        let found = JsFuture::from(promise.map_err(failed)?)
            .await
            .map_err(failed)?;
        if found.is_undefined() || found.is_null() {
            return Err(GlueError::Failed("no service worker".into()));
        }
        let registration: web_sys::ServiceWorkerRegistration = found.unchecked_into();
        registration.push_manager().map_err(failed)
    }

    async fn existing(manager: &PushManager) -> Result<Option<PushSubscription>, GlueError> {
        let found = JsFuture::from(manager.get_subscription().map_err(failed)?)
            .await
            .map_err(failed)?;
        Ok((!found.is_null() && !found.is_undefined()).then(|| found.unchecked_into()))
    }

    fn keys_of(sub: &PushSubscription) -> Result<BrowserSubscription, GlueError> {
        let json: JsValue = sub.to_json().map_err(failed)?.into();
        let text = |v: &JsValue, k: &str| {
            Reflect::get(v, &JsValue::from_str(k))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        let keys = Reflect::get(&json, &JsValue::from_str("keys")).map_err(failed)?;
        Ok(BrowserSubscription {
            endpoint: sub.endpoint(),
            p256dh: text(&keys, "p256dh"),
            auth: text(&keys, "auth"),
        })
    }

    pub async fn current() -> Result<Option<BrowserSubscription>, GlueError> {
        let manager = manager(false).await?;
        if web_sys::Notification::permission() == NotificationPermission::Denied {
            return Err(GlueError::Blocked);
        }
        existing(&manager).await?.map(|s| keys_of(&s)).transpose()
    }

    pub async fn subscribe(server_key: &str) -> Result<BrowserSubscription, GlueError> {
        let manager = manager(true).await?;
        let asked = web_sys::Notification::request_permission().map_err(failed)?;
        let answer = JsFuture::from(asked).await.map_err(failed)?;
        if answer.as_string().as_deref() != Some("granted") {
            return Err(GlueError::Blocked);
        }
        if let Some(sub) = existing(&manager).await? {
            return keys_of(&sub);
        }
        let options = web_sys::PushSubscriptionOptionsInit::new();
        // Every push is shown to the person (browsers require it).
        options.set_user_visible_only(true);
        options.set_application_server_key_opt_str(Some(server_key));
        let promise = manager.subscribe_with_options(&options).map_err(failed)?;
        let sub: PushSubscription = JsFuture::from(promise)
            .await
            .map_err(failed)?
            .unchecked_into();
        keys_of(&sub)
    }

    /// Ends this browser's subscription; the endpoint it had, to tell the server.
    pub async fn unsubscribe() -> Result<Option<String>, GlueError> {
        let manager = manager(false).await?;
        let Some(sub) = existing(&manager).await? else {
            return Ok(None);
        };
        let endpoint = sub.endpoint();
        JsFuture::from(sub.unsubscribe().map_err(failed)?)
            .await
            .map_err(failed)?;
        Ok(Some(endpoint))
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{current, subscribe, unsubscribe};

#[cfg(not(feature = "hydrate"))]
pub async fn current() -> Result<Option<BrowserSubscription>, GlueError> {
    Err(GlueError::Unsupported)
}

#[cfg(not(feature = "hydrate"))]
pub async fn subscribe(_server_key: &str) -> Result<BrowserSubscription, GlueError> {
    Err(GlueError::Unsupported)
}

#[cfg(not(feature = "hydrate"))]
pub async fn unsubscribe() -> Result<Option<String>, GlueError> {
    Err(GlueError::Unsupported)
}
