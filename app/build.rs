//! Generates the typed translation module from `locales/*.json` (leptos_i18n 0.6 needs codegen).
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    // `sqlx::migrate!` embeds the migration folders; a new file there must rebuild the crate
    // (the lines above switch off cargo's own "any file changed" check).
    println!("cargo::rerun-if-changed=../migrations/sqlite");
    println!("cargo::rerun-if-changed=../migrations/postgres");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("i18n");
    // Every `locales/<code>.json` is a language (English is the default): adding a language is
    // adding its file. A new file changes the folder, which reruns this script.
    println!("cargo::rerun-if-changed=locales");
    let mut codes: Vec<String> = std::fs::read_dir("locales")?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".json").map(str::to_string))
        .filter(|code| code != "en")
        .collect();
    codes.sort();
    // leptos_i18n only warns about a missing key (and shows English there); a language file
    // that forgets one is refused here instead.
    let read = |code: &str| -> Result<serde_json::Map<String, serde_json::Value>, Box<dyn Error>> {
        let text = std::fs::read_to_string(format!("locales/{code}.json"))?;
        Ok(serde_json::from_str(&text)?)
    };
    let english = read("en")?;
    for code in std::iter::once("en").chain(codes.iter().map(String::as_str)) {
        let file = read(code)?;
        let missing: Vec<&String> = english.keys().filter(|k| !file.contains_key(*k)).collect();
        if !missing.is_empty() {
            return Err(
                format!("locales/{code}.json lacks {missing:?} (see locales/en.json)").into(),
            );
        }
        let months = file["months"]
            .as_str()
            .unwrap_or("")
            .split_whitespace()
            .count();
        if months != 12 {
            return Err(
                format!("locales/{code}.json: `months` needs 12 names, has {months}").into(),
            );
        }
    }
    // `interpolate_display` lets `t_string!` fill placeholders, for attributes and titles.
    let mut cfg = Config::new("en")?;
    for code in &codes {
        cfg = cfg.add_locale(code)?;
    }
    let cfg = cfg.parse_options(ParseOptions::default().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}
