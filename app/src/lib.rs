//! The shared crate: pages and components (server-rendered and hydrated), shared domain types,
//! server functions, and (feature `ssr`) everything that only runs on the server.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod lazy_pages;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

// Typed translations (`crate::i18n`), generated from `locales/*.json` by build.rs.
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub use app::{shell, App};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronous hydration: a lazy page (`lazy_pages`) fetches its WASM chunk before its
    // server-rendered HTML is taken over.
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document()
            .body()
            .expect("the page has a body");
        let app = leptos::mount::hydrate_from_async(body.clone(), App).await;
        app.forget();
        // A plain marker for people and browser tests: the page is now interactive.
        let _ = body.set_attribute("data-hydrated", "true");
    });
    // Installable app and offline page (see server/src/assets/sw.js). Browsers without service
    // workers (or over plain HTTP other than localhost) simply skip it.
    let container = leptos::prelude::window().navigator().service_worker();
    let _ = container.register("/sw.js");
}
