//! Live updates in the page: one `EventSource` on `/events` per page that wants them. The server
//! only says *that* something changed; the page then refetches through its server function.
use leptos::prelude::*;

use crate::domain::LiveEvent;

/// A counter that goes up whenever an event this page cares about arrives, and after a lost
/// connection comes back (something may have been missed). Use it as a resource source.
pub fn use_live_version(wanted: impl Fn(&LiveEvent) -> bool + 'static) -> ReadSignal<u64> {
    let (version, set_version) = signal(0u64);
    #[cfg(feature = "hydrate")]
    {
        use send_wrapper::SendWrapper;
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        let Ok(source) = web_sys::EventSource::new("/events") else {
            return version;
        };
        let bump = move || set_version.update(|v| *v += 1);
        let on_live =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                let data = ev.data().as_string().unwrap_or_default();
                if serde_json::from_str::<LiveEvent>(&data).is_ok_and(|e| wanted(&e)) {
                    bump();
                }
            });
        // The first "ready" only says we are connected; later ones follow a reconnect.
        let connected_once = std::cell::Cell::new(false);
        let on_ready = Closure::<dyn Fn()>::new(move || {
            if connected_once.replace(true) {
                bump();
            }
        });
        let on_resync = Closure::<dyn Fn()>::new(bump);
        let _ = source.add_event_listener_with_callback("live", on_live.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback("ready", on_ready.as_ref().unchecked_ref());
        let _ =
            source.add_event_listener_with_callback("resync", on_resync.as_ref().unchecked_ref());
        let held = SendWrapper::new((source, on_live, on_ready, on_resync));
        on_cleanup(move || held.0.close());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (wanted, set_version);
    version
}
