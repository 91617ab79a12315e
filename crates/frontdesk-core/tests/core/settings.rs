//! Site settings as stored: decoded key by key, so one bad value cannot reset the others.

use crate::fixtures::env;

#[tokio::test]
async fn one_unreadable_setting_keeps_the_others_and_is_reported() {
    let env = env().await;
    let a = &env.admin.actor;
    let site = env.api.home_site(a).await.expect("site").id;
    let mut s = env.api.settings(a, site).await.expect("settings");
    s.kiosk_idle_seconds = 99;
    s.badge_printer = Some("Front desk QL".into());
    env.api
        .update_settings(a, site, s)
        .await
        .expect("save settings");
    // What an older or newer build, or a hand edit, could leave behind.
    sqlx::query(
        "INSERT INTO settings (scope, key, value, updated_at) VALUES (?, 'visit_retention_days', '\"forever\"', 0)",
    )
    .bind(site.simple().to_string())
    .execute(env.api.pool())
    .await
    .expect("write a bad value");

    let s = env
        .api
        .settings(a, site)
        .await
        .expect("settings still load");
    assert_eq!(
        s.kiosk_idle_seconds, 99,
        "a good setting is kept, not reset"
    );
    assert_eq!(s.badge_printer.as_deref(), Some("Front desk QL"));
    assert_eq!(
        s.visit_retention_days, 730,
        "the unreadable one falls back to its default"
    );
    assert_eq!(
        s.unreadable,
        ["visit_retention_days"],
        "the bad key is reported so staff can see it"
    );

    let saved = env
        .api
        .update_settings(a, site, s)
        .await
        .expect("saving repairs the bad value");
    assert!(saved.unreadable.is_empty());
    let s = env.api.settings(a, site).await.expect("settings");
    assert!(
        s.unreadable.is_empty(),
        "the stored value was replaced: {s:?}"
    );
    assert_eq!(s.visit_retention_days, 730);
    let audit = env.api.audit(a, Default::default()).await.expect("audit");
    assert!(
        audit.iter().any(|r| r.action == "settings.update"
            && r.details.to_string().contains("visit_retention_days")),
        "the repair is audited"
    );
}

#[tokio::test]
async fn a_form_opened_before_someone_else_saved_cannot_overwrite_their_change() {
    let env = env().await;
    let a = &env.admin.actor;
    let site = env.api.home_site(a).await.expect("site").id;
    let window = env
        .api
        .settings(a, site)
        .await
        .expect("window opens settings");
    let cli = env.api.settings(a, site).await.expect("CLI opens settings");

    let mut first = cli.clone();
    first.kiosk_idle_seconds = 120;
    let saved = env
        .api
        .update_settings(a, site, first)
        .await
        .expect("CLI saves");
    assert!(
        saved.revision > window.revision,
        "saving moves the revision"
    );

    // The window's form still holds 60 s and now changes the printer.
    let mut stale = window.clone();
    stale.badge_printer = Some("Lobby QL".into());
    let err = env
        .api
        .update_settings(a, site, stale)
        .await
        .expect_err("stale form");
    assert!(
        err.to_string().contains("kiosk_idle_seconds"),
        "names the setting someone else changed: {err}"
    );
    let now = env.api.settings(a, site).await.expect("settings");
    assert_eq!(now.kiosk_idle_seconds, 120, "the newer change survives");
    assert_eq!(
        now.badge_printer, None,
        "nothing of the stale form was saved"
    );

    // Reloaded, the same edit goes through.
    let mut fresh = now;
    fresh.badge_printer = Some("Lobby QL".into());
    let saved = env
        .api
        .update_settings(a, site, fresh)
        .await
        .expect("fresh form");
    assert_eq!(saved.badge_printer.as_deref(), Some("Lobby QL"));
    assert_eq!(saved.kiosk_idle_seconds, 120);
}
