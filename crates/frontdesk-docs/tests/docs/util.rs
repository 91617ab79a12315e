//! Tools shared by the tests: PDF checks, text extraction, rendering, snapshots, fixtures.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tool_missing(tool: &str, package: &str) -> String {
    format!(
        "`{tool}` is not installed: these tests need the Debian package `{package}` (apt-get install {package})"
    )
}

/// Runs a command and returns stdout, panicking with a clear message when the tool is missing or fails.
pub fn run(tool: &str, package: &str, args: &[&str]) -> String {
    let out = match Command::new(tool).args(args).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("{}", tool_missing(tool, package))
        }
        Err(e) => panic!("running {tool}: {e}"),
    };
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn shots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shots");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    dir
}

/// Writes the PDF to the shots dir and checks its structure with qpdf.
pub fn check_pdf(name: &str, bytes: &[u8]) -> PathBuf {
    assert!(bytes.starts_with(b"%PDF-"), "{name}: output is a PDF");
    let path = shots_dir().join(format!("{name}.pdf"));
    let mut f =
        std::fs::File::create(&path).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    f.write_all(bytes)
        .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    let p = path.to_string_lossy().into_owned();
    let report = run("qpdf", "qpdf", &["--check", &p]);
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "{name}: qpdf --check: {report}"
    );
    path
}

/// Text of the PDF as `pdftotext -layout` reads it.
pub fn pdf_text(path: &Path) -> String {
    let p = path.to_string_lossy().into_owned();
    run(
        "pdftotext",
        "poppler-utils",
        &["-layout", "-enc", "UTF-8", &p, "-"],
    )
}

/// Number of pages, from pdfinfo.
pub fn pdf_pages(path: &Path) -> usize {
    let p = path.to_string_lossy().into_owned();
    let info = run("pdfinfo", "poppler-utils", &[&p]);
    info.lines()
        .find_map(|l| {
            l.strip_prefix("Pages:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0)
}

/// Page size in points (first page), from pdfinfo.
pub fn pdf_page_size(path: &Path) -> (f32, f32) {
    let p = path.to_string_lossy().into_owned();
    let info = run("pdfinfo", "poppler-utils", &[&p]);
    let line = info
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap_or_default()
        .to_string();
    let nums: Vec<f32> = line
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    (
        nums.first().copied().unwrap_or(0.0),
        nums.get(1).copied().unwrap_or(0.0),
    )
}

/// Renders page 1 (or all pages) to PNG at `dpi` in the shots dir; returns the PNG paths.
pub fn render_png(path: &Path, dpi: u32) -> Vec<PathBuf> {
    let p = path.to_string_lossy().into_owned();
    let stem = path.with_extension("");
    let prefix = stem.to_string_lossy().into_owned();
    run(
        "pdftoppm",
        "poppler-utils",
        &["-png", "-r", &dpi.to_string(), "-l", "3", &p, &prefix],
    );
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = stem
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    pngs.retain(|f| {
        f.extension().is_some_and(|e| e == "png")
            && f.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.strip_prefix(&format!("{name}-")).is_some_and(|rest| {
                    rest.trim_end_matches(".png")
                        .chars()
                        .all(|c| c.is_ascii_digit())
                })
            })
    });
    pngs.sort();
    assert!(
        !pngs.is_empty(),
        "pdftoppm produced no PNG for {}",
        path.display()
    );
    pngs
}

/// Fraction of non-white pixels inside a rectangle given in fractions of the page (x0, y0, x1, y1).
pub fn ink_ratio(png: &Path, (x0, y0, x1, y1): (f32, f32, f32, f32)) -> f32 {
    let img = image::open(png)
        .unwrap_or_else(|e| panic!("opening {}: {e}", png.display()))
        .to_rgb8();
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (ax, ay, bx, by) = (
        (x0 * w) as u32,
        (y0 * h) as u32,
        (x1 * w) as u32,
        (y1 * h) as u32,
    );
    let mut ink = 0u32;
    let mut all = 0u32;
    for y in ay..by.min(img.height()) {
        for x in ax..bx.min(img.width()) {
            let p = img.get_pixel(x, y);
            all += 1;
            if p.0.iter().any(|&c| c < 200) {
                ink += 1;
            }
        }
    }
    if all == 0 {
        0.0
    } else {
        ink as f32 / all as f32
    }
}

/// Compares `actual` with the stored snapshot; `UPDATE_SNAPSHOTS=1` rewrites it.
pub fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/docs/snapshots")
        .join(format!("{name}.txt"));
    let normalised: String = actual
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
        + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &normalised)
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "snapshot {} missing ({e}); run with UPDATE_SNAPSHOTS=1 and review it",
            path.display()
        )
    });
    assert_eq!(
        normalised, expected,
        "pdftotext output of {name} changed; if intended, rerun with UPDATE_SNAPSHOTS=1"
    );
}

/// A synthetic portrait photo (JPEG): a face-like ellipse on a gradient.
pub fn photo_jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (cx, cy) = (w as f32 / 2.0, h as f32 * 0.42);
        let dx = (x as f32 - cx) / (w as f32 * 0.28);
        let dy = (y as f32 - cy) / (h as f32 * 0.3);
        if dx * dx + dy * dy < 1.0 {
            image::Rgb([224, 180, 150])
        } else if y as f32 > h as f32 * 0.75 && (x as f32 - cx).abs() < w as f32 * 0.4 {
            image::Rgb([40, 70, 130])
        } else {
            image::Rgb([(120 + x * 100 / w) as u8, (160 + y * 60 / h) as u8, 200])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap_or_else(|e| panic!("encoding test JPEG: {e}"));
    out.into_inner()
}

/// A random-noise JPEG of about `mb` megabytes (noise does not compress).
pub fn big_jpeg(mb: usize) -> Vec<u8> {
    let side = ((mb * 1_000_000) as f64 / 1.5).sqrt() as u32;
    let mut seed = 0x2545_F491u32;
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        image::Rgb([seed as u8, (seed >> 8) as u8, (seed >> 16) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap_or_else(|e| panic!("encoding big JPEG: {e}"));
    out.into_inner()
}

/// Visual snapshot: page 1 rendered at 40 dpi in greyscale, compared with the stored PNG by mean
/// absolute pixel difference (tolerant of anti-aliasing differences between poppler versions, not of
/// moved or missing blocks). `UPDATE_SNAPSHOTS=1` rewrites the stored image.
pub fn visual_snapshot(name: &str, pdf: &Path) {
    let p = pdf.to_string_lossy().into_owned();
    let prefix = shots_dir().join(format!("{name}-visual"));
    let prefix_s = prefix.to_string_lossy().into_owned();
    run(
        "pdftoppm",
        "poppler-utils",
        &[
            "-png",
            "-gray",
            "-r",
            "40",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            &p,
            &prefix_s,
        ],
    );
    let actual_path = prefix.with_extension("png");
    let actual = image::open(&actual_path)
        .unwrap_or_else(|e| panic!("{e}"))
        .to_luma8();
    let stored = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/docs/snapshots")
        .join(format!("{name}.png"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        actual
            .save(&stored)
            .unwrap_or_else(|e| panic!("writing {}: {e}", stored.display()));
        return;
    }
    let expected = image::open(&stored)
        .unwrap_or_else(|e| {
            panic!(
                "visual snapshot {} missing ({e}); run with UPDATE_SNAPSHOTS=1 and look at it",
                stored.display()
            )
        })
        .to_luma8();
    assert_eq!(
        actual.dimensions(),
        expected.dimensions(),
        "{name}: page size changed"
    );
    let total: u64 = actual
        .pixels()
        .zip(expected.pixels())
        .map(|(a, b)| u64::from(a.0[0].abs_diff(b.0[0])))
        .sum();
    let mean = total as f64 / f64::from(actual.width() * actual.height());
    assert!(
        mean < 4.0,
        "{name}: rendering differs from the snapshot (mean pixel difference {mean:.2}); compare {} with {}, rerun with UPDATE_SNAPSHOTS=1 if intended",
        actual_path.display(),
        stored.display()
    );
}
