use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use frontdesk_vision::FaceEngine;

/// The shared folder (models, datasets) beside the repository, if present.
pub fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("FRONTDESK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    dir.join("datasets/faces-dev").is_dir().then_some(dir)
}

/// faces-dev, or `None` after printing why the test is skipped.
pub fn faces_dev(test: &str) -> Option<PathBuf> {
    let dir = shared().map(|s| s.join("datasets/faces-dev"));
    if dir.is_none() {
        eprintln!(
            "note: {test} skipped: shared/datasets/faces-dev not found (set FRONTDESK_SHARED)"
        );
    }
    dir
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models")
}

pub fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tools")
}

/// The engine with embedded models and default settings, loaded once per test binary.
pub fn engine() -> &'static FaceEngine {
    static ENGINE: OnceLock<FaceEngine> = OnceLock::new();
    ENGINE.get_or_init(|| match FaceEngine::with_defaults() {
        Ok(e) => e,
        Err(e) => panic!("the embedded models must load: {e}"),
    })
}

pub fn python() -> String {
    std::env::var("FRONTDESK_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Whether python can import these modules; prints a skip note when not.
pub fn python_has(test: &str, modules: &str) -> bool {
    let ok = Command::new(python())
        .args(["-c", &format!("import {modules}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("note: {test} skipped: python cannot import {modules}");
    }
    ok
}

/// Runs `tools/<script>` with `args`, feeding `stdin`; its stdout, or `None` after printing why.
pub fn run_tool(test: &str, script: &str, args: &[&str], stdin: &str) -> Option<String> {
    use std::io::Write;
    let mut child = match Command::new(python())
        .arg(tools_dir().join(script))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("note: {test} skipped: cannot run python: {e}");
            return None;
        }
    };
    let input = stdin.to_owned();
    let mut pipe = child.stdin.take()?;
    let writer = std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    let out = child.wait_with_output().ok()?;
    let _ = writer.join();
    if !out.status.success() {
        panic!(
            "{script} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}
