// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = frontdesk_desktop::run() {
        eprintln!("Frontdesk could not start: {e:#}");
        std::process::exit(1);
    }
}
