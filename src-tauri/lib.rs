//! The desktop shell: window, state and thin async commands over the core API. No behaviour lives
//! here; each command takes typed arguments, calls one core method and maps the error.

mod commands;
#[cfg(test)]
mod ipc_contract;
mod kiosk;
mod state;

use anyhow::Context;
use tauri::Manager;

/// Shortly after start and then every minute while the window runs: signs out visitors left signed
/// in at the end of the day, and makes due scheduled exports.
async fn scheduled_jobs(api: frontdesk_core::Frontdesk) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    loop {
        tick.tick().await;
        if !api.is_initialised().await.unwrap_or(false) {
            continue;
        }
        match api.auto_sign_out(chrono::Utc::now()).await {
            Ok(done) => {
                for d in done {
                    tracing::info!(site = %d.site_id, visits = d.signed_out, "auto sign-out");
                }
            }
            Err(e) => tracing::error!(error = %e, "auto sign-out"),
        }
        match api.expire_photos(chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(photos = n, "retention: expired visitor photos deleted"),
            Err(e) => tracing::error!(error = %e, "photo retention"),
        }
        match api.run_due_exports(chrono::Utc::now()).await {
            Ok(runs) => {
                for r in runs {
                    tracing::info!(schedule = %r.schedule_name, status = ?r.status, "scheduled export");
                }
            }
            Err(e) => tracing::error!(error = %e, "scheduled exports"),
        }
    }
}

/// Tells the windows, as `data-changed` events, when the database changes, whoever changed it
/// (this process's windows, the CLI, another process): the screens reload what they show then,
/// instead of polling. Checks the change log twice a second.
async fn forward_changes(app: tauri::AppHandle, api: frontdesk_core::Frontdesk) {
    use tauri::Emitter;
    let mut seen = api.last_change().await.unwrap_or(0);
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
    loop {
        tick.tick().await;
        match api.changes_since(seen).await {
            Ok(Some(change)) => {
                seen = change.seq;
                if let Err(e) = app.emit("data-changed", &change) {
                    tracing::warn!(error = %e, "could not tell the windows about a change");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "change log"),
        }
    }
}

/// Starts the window. The data directory comes from `FRONTDESK_DATA_DIR` or the OS app-data dir;
/// `--demo` (or `FRONTDESK_DEMO=1`) fills an empty database with demo data. `--kiosk` (or
/// `FRONTDESK_KIOSK=1`) opens only the full-screen visitor kiosk, for a PC that is a kiosk alone;
/// otherwise the staff console opens, and it can open the kiosk beside it.
pub fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FRONTDESK_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    let data_dir = frontdesk_core::store::paths::default_data_dir()
        .context("no home directory to keep data in; set FRONTDESK_DATA_DIR")?;
    let flag = |arg: &str, var: &str| {
        std::env::args().any(|a| a == arg) || std::env::var(var).is_ok_and(|v| v == "1")
    };
    let demo = flag("--demo", "FRONTDESK_DEMO");
    let kiosk_only = flag("--kiosk", "FRONTDESK_KIOSK");
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let state = runtime
        .block_on(state::AppState::open(&data_dir, demo))
        .with_context(|| format!("opening the database in {}", data_dir.display()))?;
    tauri::async_runtime::set(runtime.handle().clone());
    tauri::Builder::default()
        .setup(move |app| {
            tauri::async_runtime::spawn(scheduled_jobs(state.api.clone()));
            tauri::async_runtime::spawn(forward_changes(app.handle().clone(), state.api.clone()));
            app.manage(state);
            if kiosk_only {
                kiosk::open_kiosk_window(app.handle())?;
            } else {
                kiosk::open_console_window(app.handle())?;
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::setup,
            commands::login,
            commands::logout,
            commands::lock_console,
            commands::unlock_console,
            commands::change_password,
            commands::staff_accounts,
            commands::create_staff_account,
            commands::update_staff_account,
            commands::reset_staff_password,
            commands::set_staff_kiosk_pin,
            commands::on_site,
            commands::visits,
            commands::sign_in_visitor,
            commands::sign_out_visit,
            commands::search_hosts,
            commands::search_visitors,
            commands::employees,
            commands::import_employees,
            commands::create_employee,
            commands::update_employee,
            commands::enrol_employee_faces,
            commands::erase_employee_faces,
            commands::audit,
            commands::save_audit_export,
            commands::print_badge,
            commands::save_evacuation_list,
            commands::correct_timesheet,
            commands::approve_timesheet,
            commands::save_export,
            commands::export_schedules,
            commands::save_export_schedule,
            commands::delete_export_schedule,
            commands::export_runs,
            commands::printers,
            commands::site_settings,
            commands::update_site_settings,
            commands::cameras,
            commands::create_invite,
            commands::invites,
            commands::cancel_invite,
            commands::review_queue,
            commands::review_snapshot,
            commands::resolve_review,
            kiosk::open_kiosk,
            kiosk::kiosk_config,
            kiosk::kiosk_search_hosts,
            kiosk::kiosk_find_returning,
            kiosk::kiosk_sign_in,
            kiosk::kiosk_redeem_invite,
            kiosk::kiosk_find_signed_in,
            kiosk::kiosk_sign_out,
            kiosk::kiosk_scan,
            kiosk::kiosk_unlock,
            kiosk::kiosk_camera,
            kiosk::kiosk_recognise_face,
            kiosk::kiosk_remember_face,
            kiosk::kiosk_take_photo,
            kiosk::kiosk_speak,
            kiosk::kiosk_clock_by_pin,
            kiosk::kiosk_undo_clock,
            kiosk::kiosk_walk_up,
        ])
        .run(tauri::generate_context!())
        .context("running the window")?;
    Ok(())
}
