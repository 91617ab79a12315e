//! QR codes as SVG, for screens and files (badges draw theirs into the PDF in `badge`).

use qrcode::{Color, EcLevel, QrCode};

use crate::{Error, Result};

/// Modules of white border around the code, as scanners expect.
const QUIET: usize = 4;

/// `payload` as a standalone SVG document: black modules on white, one path, `viewBox` in modules
/// so it scales to any size. Error correction M, like the badge.
pub fn qr_svg(payload: &str) -> Result<String> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| Error::InvalidInput(format!("QR payload: {e}")))?;
    let n = code.width();
    let colours = code.to_colors();
    let side = n + 2 * QUIET;
    let mut path = String::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colours.get(row * n + col) != Some(&Color::Dark) {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && colours.get(row * n + col) == Some(&Color::Dark) {
                col += 1;
            }
            path.push_str(&format!(
                "M{} {}h{}v1h-{}z",
                start + QUIET,
                row + QUIET,
                col - start,
                col - start
            ));
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_is_square_and_draws_modules() {
        let svg = qr_svg("frontdesk:invite:0123456789abcdef0123456789abcdef").expect("qr");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("viewBox=\"0 0 "), "{svg}");
        assert!(svg.matches('M').count() > 50, "many dark runs");
    }
}
