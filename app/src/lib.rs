//! The shared crate: pages and components (server-rendered and hydrated), shared domain types,
//! server functions, and (feature `ssr`) everything that only runs on the server.
#![recursion_limit = "256"]

/// A translated text that follows the page's language, as one concrete type: `tr!(i18n, key)`.
///
/// `t!` makes a closure of its own type at every use, and Leptos instantiates its rendering and
/// hydration code (the render effect, the owner, the text node) once per closure type. Every
/// `tr!` text is this one type, so that code is in the WASM once (BENCHMARKS.md, issue 16).
pub type Text = std::sync::Arc<dyn Fn() -> &'static str + Send + Sync>;

/// `tr!(i18n, key)`: the key's text in the page's language as a [`Text`], for a view's text or an
/// attribute value. Use it instead of `t!` for every key without arguments.
macro_rules! tr {
    ($i18n:expr, $key:ident) => {{
        let i18n = $i18n;
        std::sync::Arc::new(move || td_string!(i18n.get_locale(), $key)) as $crate::Text
    }};
}

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod lazy_pages;
pub mod locale;
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
    // With islands, the page script hydrates each `<leptos-island>` after this, and marks the
    // page interactive itself (components/hydration_script.rs).
    #[cfg(feature = "islands")]
    {
        leptos::mount::hydrate_islands();
        // Until every island is taken over (`islands_hydrated`), whatever the islands create
        // reads what the server sent for it, as the server numbered it (lazy_pages.rs,
        // `hydrate_from_here`): also what a page creates once its data has come.
        set_hydrating(true);
        // A server function that answers with a redirect (sign out, say) is followed by the
        // router when there is one; with islands there is none, so the browser loads the page.
        let _ = server_fn::redirect::set_redirect_hook(|path: &str| {
            let _ = leptos::prelude::window().location().set_href(path);
        });
    }
    // Asynchronous hydration: a lazy page (`lazy_pages`) fetches its WASM chunk before its
    // server-rendered HTML is taken over.
    #[cfg(not(feature = "islands"))]
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

/// Called by the page script once every island is hydrated: from now on what the islands create
/// is new, and fetches its own data.
#[cfg(all(feature = "hydrate", feature = "islands"))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn islands_hydrated() {
    set_hydrating(false);
}

/// Marks the page's shared context as hydrating or not, through the root owner kept from `hydrate()`:
/// when the page script calls `islands_hydrated`, the reactive owner current then is whatever
/// the last island left, possibly none, and the flag must not stay on (a resource created later
/// would look for data the server sent with the page, instead of fetching its own).
#[cfg(all(feature = "hydrate", feature = "islands"))]
fn set_hydrating(on: bool) {
    use leptos::prelude::Owner;
    use std::cell::RefCell;
    thread_local! {
        static PAGE: RefCell<Option<Owner>> = const { RefCell::new(None) };
    }
    PAGE.with_borrow_mut(|page| {
        if page.is_none() {
            *page = Owner::current();
        }
        let context = page
            .as_ref()
            .and_then(|o| o.with(Owner::current_shared_context));
        if let Some(context) = context {
            context.set_is_hydrating(on);
        }
    });
}

/// Room for wasm-split (cargo-leptos `--split`) to lay out the constant data again. It moves
/// each piece of `.rodata` into the module that uses it, with alignment padding between them;
/// when the new layout comes out longer than the original segment, even by a few bytes, it gives
/// up and puts the whole segment, every page's strings in both languages, into the main module
/// (the warning "Overlong segment", which cargo-leptos does not show). Nothing references this
/// block, so the linker keeps it (`#[used]`) but wasm-split leaves it out of every module: its
/// length is slack in the input segment that the output never carries. 8 KB is several times the
/// padding that aligning each of the ~240 modules costs (up to 7 bytes each). Non-zero bytes keep
/// it in `.rodata` rather than zero-filled memory.
#[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
#[used]
static SPLIT_LAYOUT_SLACK: [u8; 8192] = [0xA5; 8192];
