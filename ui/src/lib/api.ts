// The only module that talks to the Rust side. Every command is typed with the generated bindings.
import { invoke } from "@tauri-apps/api/core";
import type { ApiError } from "./bindings/ApiError";
import type { AppStatus } from "./bindings/AppStatus";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { AuditQuery } from "./bindings/AuditQuery";
import type { ApprovalRequest } from "./bindings/ApprovalRequest";
import type { BadgePrint } from "./bindings/BadgePrint";
import type { BadgePrintRequest } from "./bindings/BadgePrintRequest";
import type { CorrectionRequest } from "./bindings/CorrectionRequest";
import type { Employee } from "./bindings/Employee";
import type { EmployeeQuery } from "./bindings/EmployeeQuery";
import type { ExportRequest } from "./bindings/ExportRequest";
import type { ExportRun } from "./bindings/ExportRun";
import type { ExportSchedule } from "./bindings/ExportSchedule";
import type { HostSummary } from "./bindings/HostSummary";
import type { ImportReport } from "./bindings/ImportReport";
import type { InitRequest } from "./bindings/InitRequest";
import type { OnSiteNow } from "./bindings/OnSiteNow";
import type { Printer } from "./bindings/Printer";
import type { SavedDocument } from "./bindings/SavedDocument";
import type { ScheduleSpec } from "./bindings/ScheduleSpec";
import type { SignInRequest } from "./bindings/SignInRequest";
import type { SiteSettings } from "./bindings/SiteSettings";
import type { StaffAccount } from "./bindings/StaffAccount";
import type { TimesheetApproval } from "./bindings/TimesheetApproval";
import type { TimesheetCorrection } from "./bindings/TimesheetCorrection";
import type { Visit } from "./bindings/Visit";
import type { VisitorSummary } from "./bindings/VisitorSummary";
import type { VisitQuery } from "./bindings/VisitQuery";
import { asApiError } from "./errors";

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw asApiError(e) satisfies ApiError;
  }
}

export const api = {
  status: () => call<AppStatus>("app_status"),
  setup: (req: InitRequest) => call<void>("setup", { req }),
  login: (username: string, password: string) => call<StaffAccount>("login", { username, password }),
  logout: () => call<void>("logout"),
  onSite: () => call<OnSiteNow>("on_site"),
  visits: (query: VisitQuery) => call<Visit[]>("visits", { query }),
  signIn: (req: SignInRequest) => call<Visit>("sign_in_visitor", { req }),
  signOut: (visitId: string) => call<Visit>("sign_out_visit", { visitId }),
  searchHosts: (query: string) => call<HostSummary[]>("search_hosts", { query }),
  searchVisitors: (query: string) => call<VisitorSummary[]>("search_visitors", { query }),
  employees: (query: EmployeeQuery) => call<Employee[]>("employees", { query }),
  importEmployees: (csv: string) => call<ImportReport>("import_employees", { csv }),
  audit: (query: AuditQuery) => call<AuditEntry[]>("audit", { query }),
  printBadge: (req: BadgePrintRequest) => call<BadgePrint>("print_badge", { req }),
  saveEvacuationList: () => call<SavedDocument>("save_evacuation_list"),
  correctTimesheet: (req: CorrectionRequest) => call<TimesheetCorrection>("correct_timesheet", { req }),
  approveTimesheet: (req: ApprovalRequest) => call<TimesheetApproval>("approve_timesheet", { req }),
  saveExport: (req: ExportRequest) => call<SavedDocument>("save_export", { req }),
  exportSchedules: () => call<ExportSchedule[]>("export_schedules"),
  saveExportSchedule: (id: string | null, spec: ScheduleSpec) => call<ExportSchedule>("save_export_schedule", { id, spec }),
  deleteExportSchedule: (id: string) => call<void>("delete_export_schedule", { id }),
  exportRuns: (id: string) => call<ExportRun[]>("export_runs", { id }),
  printers: () => call<Printer[]>("printers"),
  siteSettings: () => call<SiteSettings>("site_settings"),
  updateSiteSettings: (settings: SiteSettings) => call<SiteSettings>("update_site_settings", { settings }),
};
