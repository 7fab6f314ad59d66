//! The page's address (its `:id`, its query) and going to another page, for code that runs in
//! both builds.
//!
//! Hydrated, the router owns the address in the browser as on the server. With the `islands`
//! feature the router exists only on the server: in the browser every link loads a page, so an
//! island reads the address from `window.location` (it cannot change under it) and goes to
//! another page by setting it.
use leptos::prelude::*;
use leptos_router::params::ParamsMap;

/// True where the page runs as islands in the browser, without a router.
const BROWSER_ISLANDS: bool = cfg!(all(feature = "islands", not(feature = "ssr")));

/// The query of the page's address (`?tab=…&q=…`), following in-place navigation when there
/// is a router to do it.
pub fn use_query() -> Signal<ParamsMap> {
    if BROWSER_ISLANDS {
        Signal::stored(browser_query())
    } else {
        leptos_router::hooks::use_query_map().into()
    }
}

/// The numeric `:id` of the current route (0 when missing or not a number: the server then
/// answers "not found").
pub fn route_id() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params: Signal<ParamsMap> = if BROWSER_ISLANDS {
        // Every route with an `:id` ends with it (`/tickets/:id`, `/chat/:id`).
        let last = browser_path()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        Signal::stored(std::iter::once(("id", last)).collect())
    } else {
        leptos_router::hooks::use_params_map().into()
    };
    move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    }
}

/// The path and query of the page (`/tickets/7?rate=5`), to come back to after signing in.
pub fn here() -> String {
    let (path, search) = if BROWSER_ISLANDS {
        (browser_path(), browser_search())
    } else {
        let location = leptos_router::hooks::use_location();
        (
            location.pathname.get_untracked(),
            location.search.get_untracked(),
        )
    };
    let search = search.trim_start_matches('?');
    if search.is_empty() {
        path
    } else {
        format!("{path}?{search}")
    }
}

/// Goes to another page of the app: in place through the router when hydrated, as a page load
/// with islands. Call it where `use_navigate` could be called (inside the page's owner).
pub fn go_to(path: &str) {
    if BROWSER_ISLANDS {
        #[cfg(feature = "hydrate")]
        let _ = window().location().set_href(path);
    } else {
        leptos_router::hooks::use_navigate()(path, Default::default());
    }
}

/// The address as the browser has it (the router's own parsing, without a router).
#[cfg(feature = "hydrate")]
fn browser_url() -> leptos_router::location::Url {
    use leptos_router::location::{BrowserUrl, LocationProvider};
    BrowserUrl::current().unwrap_or_default()
}

fn browser_path() -> String {
    #[cfg(feature = "hydrate")]
    return browser_url().path().to_string();
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

fn browser_search() -> String {
    #[cfg(feature = "hydrate")]
    return browser_url().search().to_string();
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// The query as the browser has it now (`pushState` and Back change it under an island).
pub fn browser_query() -> ParamsMap {
    #[cfg(feature = "hydrate")]
    return browser_url().search_params().clone();
    #[cfg(not(feature = "hydrate"))]
    ParamsMap::new()
}
