//! Regenerates the UI's TypeScript bindings: `cargo run -p frontdesk-core --example export-bindings
//! -- ui/src/lib/bindings`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "ui/src/lib/bindings".to_string());
    let dir = std::path::Path::new(&dir);
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    frontdesk_core::bindings::export_all(dir)?;
    println!("bindings written to {}", dir.display());
    Ok(())
}
