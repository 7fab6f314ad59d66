//! Starts the WASM app once the page is idle. The same script as Leptos'
//! `<HydrationScripts defer=true/>`, without its `<link rel="preload">` hints: those still
//! fetched the 600 KB bundle beside the first paint, and Lighthouse's simulated slow 4G then
//! counted the largest paint as waiting for it (LCP 0.95 s or 4.2 s from one run to the next).
use leptos::config::LeptosOptions;
use leptos::nonce::use_nonce;
use leptos::prelude::*;

#[component]
pub fn HydrationScript(options: LeptosOptions) -> impl IntoView {
    let (js, wasm) = bundle_names(&options);
    let pkg = format!("/{}", options.site_pkg_dir);
    // `timeout`: a page that never goes idle still comes alive within 2 s. The pause between
    // starting the module and hydrating splits one long main-thread task in two, so a slow phone
    // can handle a tap in between.
    let script = format!(
        "(() => {{ const start = () => import('{pkg}/{js}.js')\
         .then(m => m.default({{ module_or_path: '{pkg}/{wasm}.wasm' }})\
         .then(() => new Promise(r => setTimeout(r, 0))).then(() => m.hydrate())); \
         if ('requestIdleCallback' in window) requestIdleCallback(start, {{ timeout: 2000 }}); \
         else start(); }})()"
    );
    view! { <script type="module" nonce=use_nonce()>{script}</script> }
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
    static HASHED: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    HASHED
        .get_or_init(|| {
            let hashes = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
                .and_then(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_default();
            let hash_of = |kind: &str| {
                hashes.lines().find_map(|line| {
                    let (file, hash) = line.split_once(':')?;
                    (file.trim() == kind).then(|| format!("{name}.{}", hash.trim()))
                })
            };
            (
                hash_of("js").unwrap_or_else(|| name.clone()),
                hash_of("wasm").unwrap_or_else(|| name.clone()),
            )
        })
        .clone()
}
