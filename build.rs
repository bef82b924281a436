//! Fetches the pinned front-end packages (`npm ci`, from `package-lock.json`) when they are
//! missing, and embeds the static assets in the binary under a content-hashed URL prefix, so
//! browsers may cache them for a year and a new build never serves stale files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

const NHSUK_DIST: &str = "node_modules/nhsuk-frontend/dist/nhsuk";

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    println!("cargo:rerun-if-changed=package-lock.json");
    println!("cargo:rerun-if-changed=static");
    println!("cargo:rerun-if-changed={NHSUK_DIST}");

    let dist = root.join(NHSUK_DIST);
    if !dist.join("nhsuk-frontend.min.css").exists() {
        npm_ci(&root);
    }

    // (url path under the versioned prefix, file on disk)
    let mut files: Vec<(String, PathBuf)> = vec![
        (
            "nhsuk-frontend.min.css".into(),
            dist.join("nhsuk-frontend.min.css"),
        ),
        (
            "nhsuk-frontend.min.js".into(),
            dist.join("nhsuk-frontend.min.js"),
        ),
    ];
    for entry in read_dir_sorted(&dist.join("assets/images")) {
        let name = file_name(&entry);
        files.push((format!("assets/images/{name}"), entry));
    }
    for entry in read_dir_sorted(&root.join("static")) {
        if entry.is_file() {
            let name = file_name(&entry);
            files.push((name, entry));
        }
    }

    let mut contents = Vec::new();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (url, path) in &files {
        let bytes =
            fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        for b in url.bytes().chain(bytes.iter().copied()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        contents.push(bytes);
    }
    let version = format!("{hash:016x}");
    let prefix = format!("/static/{}", &version[..12]);

    let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    let mut code = String::new();
    let _ = writeln!(code, "/// The URL prefix of this build's static files.");
    let _ = writeln!(code, "pub const PREFIX: &str = {prefix:?};");
    let _ = writeln!(
        code,
        "/// Every embedded file: (path under the prefix, bytes)."
    );
    let _ = writeln!(code, "pub static FILES: &[(&str, &[u8])] = &[");
    for ((url, path), bytes) in files.iter().zip(&contents) {
        if url == "nhsuk-frontend.min.css" {
            // The stylesheet refers to its images at /assets/…; point it at the versioned copies.
            let css = String::from_utf8_lossy(bytes)
                .replace("url(/assets/", &format!("url({prefix}/assets/"));
            let rewritten = out.join("nhsuk-frontend.min.css");
            fs::write(&rewritten, css).unwrap_or_else(|e| panic!("cannot write css: {e}"));
            let _ = writeln!(
                code,
                "    ({url:?}, include_bytes!({:?})),",
                rewritten.display().to_string()
            );
        } else {
            let _ = writeln!(
                code,
                "    ({url:?}, include_bytes!({:?})),",
                path.display().to_string()
            );
        }
    }
    let _ = writeln!(code, "];");
    fs::write(out.join("assets.rs"), code)
        .unwrap_or_else(|e| panic!("cannot write assets.rs: {e}"));
}

fn npm_ci(root: &Path) {
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        .current_dir(root)
        .status()
        .unwrap_or_else(|e| {
            panic!("spectra needs Node.js and npm to fetch nhsuk-frontend (npm ci): {e}")
        });
    assert!(
        status.success(),
        "`npm ci` failed: spectra cannot fetch nhsuk-frontend"
    );
}

fn read_dir_sorted(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    entries
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
