//! QR codes: the modules of a code as runs of dark cells, drawn as SVG here and into badge PDFs in
//! `badge`. Error correction M everywhere.

use qrcode::{Color, EcLevel, QrCode};

use crate::{Error, Result};

/// Modules of white border around an SVG code, as scanners expect.
const QUIET: usize = 4;

/// A QR code as horizontal runs of dark modules.
pub(crate) struct DarkRuns {
    /// Modules per side (without a quiet zone).
    pub width: usize,
    /// `(row, first column, length)` of each run of dark modules, row by row.
    pub runs: Vec<(usize, usize, usize)>,
}

/// The dark runs of `payload`'s QR code.
pub(crate) fn dark_runs(payload: &str) -> Result<DarkRuns> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| Error::InvalidInput(format!("QR payload: {e}")))?;
    let n = code.width();
    let colours = code.to_colors();
    let dark = |row: usize, col: usize| colours.get(row * n + col) == Some(&Color::Dark);
    let mut runs = Vec::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if !dark(row, col) {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && dark(row, col) {
                col += 1;
            }
            runs.push((row, start, col - start));
        }
    }
    Ok(DarkRuns { width: n, runs })
}

/// `payload` as a standalone SVG document: black modules on white, one path, `viewBox` in modules
/// so it scales to any size.
pub fn qr_svg(payload: &str) -> Result<String> {
    let code = dark_runs(payload)?;
    let side = code.width + 2 * QUIET;
    let path: String = code
        .runs
        .iter()
        .map(|&(row, start, len)| format!("M{} {}h{len}v1h-{len}z", start + QUIET, row + QUIET))
        .collect();
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
