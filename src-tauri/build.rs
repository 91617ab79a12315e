// Declares the app's commands (src-tauri/ipc-commands.json) to Tauri so each gets an
// `allow-<command>` permission that the capability files grant per window. The JSON file is the
// one list (the contract test checks the handler table, capabilities and TS client against it);
// cargo re-runs this script when it changes.
use std::path::Path;

fn commands(manifest_dir: &Path) -> Vec<String> {
    let path = manifest_dir.join("src-tauri/ipc-commands.json");
    println!("cargo:rerun-if-changed={}", path.display());
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()));
    let mut all: Vec<String> = Vec::new();
    let capabilities = json["capabilities"]
        .as_object()
        .unwrap_or_else(|| panic!("{} has no \"capabilities\" object", path.display()));
    for list in capabilities.values() {
        for c in list.as_array().into_iter().flatten() {
            let c = c
                .as_str()
                .unwrap_or_else(|| panic!("{}: command names are strings", path.display()));
            if !all.iter().any(|a| a == c) {
                all.push(c.to_string());
            }
        }
    }
    all
}

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let names: Vec<&'static str> = commands(Path::new(&manifest_dir))
        .into_iter()
        .map(|c| &*Box::leak(c.into_boxed_str()))
        .collect();
    let names: &'static [&'static str] = Box::leak(names.into_boxed_slice());
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(names)),
    )
    .expect("tauri build script failed");
}
