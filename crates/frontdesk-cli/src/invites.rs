//! `frontdesk invite …`: invitations staff create ahead of a visit; the visitor shows the QR code at
//! the kiosk.

use std::path::PathBuf;

use anyhow::Context;
use chrono::{NaiveDate, NaiveTime};
use clap::Subcommand;
use frontdesk_core::visits::invites::{Invite, NewInvite};
use frontdesk_core::{Actor, Frontdesk};

use crate::VisitorArgs;
use crate::output::Output;

#[derive(Subcommand)]
pub enum InviteCommand {
    /// Invite a visitor; prints the invitation with the text its QR code holds.
    Create {
        #[command(flatten)]
        visitor: VisitorArgs,
        /// Local date of the visit at the site.
        #[arg(long)]
        date: NaiveDate,
        /// Start of the expected window, HH:MM local (default: the start of the day).
        #[arg(long, value_parser = parse_time)]
        from: Option<NaiveTime>,
        /// End of the window, HH:MM local (default: the end of the day).
        #[arg(long, value_parser = parse_time)]
        until: Option<NaiveTime>,
        /// Also write the QR code to this file (to print or attach to an email): SVG, or PNG when
        /// the name ends in `.png`.
        #[arg(long)]
        qr: Option<PathBuf>,
    },
    /// Invitations whose window touches the given days (default: today and the next 30 days).
    List {
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
    },
    /// Cancel a pending invitation by its id.
    Cancel { id: uuid::Uuid },
}

fn parse_time(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| "use HH:MM, e.g. 09:30".to_string())
}

pub async fn run(
    api: &Frontdesk,
    actor: &Actor,
    cmd: InviteCommand,
    out: &Output,
) -> anyhow::Result<()> {
    let tz = api.home_site(actor).await?.time_zone;
    match cmd {
        InviteCommand::Create {
            visitor,
            date,
            from,
            until,
            qr,
        } => {
            let (visitor, host_employee_id, purpose) = visitor.resolve(api, actor).await?;
            let invite = api
                .create_invite(
                    actor,
                    NewInvite {
                        site_id: None,
                        visitor,
                        host_employee_id,
                        purpose,
                        date: Some(date),
                        from,
                        until,
                    },
                )
                .await?;
            if let Some(path) = qr {
                let png = path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("png"));
                let bytes = match png {
                    true => invite.qr_png()?,
                    false => invite.qr_svg.clone().into_bytes(),
                };
                std::fs::write(&path, bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            out.invites(std::slice::from_ref(&invite), tz);
        }
        InviteCommand::List { from, to } => {
            let from = from.unwrap_or_else(|| frontdesk_core::time::today_in(tz));
            let to = to.unwrap_or_else(|| from + chrono::Duration::days(30));
            let list: Vec<Invite> = api.invites(actor, None, from, to).await?;
            out.invites(&list, tz);
        }
        InviteCommand::Cancel { id } => {
            let invite = api.cancel_invite(actor, id).await?;
            out.invites(std::slice::from_ref(&invite), tz);
        }
    }
    Ok(())
}
