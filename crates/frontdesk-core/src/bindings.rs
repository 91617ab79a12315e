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
        crate::site::Site,
        crate::site::InitRequest,
        crate::people::staff::StaffAccount,
        crate::people::staff::NewStaffAccount,
        crate::people::employees::Employee,
        crate::people::employees::EmployeeInput,
        crate::people::employees::EmployeeQuery,
        crate::people::employees::HostSummary,
        crate::people::import::ImportReport,
        crate::visits::visitors::VisitorSummary,
        crate::visits::visitors::ReturningVisitor,
        crate::visits::Visit,
        crate::visits::SignInRequest,
        crate::visits::SignOutMethod,
        crate::visits::VisitQuery,
        crate::visits::onsite::OnSiteNow,
        crate::attendance::AttendanceRequest,
        crate::attendance::AttendanceEvent,
        crate::audit::AuditQuery,
        crate::audit::AuditEntry,
        crate::site::settings::SiteSettings,
        crate::faces::EnrolmentReport,
        crate::faces::FaceResult,
        crate::visits::visitor_faces::VisitorFaceResult,
        crate::site::settings::AttendanceRules,
        crate::documents::badge_prints::BadgePrintRequest,
        crate::documents::badge_prints::BadgePrint,
        crate::documents::badge_prints::PrintOutcome,
        crate::documents::SavedDocument,
        crate::attendance::timesheets::CorrectionRequest,
        crate::attendance::timesheets::TimesheetCorrection,
        crate::attendance::timesheets::TimesheetApproval,
        crate::attendance::timesheets::ApprovalRequest,
        crate::documents::exports::ExportRequest,
        crate::documents::exports::ExportSchedule,
        crate::documents::exports::ScheduleSpec,
        crate::documents::exports::ExportRun,
        crate::documents::printing::Printer,
    );
    Ok(())
}
