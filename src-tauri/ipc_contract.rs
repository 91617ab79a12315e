//! The IPC contract: the commands registered with `generate_handler!`, the list declared to
//! tauri-build (`ipc-commands.json`), the capability files that grant them per window and the UI's Tauri client
//! must name the same commands. Each is read from its source file, so a command added in one place
//! and forgotten in another fails here with the names that disagree.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `src-tauri/ipc-commands.json`: each capability and the commands it may call, in file order.
fn declared() -> Vec<(String, Vec<String>)> {
    let path = root().join("src-tauri/ipc-commands.json");
    let json: serde_json::Value = serde_json::from_str(&read(&path))
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    json["capabilities"]
        .as_object()
        .unwrap_or_else(|| panic!("{} has no capabilities object", path.display()))
        .iter()
        .map(|(cap, list)| {
            let names = list
                .as_array()
                .unwrap_or_else(|| panic!("{cap}: a list of command names"))
                .iter()
                .map(|c| {
                    c.as_str()
                        .unwrap_or_else(|| panic!("{cap}: names are strings"))
                        .to_string()
                })
                .collect();
            (cap.clone(), names)
        })
        .collect()
}

fn all_declared() -> BTreeSet<String> {
    declared().into_iter().flat_map(|(_, c)| c).collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn set<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    names.into_iter().map(str::to_string).collect()
}

/// Names in `generate_handler![commands::a, commands::b, …]`.
fn handler_commands(lib_rs: &str) -> Vec<String> {
    let start = lib_rs
        .find("generate_handler![")
        .expect("lib.rs registers its commands with generate_handler![…]");
    let body = &lib_rs[start + "generate_handler![".len()..];
    let end = body.find(']').expect("generate_handler! is closed");
    body[..end]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.rsplit("::").next().unwrap_or(s).to_string())
        .collect()
}

/// `(name, is_async)` of every `#[tauri::command]` function.
fn defined_commands(commands_rs: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for (i, _) in commands_rs.match_indices("#[tauri::command]") {
        let after = &commands_rs[i + "#[tauri::command]".len()..];
        let Some(fn_at) = after.find("fn ") else {
            continue;
        };
        let signature = after[..fn_at].trim();
        let name: String = after[fn_at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        out.push((name, signature.split_whitespace().any(|w| w == "async")));
    }
    out
}

/// Command names the TS client invokes: the first string argument of each `call(…)` /
/// `call<T>(…)` in the client module.
fn client_commands(ts: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = ts;
    while let Some(i) = rest.find("call") {
        let before_ok = i == 0
            || !rest[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        rest = &rest[i + 4..];
        if !before_ok {
            continue;
        }
        let mut tail = rest;
        if tail.starts_with('<') {
            // Skip the type argument, which may nest (`call<Record<string, T>>`).
            let mut depth = 0;
            let mut end = None;
            for (j, c) in tail.char_indices() {
                match c {
                    '<' => depth += 1,
                    '>' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(j + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let Some(end) = end else { continue };
            tail = &tail[end..];
        }
        let Some(args) = tail.strip_prefix('(') else {
            continue;
        };
        let args = args.trim_start();
        let Some(quoted) = args.strip_prefix('"') else {
            continue;
        };
        if let Some(close) = quoted.find('"') {
            out.push(quoted[..close].to_string());
        }
    }
    out
}

/// `(identifier, app commands allowed, windows)` of each capability file; an app permission is
/// `allow-<command>` without a plugin prefix.
fn capabilities() -> Vec<(String, BTreeSet<String>, Vec<String>, PathBuf)> {
    let dir = root().join("src-tauri/capabilities");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let json: serde_json::Value = serde_json::from_str(&read(&path))
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
            let id = json["identifier"].as_str().unwrap_or_default().to_string();
            let perms = json["permissions"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|p| p.as_str().or_else(|| p["identifier"].as_str()))
                        .filter(|p| !p.contains(':'))
                        .map(|p| {
                            p.strip_prefix("allow-")
                                .unwrap_or_else(|| {
                                    panic!(
                                        "{}: app permission {p} is not allow-<command>",
                                        path.display()
                                    )
                                })
                                .replace('-', "_")
                        })
                        .collect()
                })
                .unwrap_or_default();
            let windows = json["windows"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|w| w.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            (id, perms, windows, path)
        })
        .collect()
}

fn differ(what: &str, a_name: &str, a: &BTreeSet<String>, b_name: &str, b: &BTreeSet<String>) {
    let only_a: Vec<_> = a.difference(b).collect();
    let only_b: Vec<_> = b.difference(a).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "{what}: in {a_name} but not {b_name}: {only_a:?}; in {b_name} but not {a_name}: {only_b:?}"
    );
}

#[test]
fn parsers_find_what_they_look_for() {
    assert_eq!(
        handler_commands("x generate_handler![\n commands::a,\n commands::b_c,\n] y"),
        ["a", "b_c"],
        "handler list, trailing comma and paths"
    );
    assert_eq!(
        defined_commands(
            "#[tauri::command]\npub async fn a() {}\n#[tauri::command]\npub fn b() {}"
        ),
        [("a".to_string(), true), ("b".to_string(), false)]
    );
    assert_eq!(
        client_commands(
            r#"call<X>("a", {}); call("b"); call<Record<string, X[]>>( "c" ); recall("no"); call(name)"#
        ),
        ["a", "b", "c"],
        "typed and untyped calls, nested generics; not other identifiers or non-literal names"
    );
}

#[test]
fn every_registered_command_is_declared_granted_and_called() {
    let declared = all_declared();
    let registered: Vec<String> = handler_commands(&read(&root().join("src-tauri/lib.rs")));
    assert!(
        !registered.is_empty(),
        "found no commands in generate_handler!"
    );
    let registered_set: BTreeSet<String> = registered.iter().cloned().collect();
    assert_eq!(
        registered.len(),
        registered_set.len(),
        "a command is registered twice in generate_handler!"
    );
    differ(
        "commands",
        "generate_handler! (src-tauri/lib.rs)",
        &registered_set,
        "the list declared to tauri-build (src-tauri/ipc-commands.json)",
        &declared,
    );

    let defined: Vec<(String, bool)> = ["src-tauri/commands.rs", "src-tauri/kiosk.rs"]
        .iter()
        .flat_map(|f| defined_commands(&read(&root().join(f))))
        .collect();
    let sync: Vec<_> = defined.iter().filter(|(_, a)| !a).map(|(n, _)| n).collect();
    assert!(
        sync.is_empty(),
        "commands must be async (a sync command runs on the main thread and freezes the window): {sync:?}"
    );
    differ(
        "commands",
        "#[tauri::command] fns (src-tauri/commands.rs, kiosk.rs)",
        &defined.into_iter().map(|(n, _)| n).collect(),
        "generate_handler!",
        &registered_set,
    );

    let client = client_commands(&read(&root().join("ui/src/lib/ipc/tauri.ts")));
    differ(
        "commands",
        "the UI's Tauri client (ui/src/lib/ipc/tauri.ts)",
        &client.into_iter().collect(),
        "src-tauri/ipc-commands.json",
        &declared,
    );
}

#[test]
fn each_capability_grants_exactly_its_windows_commands() {
    let caps = capabilities();
    let declared = declared();
    let mut granted = BTreeSet::new();
    for (id, perms, windows, path) in &caps {
        let expected = declared
            .iter()
            .find(|(name, _)| name == id)
            .unwrap_or_else(|| {
                panic!(
                    "{}: capability {id:?} is not listed in src-tauri/ipc-commands.json",
                    path.display()
                )
            });
        differ(
            &format!("capability {id:?}"),
            &path.display().to_string(),
            perms,
            "its list in src-tauri/ipc-commands.json",
            &set(expected.1.iter().map(String::as_str)),
        );
        assert!(!windows.is_empty(), "{}: names no window", path.display());
        granted.extend(perms.iter().cloned());
    }
    let console = caps
        .iter()
        .find(|c| c.0 == "console")
        .expect("a console capability");
    assert_eq!(
        console.2,
        ["main"],
        "the console capability is the main window's"
    );
    for (id, commands) in &declared {
        assert!(
            commands.is_empty() || caps.iter().any(|c| &c.0 == id),
            "src-tauri/ipc-commands.json lists commands for capability {id:?} but src-tauri/capabilities has no such file"
        );
    }
    differ(
        "commands",
        "some capability",
        &granted,
        "src-tauri/ipc-commands.json",
        &all_declared(),
    );
}

#[test]
fn the_kiosk_window_gets_only_kiosk_commands() {
    let caps = capabilities();
    let kiosk = caps
        .iter()
        .find(|c| c.0 == "kiosk")
        .expect("a kiosk capability");
    assert_eq!(
        kiosk.2,
        ["kiosk"],
        "the kiosk capability is the kiosk window's"
    );
    assert!(!kiosk.1.is_empty(), "the kiosk can call its commands");
    let console = caps
        .iter()
        .find(|c| c.0 == "console")
        .expect("a console capability");
    for c in &kiosk.1 {
        assert!(
            c.starts_with("kiosk_"),
            "{c:?} is granted to the kiosk window; only kiosk_* commands act as the kiosk"
        );
        assert!(
            !console.1.contains(c),
            "{c:?} is granted to both windows; the console has its own commands"
        );
    }
    for staff in [
        "on_site",
        "visits",
        "audit",
        "employees",
        "site_settings",
        "login",
    ] {
        assert!(
            !kiosk.1.contains(staff),
            "{staff:?} must not be callable from the kiosk"
        );
    }
}

#[test]
fn the_content_security_policy_keeps_the_page_to_itself() {
    let conf: serde_json::Value =
        serde_json::from_str(&read(&root().join("tauri.conf.json"))).expect("tauri.conf.json");
    let csp = conf["app"]["security"]["csp"]
        .as_str()
        .expect("a CSP string");
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for wanted in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(directives.contains(&wanted), "CSP lacks {wanted:?}: {csp}");
    }
    assert!(
        !csp.contains("unsafe-eval")
            && !directives
                .iter()
                .any(|d| d.starts_with("script-src") && d.contains("unsafe-inline")),
        "no inline or eval'd scripts: {csp}"
    );
}
