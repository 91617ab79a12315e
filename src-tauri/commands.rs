//! IPC commands. All async (a sync command would run on the main thread and freeze the window).

use frontdesk_core::attendance::timesheets::{
    ApprovalRequest, CorrectionRequest, TimesheetApproval, TimesheetCorrection,
};
use frontdesk_core::audit::{AuditEntry, AuditQuery};
use frontdesk_core::documents::SavedDocument;
use frontdesk_core::documents::badge_prints::{BadgePrint, BadgePrintRequest};
use frontdesk_core::documents::exports::{ExportRequest, ExportRun, ExportSchedule, ScheduleSpec};
use frontdesk_core::documents::printing::Printer;
use frontdesk_core::kiosk::camera::CameraChoice;
use frontdesk_core::people::employees::{Employee, EmployeeQuery, HostSummary};
use frontdesk_core::people::import::ImportReport;
use frontdesk_core::people::staff::StaffAccount;
use frontdesk_core::site::InitRequest;
use frontdesk_core::site::settings::SiteSettings;
use frontdesk_core::visits::onsite::OnSiteNow;
use frontdesk_core::visits::visitors::VisitorSummary;
use frontdesk_core::visits::{SignInRequest, SignOutMethod, Visit, VisitQuery};
use frontdesk_core::{ApiError, AppStatus};
use tauri::State;
use uuid::Uuid;

use crate::state::AppState;

type Res<T> = Result<T, ApiError>;

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Res<AppStatus> {
    let status = state.api.status().await?;
    Ok(match state.session() {
        Some((actor, account)) => status.signed_in(&actor, account),
        None => status,
    })
}

#[tauri::command]
pub async fn setup(state: State<'_, AppState>, req: InitRequest) -> Res<()> {
    state.api.init(req).await?;
    Ok(())
}

#[tauri::command]
pub async fn login(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> Res<StaffAccount> {
    let session = state.api.login(&username, &password).await?;
    state.set_session(Some((session.actor, session.account.clone())));
    Ok(session.account)
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> Res<()> {
    state.set_session(None);
    Ok(())
}

#[tauri::command]
pub async fn on_site(state: State<'_, AppState>) -> Res<OnSiteNow> {
    Ok(state.api.on_site(&state.actor()?, None).await?)
}

#[tauri::command]
pub async fn visits(state: State<'_, AppState>, query: VisitQuery) -> Res<Vec<Visit>> {
    Ok(state.api.visits(&state.actor()?, query).await?)
}

#[tauri::command]
pub async fn sign_in_visitor(state: State<'_, AppState>, req: SignInRequest) -> Res<Visit> {
    Ok(state.api.sign_in_visitor(&state.actor()?, req).await?)
}

#[tauri::command]
pub async fn sign_out_visit(state: State<'_, AppState>, visit_id: Uuid) -> Res<Visit> {
    Ok(state
        .api
        .sign_out_visit(&state.actor()?, visit_id, SignOutMethod::Desk)
        .await?)
}

#[tauri::command]
pub async fn search_hosts(state: State<'_, AppState>, query: String) -> Res<Vec<HostSummary>> {
    Ok(state.api.search_hosts(&state.actor()?, &query).await?)
}

#[tauri::command]
pub async fn search_visitors(
    state: State<'_, AppState>,
    query: String,
) -> Res<Vec<VisitorSummary>> {
    Ok(state.api.search_visitors(&state.actor()?, &query).await?)
}

#[tauri::command]
pub async fn employees(state: State<'_, AppState>, query: EmployeeQuery) -> Res<Vec<Employee>> {
    Ok(state.api.employees(&state.actor()?, query).await?)
}

#[tauri::command]
pub async fn import_employees(state: State<'_, AppState>, csv: String) -> Res<ImportReport> {
    Ok(state
        .api
        .import_employees_csv(&state.actor()?, csv.as_bytes())
        .await?)
}

#[tauri::command]
pub async fn audit(state: State<'_, AppState>, query: AuditQuery) -> Res<Vec<AuditEntry>> {
    Ok(state.api.audit(&state.actor()?, query).await?)
}

#[tauri::command]
pub async fn print_badge(state: State<'_, AppState>, req: BadgePrintRequest) -> Res<BadgePrint> {
    Ok(state.api.print_badge(&state.actor()?, req).await?)
}

#[tauri::command]
pub async fn save_evacuation_list(state: State<'_, AppState>) -> Res<SavedDocument> {
    Ok(state
        .api
        .save_evacuation_list(&state.actor()?, None)
        .await?)
}

#[tauri::command]
pub async fn correct_timesheet(
    state: State<'_, AppState>,
    req: CorrectionRequest,
) -> Res<TimesheetCorrection> {
    Ok(state.api.correct_timesheet(&state.actor()?, req).await?)
}

#[tauri::command]
pub async fn approve_timesheet(
    state: State<'_, AppState>,
    req: ApprovalRequest,
) -> Res<TimesheetApproval> {
    Ok(state
        .api
        .approve_timesheet(&state.actor()?, req.employee_id, req.from, req.to)
        .await?)
}

#[tauri::command]
pub async fn save_export(state: State<'_, AppState>, req: ExportRequest) -> Res<SavedDocument> {
    Ok(state.api.save_export(&state.actor()?, req).await?)
}

#[tauri::command]
pub async fn export_schedules(state: State<'_, AppState>) -> Res<Vec<ExportSchedule>> {
    Ok(state.api.export_schedules(&state.actor()?).await?)
}

#[tauri::command]
pub async fn save_export_schedule(
    state: State<'_, AppState>,
    id: Option<Uuid>,
    spec: ScheduleSpec,
) -> Res<ExportSchedule> {
    Ok(state
        .api
        .save_export_schedule(&state.actor()?, id, spec)
        .await?)
}

#[tauri::command]
pub async fn delete_export_schedule(state: State<'_, AppState>, id: Uuid) -> Res<()> {
    Ok(state
        .api
        .delete_export_schedule(&state.actor()?, id)
        .await?)
}

#[tauri::command]
pub async fn export_runs(state: State<'_, AppState>, id: Uuid) -> Res<Vec<ExportRun>> {
    Ok(state.api.export_runs(&state.actor()?, id).await?)
}

#[tauri::command]
pub async fn printers(state: State<'_, AppState>) -> Res<Vec<Printer>> {
    Ok(state.api.printers(&state.actor()?).await?)
}

#[tauri::command]
pub async fn site_settings(state: State<'_, AppState>) -> Res<SiteSettings> {
    let actor = state.actor()?;
    let site = state.api.home_site(&actor).await?;
    Ok(state.api.settings(&actor, site.id).await?)
}

/// The cameras this PC has, for the kiosk camera setting.
#[tauri::command]
pub async fn cameras(state: State<'_, AppState>) -> Res<Vec<CameraChoice>> {
    Ok(state.api.cameras(&state.actor()?).await?)
}

#[tauri::command]
pub async fn update_site_settings(
    state: State<'_, AppState>,
    settings: SiteSettings,
) -> Res<SiteSettings> {
    let actor = state.actor()?;
    let site = state.api.home_site(&actor).await?;
    Ok(state.api.update_settings(&actor, site.id, settings).await?)
}
