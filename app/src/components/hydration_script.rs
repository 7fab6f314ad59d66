//! Starts the WASM app once the page is idle. The same script as Leptos'
//! `<HydrationScripts defer=true/>`, without its `<link rel="preload">` hints: those still
//! fetched the 600 KB bundle beside the first paint, and Lighthouse's simulated slow 4G then
//! counted the largest paint as waiting for it (LCP 0.95 s or 4.2 s from one run to the next).
//! For the same reason a lazy page's WASM chunks are not preloaded either (Leptos does it when
//! given the split manifest): with the pages in two groups (`lazy_pages`) the member group is
//! about 300 KB, and preloading it took the submit form's LCP from 0.9 s to 2.55 s. The chunk
//! loader fetches them once the main module runs. The islands build (feature `islands`) is the
//! exception: its first page's module is small, and it preloads it at low priority.
use leptos::config::LeptosOptions;
use leptos::nonce::use_nonce;
use leptos::prelude::*;

#[component]
pub fn HydrationScript(options: LeptosOptions) -> impl IntoView {
    let (js, wasm) = bundle_names(&options);
    // With islands only the islands are hydrated: the rest of the page is written without the
    // markers hydration needs (as Leptos' own `HydrationScripts islands=true` does).
    #[cfg(feature = "islands")]
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let pkg = format!("/{}", options.site_pkg_dir);
    // `timeout`: a page that never goes idle still comes alive within 2 s. The pause between
    // starting the module and hydrating splits one long main-thread task in two, so a slow phone
    // can handle a tap in between.
    let script = format!(
        "(() => {{ const start = () => import('{pkg}/{js}.js')\
         .then(m => m.default({{ module_or_path: '{pkg}/{wasm}.wasm' }})\
         .then(() => new Promise(r => setTimeout(r, 0))).then(() => {{ m.hydrate(); {ISLANDS} }})); \
         if ('requestIdleCallback' in window) requestIdleCallback(start, {{ timeout: 2000 }}); \
         else start(); }})()"
    );
    // With islands the first page's module is small enough (about 190 KB) to fetch beside the
    // first paint: at low priority, so the page's own CSS and images go first (BENCHMARKS.md,
    // session 39). The hydrated build's much larger module is only fetched once the page is idle.
    let preload = cfg!(feature = "islands").then(|| {
        view! {
            <link rel="modulepreload" href=format!("{pkg}/{js}.js") fetchpriority="low"/>
            <link rel="preload" href=format!("{pkg}/{wasm}.wasm") r#as="fetch"
                r#type="application/wasm" crossorigin="" fetchpriority="low"/>
        }
    });
    view! {
        {preload}
        <script type="module" nonce=use_nonce()>{script}</script>
    }
}

/// After `hydrate()`, with the `islands` feature: hydrate every `<leptos-island>` in document
/// order through the function the module exports under its `data-component` name, then mark the
/// page interactive (`data-hydrated`, as the hydrated build does). An island inside another's
/// children (`<leptos-children>`) first runs the hook the outer island left on that element, so
/// it is created under the outer island's owner and sees its context (the language, say). At the
/// end it tells the module (`islands_hydrated`, lib.rs) that hydration is over.
#[cfg(feature = "islands")]
const ISLANDS: &str = "const hooks = []; \
    const walk = async (el) => { \
      if (el.localName === 'leptos-island') { \
        const hook = hooks[hooks.length - 1]; if (hook) hook(); \
        const island = m[el.dataset.component]; \
        if (island) await island(el); else console.warn('no island function', el.dataset.component); \
      } \
      const children = el.localName === 'leptos-children'; \
      if (children) hooks.push(el.$$on_hydrate); \
      for (const child of el.children) await walk(child); \
      if (children) hooks.pop(); \
    }; \
    return walk(document.body).then(() => { m.islands_hydrated(); document.body.dataset.hydrated = 'true'; });";

/// Hydrated (no islands), `hydrate()` takes over the whole page and marks it itself.
#[cfg(not(feature = "islands"))]
const ISLANDS: &str = "";

/// The page's stylesheet, under the name cargo-leptos gave it. Leptos' `HashedStylesheet` read
/// the hash file from disk on every request (BENCHMARKS.md, issue 16); this reads it once.
#[component]
pub fn PageStylesheet(options: LeptosOptions) -> impl IntoView {
    let href = format!(
        "/{}/{}.css",
        options.site_pkg_dir,
        hashed_name(&options, "css")
    );
    view! { <link id="leptos" rel="stylesheet" href=href/> }
}

/// The JS and WASM file names (without extension) cargo-leptos wrote: with hashes when
/// `hash_files` is on (read once from the hash file next to the server binary, as Leptos does).
fn bundle_names(options: &LeptosOptions) -> (String, String) {
    let name = options.output_name.to_string();
    if !options.hash_files {
        // Without LEPTOS_OUTPUT_NAME at build time wasm-bindgen names the module `<name>_bg`.
        let wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            format!("{name}_bg")
        } else {
            name.clone()
        };
        return (name, wasm);
    }
    (hashed_name(options, "js"), hashed_name(options, "wasm"))
}

/// `<output name>.<hash>` for one kind of output file, or the plain name without hashing.
fn hashed_name(options: &LeptosOptions, kind: &str) -> String {
    match file_hash(options, kind) {
        Some(hash) => format!("{}.{hash}", options.output_name),
        None => options.output_name.to_string(),
    }
}

/// The hash cargo-leptos gave one kind of output file (`js`, `wasm` or `css`), from
/// the hash file next to the server binary (read once, as Leptos does); `None` without hashing.
fn file_hash(options: &LeptosOptions, kind: &str) -> Option<String> {
    static HASHES: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if !options.hash_files {
        return None;
    }
    let hashes = HASHES.get_or_init(|| {
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default()
    });
    hashes.lines().find_map(|line| {
        let (file, hash) = line.split_once(':')?;
        (file.trim() == kind).then(|| hash.trim().to_string())
    })
}
