//! `frontdesk staff …`: staff accounts (administrators), and `staff passwd` for one's own password.
//! New passwords and PINs come from FRONTDESK_NEW_PASSWORD / FRONTDESK_NEW_PIN or a prompt, never
//! from the command line (which other users of the PC can read).

use anyhow::{Context, anyhow};
use clap::Subcommand;
use frontdesk_core::people::staff::{NewStaffAccount, Session, StaffAccount};
use frontdesk_core::people::staff_admin::StaffUpdate;
use frontdesk_core::{Frontdesk, Role};

use crate::output::Output;

#[derive(Subcommand)]
pub enum StaffCommand {
    /// Every staff account, disabled ones included.
    List,
    /// Create an account; its first password from FRONTDESK_NEW_PASSWORD or a prompt.
    Create {
        username: String,
        /// Name shown in the window and the audit log.
        #[arg(long)]
        name: String,
        /// admin, front-desk or manager.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long)]
        email: Option<String>,
    },
    /// Change an account's role (admin, front-desk or manager).
    SetRole {
        username: String,
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Disable an account: it can no longer sign in, and its open sessions end.
    Disable { username: String },
    /// Enable a disabled account again.
    Enable { username: String },
    /// Set a new password (FRONTDESK_NEW_PASSWORD or a prompt); lifts a lockout, ends sessions.
    ResetPassword { username: String },
    /// Set the account's kiosk PIN (FRONTDESK_NEW_PIN or a prompt), or `--remove` it.
    SetPin {
        username: String,
        #[arg(long)]
        remove: bool,
    },
    /// Change your own password (the signed-in `--user`).
    Passwd,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "expected admin, front-desk or manager".to_string())
}

/// A new secret from `var` or, on a terminal, typed twice.
fn new_secret(var: &str, what: &str) -> anyhow::Result<String> {
    if let Ok(v) = std::env::var(var) {
        return Ok(v);
    }
    let first = rpassword::prompt_password(format!("New {what}: "))
        .with_context(|| format!("no {var} set and no terminal to ask for the {what}"))?;
    let again = rpassword::prompt_password(format!("New {what} again: "))?;
    if first != again {
        return Err(anyhow!("the two {what}s differ; nothing was changed"));
    }
    Ok(first)
}

async fn account(
    api: &Frontdesk,
    session: &Session,
    username: &str,
) -> anyhow::Result<StaffAccount> {
    api.staff_accounts(&session.actor)
        .await?
        .into_iter()
        .find(|a| a.username.eq_ignore_ascii_case(username.trim()))
        .ok_or_else(|| anyhow!("no staff account is called {username:?}"))
}

async fn set_active(
    api: &Frontdesk,
    session: &Session,
    username: &str,
    active: bool,
    out: &Output,
) -> anyhow::Result<()> {
    let a = account(api, session, username).await?;
    let changed = api
        .update_staff_account(
            &session.actor,
            a.id,
            StaffUpdate {
                active,
                ..update(&a)
            },
        )
        .await?;
    let state = if changed.active {
        "enabled"
    } else {
        "disabled"
    };
    out.message(&changed, &format!("{} is {state}", changed.username));
    Ok(())
}

fn update(a: &StaffAccount) -> StaffUpdate {
    StaffUpdate {
        display_name: a.display_name.clone(),
        email: a.email.clone(),
        role: a.role,
        active: a.active,
    }
}

pub async fn run(
    api: &Frontdesk,
    session: &Session,
    cmd: StaffCommand,
    out: &Output,
) -> anyhow::Result<()> {
    let actor = &session.actor;
    match cmd {
        StaffCommand::List => out.staff(&api.staff_accounts(actor).await?),
        StaffCommand::Create {
            username,
            name,
            role,
            email,
        } => {
            let password = new_secret("FRONTDESK_NEW_PASSWORD", "password")?;
            let created = api
                .create_staff_account(
                    actor,
                    NewStaffAccount {
                        username,
                        display_name: name,
                        email,
                        role,
                        password,
                        kiosk_pin: None,
                    },
                )
                .await?;
            out.message(
                &created,
                &format!("Created {} ({})", created.username, created.role.as_str()),
            );
        }
        StaffCommand::SetRole { username, role } => {
            let a = account(api, session, &username).await?;
            let changed = api
                .update_staff_account(actor, a.id, StaffUpdate { role, ..update(&a) })
                .await?;
            out.message(
                &changed,
                &format!("{} is now {}", changed.username, changed.role.as_str()),
            );
        }
        StaffCommand::Disable { username } => {
            set_active(api, session, &username, false, out).await?
        }
        StaffCommand::Enable { username } => set_active(api, session, &username, true, out).await?,
        StaffCommand::ResetPassword { username } => {
            let a = account(api, session, &username).await?;
            let password = new_secret("FRONTDESK_NEW_PASSWORD", "password")?;
            api.reset_staff_password(actor, a.id, password).await?;
            out.message(
                &serde_json::json!({ "username": a.username }),
                "Password reset",
            );
        }
        StaffCommand::SetPin { username, remove } => {
            let a = account(api, session, &username).await?;
            let pin = match remove {
                true => None,
                false => Some(new_secret("FRONTDESK_NEW_PIN", "kiosk PIN")?),
            };
            let changed = api.set_staff_kiosk_pin(actor, a.id, pin).await?;
            let text = if changed.has_kiosk_pin {
                "Kiosk PIN set"
            } else {
                "Kiosk PIN removed"
            };
            out.message(&changed, text);
        }
        StaffCommand::Passwd => {
            let current = crate::password("Current password: ")?;
            let new = new_secret("FRONTDESK_NEW_PASSWORD", "password")?;
            api.change_password(session, &current, new).await?;
            out.message(
                &serde_json::json!({ "username": session.account.username }),
                "Password changed",
            );
        }
    }
    Ok(())
}
