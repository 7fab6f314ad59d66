//! The release client as a phone downloads it: the WASM, JS and CSS under `target/site/pkg`,
//! raw, gzip (level 9) and brotli (quality 11), and what the first page needs of it.
use std::io::Write;

fn gzip(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap().len()
}

fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).unwrap();
    out.len()
}

pub fn print() {
    let dir = std::path::Path::new("target/site/pkg");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "wasm" || e == "js" || e == "css")
        })
        .collect();
    files.sort();
    println!("\n### Client (release build, {})\n", dir.display());
    if files.is_empty() {
        println!("No release build found: run `cargo leptos build --release` first.");
        return;
    }
    println!("| file | raw KiB | gzip KiB | brotli KiB |");
    println!("|---|---|---|---|");
    let (mut first_page, mut later) = (0, 0);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let compressed = brotli(&bytes);
        if loads_later(&name) {
            later += compressed;
        } else {
            first_page += compressed;
        }
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} |",
            bytes.len() as f64 / 1024.0,
            gzip(&bytes) as f64 / 1024.0,
            compressed as f64 / 1024.0
        );
    }
    println!(
        "\nFirst page (main WASM and JS, chunk loader, CSS), brotli: **{first_page} B = {:.1} KB** \
         (issue 16's target: at most 250 KB). Loaded when a lazy page opens: {later} B.",
        first_page as f64 / 1000.0
    );
}

/// The lazy pages' WASM chunks (`cargo leptos build --split`): a member or staff group, and the
/// code they share. The browser fetches them after the first page is interactive.
fn loads_later(name: &str) -> bool {
    name.ends_with(".wasm") && (name.starts_with("split_") || name.starts_with("chunk_"))
}
