//! The kiosk window: its commands (all acting as this PC's kiosk, never as the staff member signed
//! in at the console) and the windows themselves. The kiosk capability grants only these commands.

use frontdesk_core::attendance::clock::ClockResult;
use frontdesk_core::faces::walkup::WalkUp;
use frontdesk_core::kiosk::camera::CameraView;
use frontdesk_core::kiosk::check_in::KioskCheckIn;
use frontdesk_core::kiosk::photo::KioskPhoto;
use frontdesk_core::kiosk::speech::SpeechStatus;
use frontdesk_core::kiosk::{KioskConfig, KioskVisit, ScanResult};
use frontdesk_core::people::employees::HostSummary;
use frontdesk_core::visits::invites::RedeemInvite;
use frontdesk_core::visits::visitor_faces::VisitorFaceResult;
use frontdesk_core::visits::visitors::ReturningVisitor;
use frontdesk_core::visits::{SignInRequest, SignOutMethod};
use frontdesk_core::{Actor, ApiError};
use tauri::{AppHandle, Manager, State, WebviewUrl, WebviewWindowBuilder};
use uuid::Uuid;

use crate::state::AppState;

type Res<T> = Result<T, ApiError>;

/// The window label the kiosk capability is granted to.
pub const KIOSK: &str = "kiosk";
/// The staff console's window label.
pub const CONSOLE: &str = "main";

async fn kiosk(state: &AppState) -> Res<Actor> {
    Ok(state.api.kiosk_actor().await?)
}

/// Opens the kiosk window full screen, or brings it to the front when it is open.
pub fn open_kiosk_window(app: &AppHandle) -> tauri::Result<()> {
    if let Some(w) = app.get_webview_window(KIOSK) {
        return w.set_focus();
    }
    let mut window = WebviewWindowBuilder::new(app, KIOSK, WebviewUrl::default())
        .title("Frontdesk kiosk")
        .fullscreen(true);
    // A kiosk PC may run a bare X session without a window manager to honour "full screen": the
    // window then starts at the size of the screen it is on.
    if let Ok(Some(monitor)) = app.primary_monitor() {
        let size = monitor.size().to_logical::<f64>(monitor.scale_factor());
        window = window
            .inner_size(size.width, size.height)
            .position(0.0, 0.0);
    }
    window.build()?;
    Ok(())
}

/// Opens the staff console window, or brings it to the front.
pub fn open_console_window(app: &AppHandle) -> tauri::Result<()> {
    if let Some(w) = app.get_webview_window(CONSOLE) {
        w.show()?;
        return w.set_focus();
    }
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == CONSOLE)
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    WebviewWindowBuilder::from_config(app, &config)?.build()?;
    Ok(())
}

#[tauri::command]
pub async fn kiosk_config(state: State<'_, AppState>) -> Res<KioskConfig> {
    Ok(state.api.kiosk_config(&kiosk(&state).await?).await?)
}

#[tauri::command]
pub async fn kiosk_search_hosts(
    state: State<'_, AppState>,
    query: String,
) -> Res<Vec<HostSummary>> {
    Ok(state
        .api
        .search_hosts(&kiosk(&state).await?, &query)
        .await?)
}

#[tauri::command]
pub async fn kiosk_find_returning(
    state: State<'_, AppState>,
    email_or_phone: String,
) -> Res<Option<ReturningVisitor>> {
    Ok(state
        .api
        .find_returning_visitor(&kiosk(&state).await?, &email_or_phone)
        .await?)
}

#[tauri::command]
pub async fn kiosk_sign_in(state: State<'_, AppState>, req: SignInRequest) -> Res<KioskCheckIn> {
    Ok(state.api.kiosk_sign_in(&kiosk(&state).await?, req).await?)
}

#[tauri::command]
pub async fn kiosk_redeem_invite(
    state: State<'_, AppState>,
    req: RedeemInvite,
) -> Res<KioskCheckIn> {
    Ok(state
        .api
        .kiosk_redeem_invite(&kiosk(&state).await?, req)
        .await?)
}

#[tauri::command]
pub async fn kiosk_find_signed_in(
    state: State<'_, AppState>,
    query: String,
) -> Res<Vec<KioskVisit>> {
    Ok(state
        .api
        .kiosk_find_signed_in(&kiosk(&state).await?, &query)
        .await?)
}

#[tauri::command]
pub async fn kiosk_sign_out(state: State<'_, AppState>, visit_id: Uuid) -> Res<()> {
    state
        .api
        .sign_out_visit(&kiosk(&state).await?, visit_id, SignOutMethod::Kiosk)
        .await?;
    Ok(())
}

#[tauri::command]
pub async fn kiosk_scan(state: State<'_, AppState>, qr: String) -> Res<ScanResult> {
    Ok(state.api.kiosk_scan(&kiosk(&state).await?, &qr).await?)
}

/// A staff PIN leaves kiosk mode: the console opens and the kiosk window closes.
#[tauri::command]
pub async fn kiosk_unlock(app: AppHandle, state: State<'_, AppState>, pin: String) -> Res<String> {
    let name = state.api.kiosk_unlock(&kiosk(&state).await?, &pin).await?;
    let shown = open_console_window(&app).and_then(|()| match app.get_webview_window(KIOSK) {
        Some(w) => w.close(),
        None => Ok(()),
    });
    if let Err(e) = shown {
        tracing::error!(error = %e, "leaving the kiosk");
    }
    Ok(name)
}

/// From the console: opens the kiosk window beside it (for a second, visitor-facing screen).
#[tauri::command]
pub async fn open_kiosk(app: AppHandle, state: State<'_, AppState>) -> Res<()> {
    state.actor().await?; // staff only
    open_kiosk_window(&app).map_err(|e| frontdesk_core::Error::Internal(e.to_string()).into())
}

/// The kiosk camera's newest frame after `after`, with the face box, hint and any QR code.
#[tauri::command]
pub async fn kiosk_camera(state: State<'_, AppState>, after: u64) -> Res<CameraView> {
    Ok(state.api.kiosk_camera(&kiosk(&state).await?, after).await?)
}

/// "I have been here before" by face, from the kiosk camera.
#[tauri::command]
pub async fn kiosk_recognise_face(state: State<'_, AppState>) -> Res<VisitorFaceResult> {
    Ok(state
        .api
        .kiosk_recognise_face(&kiosk(&state).await?)
        .await?)
}

/// "Recognise my face next time", right after the visitor signed in and asked for it.
#[tauri::command]
pub async fn kiosk_remember_face(state: State<'_, AppState>, visitor_id: Uuid) -> Res<()> {
    Ok(state
        .api
        .kiosk_remember_face(&kiosk(&state).await?, visitor_id)
        .await?)
}

/// The visitor's photo from the kiosk camera, kept for the sign-in that names it.
#[tauri::command]
pub async fn kiosk_take_photo(state: State<'_, AppState>) -> Res<KioskPhoto> {
    Ok(state.api.kiosk_take_photo(&kiosk(&state).await?).await?)
}

/// Reads a kiosk step aloud through the OS speech service (the visitor turned read-aloud on).
#[tauri::command]
pub async fn kiosk_speak(
    state: State<'_, AppState>,
    text: String,
    lang: String,
) -> Res<SpeechStatus> {
    Ok(state
        .api
        .kiosk_speak(&kiosk(&state).await?, &text, &lang)
        .await?)
}

/// An employee clocks in or out with their code and PIN at the kiosk.
#[tauri::command]
pub async fn kiosk_clock_by_pin(
    state: State<'_, AppState>,
    code: String,
    pin: String,
) -> Res<ClockResult> {
    Ok(state
        .api
        .clock_by_pin(&kiosk(&state).await?, &code, &pin)
        .await?)
}

/// The clock-in camera's answer for its newest frame (the window asks in a loop while the
/// clock-in screen shows).
#[tauri::command]
pub async fn kiosk_walk_up(state: State<'_, AppState>) -> Res<WalkUp> {
    Ok(state.api.kiosk_walk_up(&kiosk(&state).await?).await?)
}

/// "Not you? Undo" right after an employee clocked at this kiosk.
#[tauri::command]
pub async fn kiosk_undo_clock(state: State<'_, AppState>, event_id: Uuid) -> Res<()> {
    Ok(state
        .api
        .undo_clock(&kiosk(&state).await?, event_id)
        .await?)
}
