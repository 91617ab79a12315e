//! `frontdesk settings`: the site's settings as JSON, and one setting changed by name (for set-up
//! scripts and administrators without the window).

use anyhow::{Context, anyhow};
use clap::Subcommand;
use frontdesk_core::{Actor, Frontdesk};
use serde_json::Value;

use crate::output::Output;

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Print this PC's site settings as JSON.
    Show,
    /// Change one setting, e.g. `settings set kiosk_idle_seconds 30` or
    /// `settings set attendance.rounding_minutes 15`. VALUE is JSON (`true`, `30`, `["en","fr"]`,
    /// `null`); anything that is not JSON is taken as text.
    Set { key: String, value: String },
}

/// `settings`, with `key` (dotted for nested settings) set to `value` in it.
fn with_setting(mut settings: Value, key: &str, value: &str) -> anyhow::Result<Value> {
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
    let mut slot = &mut settings;
    for part in key.split('.') {
        slot = slot
            .as_object_mut()
            .and_then(|o| o.get_mut(part))
            .ok_or_else(|| anyhow!("there is no setting named {key}"))?;
    }
    *slot = value;
    Ok(settings)
}

pub async fn run(
    api: &Frontdesk,
    actor: &Actor,
    cmd: SettingsCommand,
    out: &Output,
) -> anyhow::Result<()> {
    let site = api.home_site(actor).await?.id;
    let settings = api.settings(actor, site).await?;
    match cmd {
        SettingsCommand::Show => {
            println!("{}", serde_json::to_string_pretty(&settings)?);
        }
        SettingsCommand::Set { key, value } => {
            let changed = with_setting(serde_json::to_value(&settings)?, &key, &value)?;
            let changed = serde_json::from_value(changed)
                .with_context(|| format!("{value} is not a valid value for {key}"))?;
            let saved = api.update_settings(actor, site, changed).await?;
            out.message(&saved, &format!("{key} saved"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dotted_key_sets_a_nested_setting_and_text_needs_no_quotes() {
        let s = serde_json::json!({ "a": 1, "b": { "c": "x" } });
        assert_eq!(with_setting(s.clone(), "a", "30").expect("a")["a"], 30);
        assert_eq!(
            with_setting(s.clone(), "b.c", "hello").expect("b.c")["b"]["c"],
            "hello"
        );
        assert!(with_setting(s, "nope", "1").is_err());
    }
}
