//! The evacuation list: everyone on site now, grouped by area.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::fonts::Weight;
use crate::pdf::{Align, Colour};
use crate::table::{A4, FlowDoc};
use crate::{Rendered, Result, Warning, photo};

/// Who someone on site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    Employee,
    Visitor,
    Contractor,
}

impl PersonKind {
    fn label(self) -> &'static str {
        match self {
            PersonKind::Employee => "Employee",
            PersonKind::Visitor => "Visitor",
            PersonKind::Contractor => "Contractor",
        }
    }
}

/// One person on site now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvacuationPerson {
    pub name: String,
    pub kind: PersonKind,
    /// Company (visitors) or department (employees).
    pub organisation: Option<String>,
    /// The host responsible for a visitor.
    pub host_name: Option<String>,
    pub phone: Option<String>,
    /// Building, floor or zone; people without one are listed under "Area not recorded".
    pub area: Option<String>,
    pub since: DateTime<Utc>,
    /// JPEG or PNG.
    pub photo: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvacuationData {
    pub site_name: String,
    pub tz: Tz,
    pub generated_at: DateTime<Utc>,
    pub people: Vec<EvacuationPerson>,
}

const NO_AREA: &str = "Area not recorded";

/// The evacuation list: everyone on site, grouped by area, with photo, host and phone, and a tick box for
/// the roll call. One click in the UI prints it; it needs nothing but the local data.
pub fn render_evacuation_list(data: &EvacuationData) -> Result<Rendered> {
    let tz = data.tz;
    let when = data
        .generated_at
        .with_timezone(&tz)
        .format("%a %-d %b %Y %H:%M")
        .to_string();
    let mut doc = FlowDoc::new("Evacuation list", A4, &format!("Evacuation list · {when}"));
    let visitors = data
        .people
        .iter()
        .filter(|p| p.kind != PersonKind::Employee)
        .count();
    let employees = data.people.len() - visitors;
    let (x, w) = (doc.margin, doc.content_w());
    doc.canvas.fill(
        x,
        doc.y,
        w,
        12.0,
        Colour {
            r: 200,
            g: 30,
            b: 30,
        },
    );
    doc.text_box(
        "EVACUATION LIST",
        Weight::Bold,
        (x + 3.0, doc.y + 2.0, w * 0.5, 8.0),
        1,
        (18.0, 10.0),
        Align::Left,
        Colour::WHITE,
        "title",
    );
    doc.text_box(
        &format!("{} on site", data.people.len()),
        Weight::Bold,
        (x + w * 0.5, doc.y + 2.0, w * 0.5 - 3.0, 8.0),
        1,
        (18.0, 10.0),
        Align::Right,
        Colour::WHITE,
        "title",
    );
    doc.y += 14.0;
    doc.text_box(
        &format!(
            "{} · as of {when} · {visitors} visitors/contractors, {employees} employees",
            data.site_name
        ),
        Weight::Regular,
        (x, doc.y, w, 5.5),
        1,
        (10.0, 6.0),
        Align::Left,
        Colour::GREY,
        "site_name",
    );
    doc.y += 8.0;
    let mut groups: BTreeMap<(bool, String), Vec<&EvacuationPerson>> = BTreeMap::new();
    for p in &data.people {
        let area = p
            .area
            .as_deref()
            .map(crate::text::sanitize)
            .filter(|s| !s.is_empty());
        groups
            .entry((area.is_none(), area.unwrap_or_else(|| NO_AREA.into())))
            .or_default()
            .push(p);
    }
    let row_h = 17.0;
    for ((_, area), mut people) in groups {
        people.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.name.cmp(&b.name)));
        doc.ensure(8.0 + row_h);
        doc.canvas.fill(
            x,
            doc.y,
            w,
            7.0,
            Colour {
                r: 52,
                g: 64,
                b: 84,
            },
        );
        doc.text_box(
            &format!("{area} — {}", people.len()),
            Weight::Bold,
            (x + 2.0, doc.y + 1.0, w - 4.0, 5.0),
            1,
            (11.0, 7.0),
            Align::Left,
            Colour::WHITE,
            "area",
        );
        doc.y += 8.0;
        for p in people {
            if doc.ensure(row_h) {
                doc.text_box(
                    &format!("{area} (continued)"),
                    Weight::Bold,
                    (x, doc.y, w, 5.0),
                    1,
                    (9.0, 6.0),
                    Align::Left,
                    Colour::GREY,
                    "area",
                );
                doc.y += 6.0;
            }
            let y = doc.y;
            // Tick box for the roll call.
            doc.canvas
                .stroke_rect(x + 1.0, y + 5.0, 6.0, 6.0, Colour::BLACK, 0.8);
            // Photo (or a grey placeholder) 12 × 15 mm.
            let (px, pw, ph) = (x + 10.0, 12.0, 15.0);
            match p
                .photo
                .as_deref()
                .map(|b| photo::load(b, Some(pw / ph), 160))
            {
                Some(Ok(pic)) => doc.canvas.image(pic, px, y + 1.0, pw, ph),
                other => {
                    if let Some(Err(e)) = other {
                        doc.warnings.push(Warning::PhotoUnusable {
                            reason: format!("{}: {e}", crate::text::sanitize(&p.name)),
                        });
                    }
                    doc.canvas.fill(
                        px,
                        y + 1.0,
                        pw,
                        ph,
                        Colour {
                            r: 225,
                            g: 228,
                            b: 233,
                        },
                    );
                }
            }
            let tx = px + pw + 3.0;
            let col = (x + w - tx) / 2.0;
            doc.text_box(
                &p.name,
                Weight::Bold,
                (tx, y + 1.0, col - 2.0, 6.0),
                1,
                (11.0, 6.0),
                Align::Left,
                Colour::BLACK,
                "name",
            );
            let kind = match &p.organisation {
                Some(o) if !o.trim().is_empty() => format!("{} · {o}", p.kind.label()),
                _ => p.kind.label().to_string(),
            };
            let kind_colour = if p.kind == PersonKind::Employee {
                Colour::GREY
            } else {
                Colour {
                    r: 176,
                    g: 60,
                    b: 0,
                }
            };
            doc.text_box(
                &kind,
                Weight::Regular,
                (tx, y + 7.5, col - 2.0, 4.5),
                1,
                (9.0, 6.0),
                Align::Left,
                kind_colour,
                "organisation",
            );
            let since = format!(
                "on site since {}",
                p.since.with_timezone(&tz).format("%H:%M")
            );
            doc.text_box(
                &since,
                Weight::Regular,
                (tx, y + 12.0, col - 2.0, 4.0),
                1,
                (8.0, 6.0),
                Align::Left,
                Colour::GREY,
                "since",
            );
            let host = p
                .host_name
                .as_deref()
                .filter(|h| !h.trim().is_empty())
                .map(|h| format!("Host: {h}"))
                .unwrap_or_default();
            doc.text_box(
                &host,
                Weight::Regular,
                (tx + col, y + 1.5, col, 5.0),
                1,
                (10.0, 6.0),
                Align::Left,
                Colour::BLACK,
                "host",
            );
            let phone = p
                .phone
                .as_deref()
                .filter(|h| !h.trim().is_empty())
                .map(|h| format!("Phone: {h}"))
                .unwrap_or_default();
            doc.text_box(
                &phone,
                Weight::Bold,
                (tx + col, y + 7.5, col, 5.0),
                1,
                (10.0, 6.0),
                Align::Left,
                Colour::BLACK,
                "phone",
            );
            doc.y += row_h;
            doc.canvas.line(x, doc.y, x + w, doc.y, Colour::LIGHT, 0.4);
        }
        doc.gap(3.0);
    }
    if data.people.is_empty() {
        doc.para(
            "Nobody is signed in on site.",
            Weight::Regular,
            11.0,
            Colour::GREY,
        );
    }
    doc.finish()
}
