//! IPC commands. All async (a sync command would run on the main thread and freeze the window).

use chrono::NaiveDate;
use frontdesk_core::attendance::timesheets::{
    ApprovalRequest, CorrectionRequest, TimesheetApproval, TimesheetCorrection,
};
use frontdesk_core::audit::{AuditEntry, AuditQuery};
use frontdesk_core::documents::SavedDocument;
use frontdesk_core::documents::badge_prints::{BadgePrint, BadgePrintRequest};
use frontdesk_core::documents::exports::{ExportRequest, ExportRun, ExportSchedule, ScheduleSpec};
use frontdesk_core::documents::printing::Printer;
use frontdesk_core::faces::review::{ReviewDecision, ReviewItem};
use frontdesk_core::faces::{EnrolmentReport, decode_uploads};
use frontdesk_core::kiosk::camera::CameraChoice;
use frontdesk_core::people::employees::{Employee, EmployeeInput, EmployeeQuery, HostSummary};
use frontdesk_core::people::import::ImportReport;
use frontdesk_core::people::staff::{NewStaffAccount, StaffAccount};
use frontdesk_core::people::staff_admin::{LockReason, StaffUpdate};
use frontdesk_core::site::InitRequest;
use frontdesk_core::site::settings::SiteSettings;
use frontdesk_core::visits::invites::{Invite, NewInvite};
use frontdesk_core::visits::onsite::OnSiteNow;
use frontdesk_core::visits::visitors::VisitorSummary;
use frontdesk_core::visits::{SignInRequest, SignOutMethod, Visit, VisitQuery};
use frontdesk_core::{ApiError, AppStatus};
use tauri::State;
use uuid::Uuid;

use crate::state::{AppState, Console};

type Res<T> = Result<T, ApiError>;

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Res<AppStatus> {
    let status = state.api.status().await?;
    let Some(console) = state.console() else {
        return Ok(status);
    };
    Ok(match state.session().await {
        Ok(s) => status.signed_in(&s.actor, s.account, console.locked),
        Err(_) => status,
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
    let account = session.account.clone();
    state.set(Some(Console {
        session,
        locked: false,
    }));
    Ok(account)
}

/// Signs out (audited); the window shows the login screen whatever the outcome.
#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> Res<()> {
    let console = state.console();
    state.set(None);
    if let Some(c) = console {
        state.api.logout(&c.session).await?;
    }
    Ok(())
}

/// Locks the console (idle, or its user's Lock button); audited.
#[tauri::command]
pub async fn lock_console(state: State<'_, AppState>, reason: LockReason) -> Res<()> {
    let session = state.session().await?;
    state.replace(&session, |c| c.locked = true);
    state.api.lock_session(&session, reason).await?;
    Ok(())
}

/// Unlocks the console with its user's password.
#[tauri::command]
pub async fn unlock_console(state: State<'_, AppState>, password: String) -> Res<StaffAccount> {
    let session = state.session().await?;
    let unlocked = state.api.unlock_session(&session, &password).await?;
    let account = unlocked.account.clone();
    state.replace(&session, |c| {
        c.session = unlocked;
        c.locked = false;
    });
    Ok(account)
}

/// The signed-in staff member changes their own password.
#[tauri::command]
pub async fn change_password(state: State<'_, AppState>, current: String, new: String) -> Res<()> {
    let session = state.unlocked_session().await?;
    let changed = state.api.change_password(&session, &current, new).await?;
    state.replace(&session, |c| c.session = changed);
    Ok(())
}

#[tauri::command]
pub async fn staff_accounts(state: State<'_, AppState>) -> Res<Vec<StaffAccount>> {
    Ok(state.api.staff_accounts(&state.actor().await?).await?)
}

#[tauri::command]
pub async fn create_staff_account(
    state: State<'_, AppState>,
    req: NewStaffAccount,
) -> Res<StaffAccount> {
    Ok(state
        .api
        .create_staff_account(&state.actor().await?, req)
        .await?)
}

#[tauri::command]
pub async fn update_staff_account(
    state: State<'_, AppState>,
    id: Uuid,
    update: StaffUpdate,
) -> Res<StaffAccount> {
    Ok(state
        .api
        .update_staff_account(&state.actor().await?, id, update)
        .await?)
}

#[tauri::command]
pub async fn reset_staff_password(
    state: State<'_, AppState>,
    id: Uuid,
    password: String,
) -> Res<()> {
    Ok(state
        .api
        .reset_staff_password(&state.actor().await?, id, password)
        .await?)
}

#[tauri::command]
pub async fn set_staff_kiosk_pin(
    state: State<'_, AppState>,
    id: Uuid,
    pin: Option<String>,
) -> Res<StaffAccount> {
    Ok(state
        .api
        .set_staff_kiosk_pin(&state.actor().await?, id, pin)
        .await?)
}

#[tauri::command]
pub async fn on_site(state: State<'_, AppState>) -> Res<OnSiteNow> {
    Ok(state.api.on_site(&state.actor().await?, None).await?)
}

#[tauri::command]
pub async fn visits(state: State<'_, AppState>, query: VisitQuery) -> Res<Vec<Visit>> {
    Ok(state.api.visits(&state.actor().await?, query).await?)
}

#[tauri::command]
pub async fn sign_in_visitor(state: State<'_, AppState>, req: SignInRequest) -> Res<Visit> {
    Ok(state
        .api
        .sign_in_visitor(&state.actor().await?, req)
        .await?)
}

#[tauri::command]
pub async fn sign_out_visit(state: State<'_, AppState>, visit_id: Uuid) -> Res<Visit> {
    Ok(state
        .api
        .sign_out_visit(&state.actor().await?, visit_id, SignOutMethod::Desk)
        .await?)
}

#[tauri::command]
pub async fn search_hosts(state: State<'_, AppState>, query: String) -> Res<Vec<HostSummary>> {
    Ok(state
        .api
        .search_hosts(&state.actor().await?, &query)
        .await?)
}

#[tauri::command]
pub async fn search_visitors(
    state: State<'_, AppState>,
    query: String,
) -> Res<Vec<VisitorSummary>> {
    Ok(state
        .api
        .search_visitors(&state.actor().await?, &query)
        .await?)
}

#[tauri::command]
pub async fn employees(state: State<'_, AppState>, query: EmployeeQuery) -> Res<Vec<Employee>> {
    Ok(state.api.employees(&state.actor().await?, query).await?)
}

#[tauri::command]
pub async fn import_employees(state: State<'_, AppState>, csv: String) -> Res<ImportReport> {
    Ok(state
        .api
        .import_employees_csv(&state.actor().await?, csv.as_bytes())
        .await?)
}

#[tauri::command]
pub async fn audit(state: State<'_, AppState>, query: AuditQuery) -> Res<Vec<AuditEntry>> {
    Ok(state.api.audit(&state.actor().await?, query).await?)
}

#[tauri::command]
pub async fn save_audit_export(
    state: State<'_, AppState>,
    query: AuditQuery,
) -> Res<SavedDocument> {
    Ok(state
        .api
        .save_audit_export(&state.actor().await?, query)
        .await?)
}

#[tauri::command]
pub async fn print_badge(state: State<'_, AppState>, req: BadgePrintRequest) -> Res<BadgePrint> {
    Ok(state.api.print_badge(&state.actor().await?, req).await?)
}

#[tauri::command]
pub async fn save_evacuation_list(state: State<'_, AppState>) -> Res<SavedDocument> {
    Ok(state
        .api
        .save_evacuation_list(&state.actor().await?, None)
        .await?)
}

#[tauri::command]
pub async fn correct_timesheet(
    state: State<'_, AppState>,
    req: CorrectionRequest,
) -> Res<TimesheetCorrection> {
    Ok(state
        .api
        .correct_timesheet(&state.actor().await?, req)
        .await?)
}

#[tauri::command]
pub async fn approve_timesheet(
    state: State<'_, AppState>,
    req: ApprovalRequest,
) -> Res<TimesheetApproval> {
    Ok(state
        .api
        .approve_timesheet(&state.actor().await?, req.employee_id, req.from, req.to)
        .await?)
}

#[tauri::command]
pub async fn save_export(state: State<'_, AppState>, req: ExportRequest) -> Res<SavedDocument> {
    Ok(state.api.save_export(&state.actor().await?, req).await?)
}

#[tauri::command]
pub async fn export_schedules(state: State<'_, AppState>) -> Res<Vec<ExportSchedule>> {
    Ok(state.api.export_schedules(&state.actor().await?).await?)
}

#[tauri::command]
pub async fn save_export_schedule(
    state: State<'_, AppState>,
    id: Option<Uuid>,
    spec: ScheduleSpec,
) -> Res<ExportSchedule> {
    Ok(state
        .api
        .save_export_schedule(&state.actor().await?, id, spec)
        .await?)
}

#[tauri::command]
pub async fn delete_export_schedule(state: State<'_, AppState>, id: Uuid) -> Res<()> {
    Ok(state
        .api
        .delete_export_schedule(&state.actor().await?, id)
        .await?)
}

#[tauri::command]
pub async fn export_runs(state: State<'_, AppState>, id: Uuid) -> Res<Vec<ExportRun>> {
    Ok(state.api.export_runs(&state.actor().await?, id).await?)
}

#[tauri::command]
pub async fn printers(state: State<'_, AppState>) -> Res<Vec<Printer>> {
    Ok(state.api.printers(&state.actor().await?).await?)
}

#[tauri::command]
pub async fn site_settings(state: State<'_, AppState>) -> Res<SiteSettings> {
    let actor = state.actor().await?;
    let site = state.api.home_site(&actor).await?;
    Ok(state.api.settings(&actor, site.id).await?)
}

/// The cameras this PC has, for the kiosk camera setting.
#[tauri::command]
pub async fn cameras(state: State<'_, AppState>) -> Res<Vec<CameraChoice>> {
    Ok(state.api.cameras(&state.actor().await?).await?)
}

#[tauri::command]
pub async fn update_site_settings(
    state: State<'_, AppState>,
    settings: SiteSettings,
) -> Res<SiteSettings> {
    let actor = state.actor().await?;
    let site = state.api.home_site(&actor).await?;
    Ok(state.api.update_settings(&actor, site.id, settings).await?)
}

/// The review queue at this PC's site (open items, or all with `all`).
#[tauri::command]
pub async fn review_queue(state: State<'_, AppState>, all: bool) -> Res<Vec<ReviewItem>> {
    Ok(state.api.review_queue(&state.actor().await?, all).await?)
}

#[tauri::command]
pub async fn review_snapshot(state: State<'_, AppState>, id: Uuid) -> Res<String> {
    Ok(state.api.review_snapshot(&state.actor().await?, id).await?)
}

#[tauri::command]
pub async fn resolve_review(
    state: State<'_, AppState>,
    id: Uuid,
    decision: ReviewDecision,
) -> Res<ReviewItem> {
    Ok(state
        .api
        .resolve_review(&state.actor().await?, id, decision)
        .await?)
}

#[tauri::command]
pub async fn create_employee(state: State<'_, AppState>, input: EmployeeInput) -> Res<Employee> {
    Ok(state
        .api
        .create_employee(&state.actor().await?, input)
        .await?)
}

#[tauri::command]
pub async fn update_employee(
    state: State<'_, AppState>,
    id: Uuid,
    input: EmployeeInput,
) -> Res<Employee> {
    Ok(state
        .api
        .update_employee(&state.actor().await?, id, input)
        .await?)
}

/// Enrols (replacing) an employee's face from 3 to 5 photos the window read from files (base64).
#[tauri::command]
pub async fn enrol_employee_faces(
    state: State<'_, AppState>,
    id: Uuid,
    images: Vec<String>,
) -> Res<EnrolmentReport> {
    let actor = state.actor().await?;
    let images = decode_uploads(&images)?;
    Ok(state.api.enrol_employee_faces(&actor, id, images).await?)
}

#[tauri::command]
pub async fn erase_employee_faces(state: State<'_, AppState>, id: Uuid) -> Res<u32> {
    Ok(state
        .api
        .erase_employee_faces(&state.actor().await?, id)
        .await?)
}

#[tauri::command]
pub async fn create_invite(state: State<'_, AppState>, req: NewInvite) -> Res<Invite> {
    Ok(state.api.create_invite(&state.actor().await?, req).await?)
}

/// Invitations at this PC's site whose window touches the local days `from..=to`.
#[tauri::command]
pub async fn invites(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
) -> Res<Vec<Invite>> {
    Ok(state
        .api
        .invites(&state.actor().await?, None, from, to)
        .await?)
}

#[tauri::command]
pub async fn cancel_invite(state: State<'_, AppState>, id: Uuid) -> Res<Invite> {
    Ok(state.api.cancel_invite(&state.actor().await?, id).await?)
}
