//! TypeScript bindings for every type that crosses the IPC boundary. `cargo run -p frontdesk-core
//! --example export-bindings` writes them into the UI; CI regenerates them and fails on a diff.

use std::path::Path;

use ts_rs::TS;

/// Writes one `.ts` file per exported type (and their dependencies) into `dir`.
pub fn export_all(dir: &Path) -> Result<(), ts_rs::ExportError> {
    // Ids and times are numbers or strings in JSON; i64 never crosses the boundary as bigint.
    let cfg = ts_rs::Config::new()
        .with_out_dir(dir)
        .with_large_int("number");
    macro_rules! export {
        ($($t:ty),* $(,)?) => { $( <$t as TS>::export_all(&cfg)?; )* };
    }
    export!(
        crate::ApiError,
        crate::AppStatus,
        crate::Role,
        crate::sites::Site,
        crate::sites::InitRequest,
        crate::staff::StaffAccount,
        crate::staff::NewStaffAccount,
        crate::employees::Employee,
        crate::employees::EmployeeInput,
        crate::employees::EmployeeQuery,
        crate::employees::HostSummary,
        crate::import::ImportReport,
        crate::visitors::VisitorSummary,
        crate::visitors::ReturningVisitor,
        crate::visits::Visit,
        crate::visits::SignInRequest,
        crate::visits::SignOutMethod,
        crate::visits::VisitQuery,
        crate::onsite::OnSiteNow,
        crate::attendance::AttendanceRequest,
        crate::attendance::AttendanceEvent,
        crate::audit::AuditQuery,
        crate::audit::AuditEntry,
        crate::settings::SiteSettings,
        crate::faces::EnrolmentReport,
        crate::faces::FaceResult,
        crate::visitor_faces::VisitorFaceResult,
        crate::settings::AttendanceRules,
        crate::badge_prints::BadgePrintRequest,
        crate::badge_prints::BadgePrint,
        crate::badge_prints::PrintOutcome,
        crate::documents::SavedDocument,
        crate::timesheets::CorrectionRequest,
        crate::timesheets::TimesheetCorrection,
        crate::timesheets::TimesheetApproval,
        crate::timesheets::ApprovalRequest,
        crate::exports::ExportRequest,
        crate::exports::ExportSchedule,
        crate::exports::ScheduleSpec,
        crate::exports::ExportRun,
        crate::printing::Printer,
    );
    Ok(())
}
