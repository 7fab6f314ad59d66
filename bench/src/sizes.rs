//! The release client as a phone downloads it: the WASM, JS and CSS under `target/site/pkg`,
//! raw, gzip (level 9) and brotli (quality 11).
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
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        println!(
            "| {} | {:.1} | {:.1} | {:.1} |",
            path.file_name().unwrap().to_string_lossy(),
            bytes.len() as f64 / 1024.0,
            gzip(&bytes) as f64 / 1024.0,
            brotli(&bytes) as f64 / 1024.0
        );
    }
}
