//! A visitor's sign-in at the kiosk as one step: the visit, the host's notification (recorded as
//! pending for the notifications service to deliver) and the badge on the site's printer. The
//! visit stands even when the printer is offline or unset: the done screen says where to get a badge.

use serde::Serialize;
use ts_rs::TS;

use crate::documents::badge_prints::{BadgePrintRequest, PrintOutcome};
use crate::error::Result;
use crate::people::auth::{Actor, Permission};
use crate::visits::invites::RedeemInvite;
use crate::visits::{SignInRequest, Visit};
use crate::{Frontdesk, new_id, now_ms};

/// What the kiosk's done screen needs after a sign-in.
#[derive(Debug, Clone, Serialize, TS)]
pub struct KioskCheckIn {
    /// The visit as recorded.
    pub visit: Visit,
    /// How the badge print went; `None` when the site has no badge printer.
    pub badge: Option<PrintOutcome>,
    /// The host will be told (a notification is waiting to be sent).
    pub host_notified: bool,
}

impl Frontdesk {
    /// Signs a visitor in from the kiosk ([`Frontdesk::sign_in_visitor`]), records the host's
    /// notification as pending and prints the badge.
    pub async fn kiosk_sign_in(&self, actor: &Actor, req: SignInRequest) -> Result<KioskCheckIn> {
        actor.require(Permission::SignVisitors)?;
        let visit = self.sign_in_visitor(actor, req).await?;
        self.after_kiosk_sign_in(actor, visit).await
    }

    /// Signs an invited visitor in from the kiosk ([`Frontdesk::redeem_invite`]), then as
    /// [`Frontdesk::kiosk_sign_in`].
    pub async fn kiosk_redeem_invite(
        &self,
        actor: &Actor,
        req: RedeemInvite,
    ) -> Result<KioskCheckIn> {
        actor.require(Permission::SignVisitors)?;
        let visit = self.redeem_invite(actor, req).await?;
        self.after_kiosk_sign_in(actor, visit).await
    }

    async fn after_kiosk_sign_in(&self, actor: &Actor, visit: Visit) -> Result<KioskCheckIn> {
        let host_notified = match visit.host_employee_id {
            Some(host) => {
                let email: Option<Option<String>> =
                    sqlx::query_scalar("SELECT email FROM employees WHERE id = ?")
                        .bind(host)
                        .fetch_optional(&self.pool)
                        .await?;
                let channel = match email.flatten() {
                    Some(_) => "email",
                    None => "desk",
                };
                let now = now_ms();
                sqlx::query(
                    "INSERT INTO host_notifications (id, visit_id, employee_id, channel, status, next_attempt_at,
                        created_at, updated_at)
                     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)",
                )
                .bind(new_id())
                .bind(visit.id)
                .bind(host)
                .bind(channel)
                .bind(now)
                .bind(now)
                .bind(now)
                .execute(&self.pool)
                .await?;
                true
            }
            None => false,
        };
        let settings = self.settings(actor, visit.site_id).await?;
        let badge = match settings.badge_printer {
            None => None,
            Some(printer) => {
                let outcome = self
                    .print_badge(
                        actor,
                        BadgePrintRequest {
                            visit_id: visit.id,
                            printer: Some(printer),
                            confirm_reprint: false,
                        },
                    )
                    .await
                    .map(|p| p.outcome);
                Some(match outcome {
                    Ok(o) => o,
                    Err(e) => {
                        tracing::warn!(visit = %visit.id, error = %e, "kiosk badge print");
                        PrintOutcome::Failed
                    }
                })
            }
        };
        Ok(KioskCheckIn {
            visit,
            badge,
            host_notified,
        })
    }
}
