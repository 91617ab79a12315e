//! Badge PDFs: presets, Unicode names, adaptive layout, bad input.

use chrono::{TimeZone, Utc};
use frontdesk_docs::badge::{BadgeLabels, BadgeSize};
use frontdesk_docs::{BadgeData, Colour, Warning, render_badge};

use crate::util::{
    check_pdf, ink_ratio, pdf_page_size, pdf_pages, pdf_text, photo_jpeg, render_png, run, snapshot,
};

pub fn sample(name: &str, size: BadgeSize) -> BadgeData {
    BadgeData {
        visitor_name: name.to_string(),
        company: Some("Acme Widgets Ltd".into()),
        host_name: Some("Rakesh Kumar".into()),
        photo: Some(photo_jpeg(300, 400)),
        valid_from: Utc
            .with_ymd_and_hms(2026, 11, 21, 8, 30, 0)
            .single()
            .unwrap_or_default(),
        valid_until: Utc
            .with_ymd_and_hms(2026, 11, 21, 17, 0, 0)
            .single()
            .unwrap_or_default(),
        tz: chrono_tz::Europe::Berlin,
        site_name: "Frontdesk HQ Berlin".into(),
        logo: None,
        band_label: "Visitor".into(),
        band_colour: Colour {
            r: 0,
            g: 102,
            b: 204,
        },
        qr_payload: "frontdesk:visit:0192f3a4-5b6c-7d8e-9f00-112233445566:signout".into(),
        badge_number: Some("V-1234".into()),
        size,
        labels: BadgeLabels::default(),
    }
}

/// Word boxes from `pdftotext -bbox`: (xMin, yMin, xMax, yMax, word).
fn word_boxes(path: &std::path::Path) -> Vec<(f32, f32, f32, f32, String)> {
    let p = path.to_string_lossy().into_owned();
    let html = run("pdftotext", "poppler-utils", &["-bbox", &p, "-"]);
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .filter_map(|l| {
            let attr = |k: &str| -> Option<f32> {
                let start = l.find(&format!("{k}=\""))? + k.len() + 2;
                let rest = l.get(start..)?;
                rest.get(..rest.find('"')?)?.parse().ok()
            };
            let word = l.split('>').nth(1)?.split('<').next()?.to_string();
            Some((
                attr("xMin")?,
                attr("yMin")?,
                attr("xMax")?,
                attr("yMax")?,
                word,
            ))
        })
        .collect()
}

#[test]
fn every_preset_renders_a_valid_badge_with_its_page_size() {
    for size in BadgeSize::presets() {
        let name = format!("badge_{size:?}").to_lowercase();
        let rendered = render_badge(&sample("Zoë Müller-Łukasiewicz", size))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            rendered.warnings.is_empty(),
            "{name}: no warnings for clean input: {:?}",
            rendered.warnings
        );
        let path = check_pdf(&name, &rendered.bytes);
        assert_eq!(pdf_pages(&path), 1, "{name}: one badge, one page");
        let (w, h) = size.page_mm();
        let (pw, ph) = pdf_page_size(&path);
        assert!(
            (pw - w * 72.0 / 25.4).abs() < 1.0 && (ph - h * 72.0 / 25.4).abs() < 1.0,
            "{name}: page is {w}×{h} mm, got {pw}×{ph} pt"
        );
        let text = pdf_text(&path);
        assert!(
            text.contains("Zoë") && text.contains("Müller-Łukasiewicz"),
            "{name}: name reads back: {text}"
        );
        assert!(text.contains("Acme Widgets Ltd"), "{name}: company: {text}");
        assert!(text.contains("Rakesh Kumar"), "{name}: host: {text}");
        assert!(text.contains("VISITOR"), "{name}: band label: {text}");
        assert!(
            rendered.bytes.len() < 150_000,
            "{name}: fonts are subset, photo downscaled: {} bytes",
            rendered.bytes.len()
        );
        render_png(&path, 150);
        crate::util::visual_snapshot(&name, &path);
        // Nothing is drawn outside the page, and words stay inside it.
        for (x0, y0, x1, y1, word) in word_boxes(&path) {
            assert!(
                x0 >= 0.0 && y0 >= 0.0 && x1 <= pw + 0.5 && y1 <= ph + 0.5,
                "{name}: '{word}' leaves the page"
            );
        }
    }
}

/// Decodes the QR code from a rendered page: the kiosk's scanner must read back the sign-out payload.
fn decode_qr(png: &std::path::Path) -> Vec<String> {
    let img = image::open(png)
        .unwrap_or_else(|e| panic!("{e}"))
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, content)| content))
        .collect()
}

#[test]
fn qr_code_decodes_to_the_sign_out_payload_on_every_preset() {
    for size in BadgeSize::presets() {
        let data = sample("QR Reader", size);
        let rendered = render_badge(&data).unwrap_or_else(|e| panic!("{e}"));
        let name = format!("badge_qr_{size:?}").to_lowercase();
        let path = check_pdf(&name, &rendered.bytes);
        // 300 dpi is what Brother QL and DYMO LabelWriter printers print at.
        let png = render_png(&path, 300);
        assert_eq!(
            decode_qr(&png[0]),
            vec![data.qr_payload.clone()],
            "{name}: the QR code scans"
        );
    }
}

#[test]
fn landscape_badge_text_snapshot_and_times_in_site_zone() {
    let rendered = render_badge(&sample("Zoë Müller", BadgeSize::BrotherQl62x100))
        .unwrap_or_else(|e| panic!("{e}"));
    let path = check_pdf("badge_snapshot", &rendered.bytes);
    let text = pdf_text(&path);
    // 08:30–17:00 UTC is 09:30–18:00 in Berlin (CET, UTC+1 in November).
    assert!(
        text.contains("Valid until 18:00"),
        "valid-until in site time: {text}"
    );
    assert!(
        text.contains("Sat 21 Nov 2026"),
        "date in site time: {text}"
    );
    snapshot("badge_ql62x100", &text);
    crate::util::visual_snapshot("badge_ql62x100", &path);
}

#[test]
fn names_in_every_script_read_back() {
    let names = [
        ("latin", "Nguyễn Thị Ánh Åsa Øster"),
        ("greek", "Αλέξανδρος Παπαδόπουλος"),
        ("cyrillic", "Дмитрий Шостакович"),
        ("cjk_zh", "王小明"),
        ("cjk_ja", "山田 はなこ"),
        ("cjk_ko", "김민준"),
        ("hebrew", "שרה לוי"),
        ("arabic", "محمد علي"),
    ];
    for (script, name) in names {
        let rendered = render_badge(&sample(name, BadgeSize::BrotherQl62x100))
            .unwrap_or_else(|e| panic!("{script}: {e}"));
        assert!(
            rendered.warnings.is_empty(),
            "{script}: every character is covered: {:?}",
            rendered.warnings
        );
        let path = check_pdf(&format!("badge_script_{script}"), &rendered.bytes);
        render_png(&path, 150);
        let text = pdf_text(&path);
        let words_found = name.split(' ').all(|w| {
            let reversed: String = w.chars().rev().collect();
            text.contains(w) || text.contains(&reversed)
        });
        assert!(
            words_found,
            "{script}: '{name}' reads back from the PDF: {text}"
        );
    }
}

#[test]
fn uncovered_characters_are_reported() {
    let rendered = render_badge(&sample("Ann 😀 Lee", BadgeSize::BrotherQl62x100))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        rendered.warnings.contains(&Warning::UncoveredCharacters {
            field: "visitor_name".into(),
            chars: vec!['😀']
        }),
        "emoji reported: {:?}",
        rendered.warnings
    );
    let path = check_pdf("badge_emoji", &rendered.bytes);
    let text = pdf_text(&path);
    assert!(
        text.contains("Ann ? Lee"),
        "the gap is visible as '?', not a silent box: {text}"
    );
}

#[test]
fn long_names_shrink_or_wrap_inside_the_page() {
    let long = "Maximiliane Alexandra Konstantinopoulou-Wolfeschlegelsteinhausenbergerdorff von und zu Hohenzollern-Sigmaringen";
    for size in BadgeSize::presets() {
        let name = format!("badge_long_{size:?}").to_lowercase();
        let rendered = render_badge(&sample(long, size)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let path = check_pdf(&name, &rendered.bytes);
        render_png(&path, 150);
        let (pw, ph) = pdf_page_size(&path);
        let boxes = word_boxes(&path);
        for (x0, y0, x1, y1, word) in &boxes {
            assert!(
                *x0 >= 0.0 && *y0 >= 0.0 && *x1 <= pw + 0.5 && *y1 <= ph + 0.5,
                "{name}: '{word}' overflows the page"
            );
        }
        let text = pdf_text(&path);
        if !rendered
            .warnings
            .iter()
            .any(|w| matches!(w, Warning::Truncated { field } if field == "visitor_name"))
        {
            assert!(
                text.contains("Hohenzollern-"),
                "{name}: the whole name is printed unless reported as truncated: {text}"
            );
        }
        assert!(
            text.contains("Maximiliane"),
            "{name}: the name starts on the badge: {text}"
        );
    }
}

#[test]
fn bad_photos_and_hostile_text_give_sensible_badges() {
    let mut data = sample("<b>%PDF-1.7\u{0}\u{7}\n endobj", BadgeSize::Cr80);
    data.photo = Some(b"not an image at all".to_vec());
    data.company = Some("\u{1b}[31mRed\u{1b}[0m & <script>".into());
    let rendered = render_badge(&data).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        rendered
            .warnings
            .iter()
            .any(|w| matches!(w, Warning::PhotoUnusable { .. })),
        "bad photo reported"
    );
    let path = check_pdf("badge_hostile", &rendered.bytes);
    let text = pdf_text(&path);
    assert!(
        text.contains("<b>%PDF-1.7") && text.contains("endobj"),
        "markup printed literally: {text}"
    );
    assert!(
        !text
            .chars()
            .any(|c| c == '\u{0}' || c == '\u{7}' || c == '\u{1b}'),
        "control characters dropped: {text:?}"
    );
    assert!(
        text.contains("[31mRed") && text.contains("& <script>"),
        "company literal: {text}"
    );
    render_png(&path, 150);

    let mut no_photo = sample("No Photo", BadgeSize::BrotherQl62x100);
    no_photo.photo = None;
    let rendered = render_badge(&no_photo).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        rendered.warnings.is_empty(),
        "no photo is normal, not a warning"
    );
    check_pdf("badge_no_photo", &rendered.bytes);

    let mut big = sample("Big Photo", BadgeSize::BrotherQl62x100);
    big.photo = Some(crate::util::big_jpeg(20));
    assert!(
        big.photo.as_ref().is_some_and(|p| p.len() > 8_000_000),
        "fixture is a multi-megabyte JPEG"
    );
    let rendered = render_badge(&big).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        rendered.warnings.is_empty(),
        "a big photo is fine: {:?}",
        rendered.warnings
    );
    assert!(
        rendered.bytes.len() < 1_000_000,
        "the photo is downscaled: {} bytes",
        rendered.bytes.len()
    );
    check_pdf("badge_big_photo", &rendered.bytes);
}

#[test]
fn impossible_input_is_an_error() {
    let mut tiny = sample(
        "A",
        BadgeSize::Custom {
            width_mm: 5.0,
            height_mm: 300.0,
        },
    );
    assert!(render_badge(&tiny).is_err(), "5 mm wide stock is refused");
    tiny.size = BadgeSize::Custom {
        width_mm: f32::NAN,
        height_mm: 50.0,
    };
    assert!(render_badge(&tiny).is_err(), "NaN size is refused");
    let mut backwards = sample("A", BadgeSize::A6);
    std::mem::swap(&mut backwards.valid_from, &mut backwards.valid_until);
    assert!(
        render_badge(&backwards).is_err(),
        "validity ending before it starts is refused"
    );
    let mut huge_qr = sample("A", BadgeSize::A6);
    huge_qr.qr_payload = "x".repeat(5000);
    assert!(
        render_badge(&huge_qr).is_err(),
        "a QR payload beyond QR capacity is refused"
    );
}

#[test]
fn band_colour_and_photo_are_drawn() {
    let mut data = sample("Colour Check", BadgeSize::BrotherQl62x100);
    data.band_colour = Colour { r: 200, g: 0, b: 0 };
    let rendered = render_badge(&data).unwrap_or_else(|e| panic!("{e}"));
    let path = check_pdf("badge_band", &rendered.bytes);
    let png = render_png(&path, 100);
    let img = image::open(&png[0])
        .unwrap_or_else(|e| panic!("{e}"))
        .to_rgb8();
    // The band fills the bottom 15 % of the page: sample a pixel near the bottom left corner.
    let p = img.get_pixel(3, img.height() - 3);
    assert!(
        p.0[0] > 150 && p.0[1] < 60 && p.0[2] < 60,
        "band is red, got {:?}",
        p.0
    );
    // The photo occupies the left part of the body.
    assert!(
        ink_ratio(&png[0], (0.05, 0.3, 0.25, 0.7)) > 0.5,
        "photo area is inked"
    );
}

#[test]
fn logo_and_custom_portrait_size() {
    let logo = {
        let img = image::RgbImage::from_fn(200, 80, |x, _| {
            if x < 100 {
                image::Rgb([220, 30, 30])
            } else {
                image::Rgb([30, 30, 220])
            }
        });
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap_or_else(|e| panic!("{e}"));
        out.into_inner()
    };
    let mut data = sample(
        "Logo Check",
        BadgeSize::Custom {
            width_mm: 70.0,
            height_mm: 110.0,
        },
    );
    data.logo = Some(logo);
    let rendered = render_badge(&data).unwrap_or_else(|e| panic!("{e}"));
    assert!(rendered.warnings.is_empty(), "{:?}", rendered.warnings);
    let path = check_pdf("badge_logo_custom", &rendered.bytes);
    let (w, h) = pdf_page_size(&path);
    assert!(
        (w - 198.4).abs() < 1.0 && (h - 311.8).abs() < 1.0,
        "custom 70×110 mm page, got {w}×{h}"
    );
    let png = render_png(&path, 100);
    let img = image::open(&png[0])
        .unwrap_or_else(|e| panic!("{e}"))
        .to_rgb8();
    // The logo sits at the top left, left of the site name: find its red half there.
    let red = (0..img.width() / 3)
        .flat_map(|x| (0..img.height() / 8).map(move |y| (x, y)))
        .filter(|&(x, y)| {
            let p = img.get_pixel(x, y).0;
            p[0] > 180 && p[1] < 80 && p[2] < 80
        })
        .count();
    assert!(red > 50, "logo drawn in the header ({red} red pixels)");
    assert!(
        pdf_text(&path).contains("Frontdesk HQ Berlin"),
        "site name beside the logo"
    );
}

#[test]
fn any_custom_size_renders_inside_the_page() {
    let sizes = [
        (20.0, 20.0),
        (20.0, 300.0),
        (300.0, 20.0),
        (54.0, 85.6),
        (40.0, 40.0),
        (39.0, 90.0),
        (300.0, 300.0),
        (62.0, 45.0),
    ];
    for (w, h) in sizes {
        let name = format!("badge_custom_{w}x{h}");
        let data = sample(
            "Dr. Nguyễn Thị Ánh-Linh Papadopoulou",
            BadgeSize::Custom {
                width_mm: w,
                height_mm: h,
            },
        );
        let rendered = render_badge(&data).unwrap_or_else(|e| panic!("{name}: {e}"));
        let path = check_pdf(&name, &rendered.bytes);
        let (pw, ph) = pdf_page_size(&path);
        for (x0, y0, x1, y1, word) in word_boxes(&path) {
            assert!(
                x0 >= -0.5 && y0 >= -0.5 && x1 <= pw + 0.5 && y1 <= ph + 0.5,
                "{name}: '{word}' leaves the page"
            );
        }
        render_png(&path, 72);
    }
}
