//! Live updates in the page: one `EventSource` on `/events` per page that wants them. The server
//! only says *that* something changed; the page then refetches through its server function.
use std::sync::atomic::{AtomicBool, Ordering};

use codee::string::FromToStringCodec;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;
use leptos_use::{
    use_event_source_with_options, UseEventSourceOnEventReturn, UseEventSourceOptions,
};
use send_wrapper::SendWrapper;

use crate::domain::{stream_event, LiveEvent};

/// A counter that goes up whenever an event this page cares about arrives, and after a lost
/// connection comes back (something may have been missed). Use it as a resource source.
///
/// leptos-use owns the `EventSource` (opening, closing with the page, and opening it again when
/// the server refused or ended the stream, which the browser alone never does). Each event is
/// handled in `on_event` as it arrives rather than through the hook's "last message" signal:
/// two events in one tick must not collapse into one when only the first is wanted.
pub fn use_live_version(wanted: impl Fn(&LiveEvent) -> bool + 'static) -> ReadSignal<u64> {
    let (version, set_version) = signal(0u64);
    // The filter runs in the browser's one thread; the hook asks for Send + Sync.
    let wanted = SendWrapper::new(wanted);
    // The first "ready" only says we are connected; later ones follow a reconnect.
    let connected_once = AtomicBool::new(false);
    let on_event = move |ev: &web_sys::Event| {
        let bump = || set_version.update(|v| *v += 1);
        match ev.type_().as_str() {
            stream_event::LIVE => {
                let data = ev
                    .dyn_ref::<web_sys::MessageEvent>()
                    .and_then(|m| m.data().as_string())
                    .unwrap_or_default();
                if serde_json::from_str::<LiveEvent>(&data).is_ok_and(|e| (*wanted)(&e)) {
                    bump();
                }
            }
            stream_event::READY if connected_once.swap(true, Ordering::Relaxed) => bump(),
            stream_event::RESYNC => bump(),
            _ => {}
        }
        // Nothing is kept in the hook's message signal: the counter is the whole state.
        UseEventSourceOnEventReturn::IgnoreProcessingMessage
    };
    let options = UseEventSourceOptions::default()
        .named_events(
            [
                stream_event::LIVE,
                stream_event::READY,
                stream_event::RESYNC,
            ]
            .map(String::from),
        )
        .on_event(on_event);
    // Opened once the page is interactive: nothing waits for it, and on a phone its set-up was
    // part of the start-up (BENCHMARKS.md, issue 16).
    after_hydration(move || {
        let _ = use_event_source_with_options::<String, FromToStringCodec>("/events", options);
    });
    version
}

/// Runs `f` (under the current owner) in a task of its own once the page has been taken over,
/// for set-up nobody waits for, so it does not lengthen the start-up on a phone. Browser only:
/// on the server there is nothing to set up.
fn after_hydration(f: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let owner = Owner::current();
        set_timeout(
            move || match owner {
                Some(owner) => owner.with(f),
                None => f(),
            },
            std::time::Duration::ZERO,
        );
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = f;
}
