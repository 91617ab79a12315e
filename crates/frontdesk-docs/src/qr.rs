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

/// `payload` as a PNG image, `module_px` pixels a module (clamped to 1–40) with the quiet zone:
/// for an email attachment, a printed sheet or a phone screen.
pub fn qr_png(payload: &str, module_px: u32) -> Result<Vec<u8>> {
    let code = dark_runs(payload)?;
    let m = module_px.clamp(1, 40);
    let side = (code.width + 2 * QUIET) as u32 * m;
    let mut img = image::GrayImage::from_pixel(side, side, image::Luma([255]));
    for &(row, start, len) in &code.runs {
        let (x0, y0) = ((start + QUIET) as u32 * m, (row + QUIET) as u32 * m);
        for y in y0..y0 + m {
            for x in x0..x0 + len as u32 * m {
                img.put_pixel(x, y, image::Luma([0]));
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| Error::Image(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_decodes_back_to_the_payload() {
        let payload = "frontdesk:invite:0123456789abcdef0123456789abcdef";
        let png = qr_png(payload, 6).expect("png");
        let img = image::load_from_memory(&png).expect("a PNG").to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(img);
        let grids = prepared.detect_grids();
        let (_, text) = grids.first().expect("a code").decode().expect("decodes");
        assert_eq!(text, payload);
    }

    #[test]
    fn the_svg_is_square_and_draws_modules() {
        let svg = qr_svg("frontdesk:invite:0123456789abcdef0123456789abcdef").expect("qr");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("viewBox=\"0 0 "), "{svg}");
        assert!(svg.matches('M').count() > 50, "many dark runs");
    }
}
