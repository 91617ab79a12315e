// The seam between the screens and whatever answers them: the Tauri shell in the desktop app, an
// in-memory host in a plain browser and in component tests. Every method resolves with the core's
// DTO or rejects with an `ApiError` (code, key + params, English message).
import type { AppStatus } from "../bindings/AppStatus";
import type { ApprovalRequest } from "../bindings/ApprovalRequest";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { AuditQuery } from "../bindings/AuditQuery";
import type { BadgePrint } from "../bindings/BadgePrint";
import type { BadgePrintRequest } from "../bindings/BadgePrintRequest";
import type { CorrectionRequest } from "../bindings/CorrectionRequest";
import type { DataChange } from "../bindings/DataChange";
import type { Employee } from "../bindings/Employee";
import type { EmployeeInput } from "../bindings/EmployeeInput";
import type { EmployeeQuery } from "../bindings/EmployeeQuery";
import type { EnrolmentReport } from "../bindings/EnrolmentReport";
import type { ExportRequest } from "../bindings/ExportRequest";
import type { ExportRun } from "../bindings/ExportRun";
import type { ExportSchedule } from "../bindings/ExportSchedule";
import type { HostSummary } from "../bindings/HostSummary";
import type { ImportReport } from "../bindings/ImportReport";
import type { CameraChoice } from "../bindings/CameraChoice";
import type { CameraView } from "../bindings/CameraView";
import type { ClockResult } from "../bindings/ClockResult";
import type { InitRequest } from "../bindings/InitRequest";
import type { Invite } from "../bindings/Invite";
import type { NewInvite } from "../bindings/NewInvite";
import type { KioskCheckIn } from "../bindings/KioskCheckIn";
import type { KioskConfig } from "../bindings/KioskConfig";
import type { KioskPhoto } from "../bindings/KioskPhoto";
import type { SpeechStatus } from "../bindings/SpeechStatus";
import type { KioskVisit } from "../bindings/KioskVisit";
import type { RedeemInvite } from "../bindings/RedeemInvite";
import type { ReviewDecision } from "../bindings/ReviewDecision";
import type { ReviewItem } from "../bindings/ReviewItem";
import type { ReturningVisitor } from "../bindings/ReturningVisitor";
import type { ScanResult } from "../bindings/ScanResult";
import type { OnSiteNow } from "../bindings/OnSiteNow";
import type { Printer } from "../bindings/Printer";
import type { SavedDocument } from "../bindings/SavedDocument";
import type { ScheduleSpec } from "../bindings/ScheduleSpec";
import type { SignInRequest } from "../bindings/SignInRequest";
import type { SiteSettings } from "../bindings/SiteSettings";
import type { LockReason } from "../bindings/LockReason";
import type { NewStaffAccount } from "../bindings/NewStaffAccount";
import type { StaffAccount } from "../bindings/StaffAccount";
import type { StaffUpdate } from "../bindings/StaffUpdate";
import type { TimesheetApproval } from "../bindings/TimesheetApproval";
import type { TimesheetCorrection } from "../bindings/TimesheetCorrection";
import type { Visit } from "../bindings/Visit";
import type { VisitorFaceResult } from "../bindings/VisitorFaceResult";
import type { WalkUp } from "../bindings/WalkUp";
import type { VisitorSummary } from "../bindings/VisitorSummary";
import type { VisitQuery } from "../bindings/VisitQuery";

export interface Host {
  status(): Promise<AppStatus>;
  setup(req: InitRequest): Promise<void>;
  login(username: string, password: string): Promise<StaffAccount>;
  logout(): Promise<void>;
  /** Locks the console (idle, or the Lock button): staff commands are refused until unlocked. */
  lockConsole(reason: LockReason): Promise<void>;
  /** Unlocks the console with the signed-in user's own password. */
  unlockConsole(password: string): Promise<StaffAccount>;
  /** The signed-in user changes their own password. */
  changePassword(current: string, next: string): Promise<void>;
  staffAccounts(): Promise<StaffAccount[]>;
  createStaffAccount(req: NewStaffAccount): Promise<StaffAccount>;
  updateStaffAccount(id: string, update: StaffUpdate): Promise<StaffAccount>;
  resetStaffPassword(id: string, password: string): Promise<void>;
  /** Sets (4 to 8 digits) or, with null, removes a staff member's kiosk PIN. */
  setStaffKioskPin(id: string, pin: string | null): Promise<StaffAccount>;
  onSite(): Promise<OnSiteNow>;
  visits(query: VisitQuery): Promise<Visit[]>;
  signIn(req: SignInRequest): Promise<Visit>;
  signOut(visitId: string): Promise<Visit>;
  searchHosts(query: string): Promise<HostSummary[]>;
  searchVisitors(query: string): Promise<VisitorSummary[]>;
  employees(query: EmployeeQuery): Promise<Employee[]>;
  importEmployees(csv: string): Promise<ImportReport>;
  createEmployee(input: EmployeeInput): Promise<Employee>;
  updateEmployee(id: string, input: EmployeeInput): Promise<Employee>;
  /** Enrols (replacing) a face from 3 to 5 photos read from files, as data URLs. */
  enrolEmployeeFaces(id: string, images: string[]): Promise<EnrolmentReport>;
  /** Erases an employee's enrolled face (administrators); resolves with the templates removed. */
  eraseEmployeeFaces(id: string): Promise<number>;
  audit(query: AuditQuery): Promise<AuditEntry[]>;
  /** Every row matching the query, saved as CSV in the exports folder (audited). */
  saveAuditExport(query: AuditQuery): Promise<SavedDocument>;
  printBadge(req: BadgePrintRequest): Promise<BadgePrint>;
  saveEvacuationList(): Promise<SavedDocument>;
  correctTimesheet(req: CorrectionRequest): Promise<TimesheetCorrection>;
  approveTimesheet(req: ApprovalRequest): Promise<TimesheetApproval>;
  saveExport(req: ExportRequest): Promise<SavedDocument>;
  exportSchedules(): Promise<ExportSchedule[]>;
  saveExportSchedule(id: string | null, spec: ScheduleSpec): Promise<ExportSchedule>;
  deleteExportSchedule(id: string): Promise<void>;
  exportRuns(id: string): Promise<ExportRun[]>;
  printers(): Promise<Printer[]>;
  siteSettings(): Promise<SiteSettings>;
  /** The cameras this PC has, for the kiosk camera setting. */
  cameras(): Promise<CameraChoice[]>;
  updateSiteSettings(settings: SiteSettings): Promise<SiteSettings>;
  createInvite(req: NewInvite): Promise<Invite>;
  /** Invitations whose window touches the site-local days `from`..`to` (YYYY-MM-DD), earliest first. */
  invites(from: string, to: string): Promise<Invite[]>;
  cancelInvite(id: string): Promise<Invite>;
  /** Faces the clock-in camera did not accept: open ones, or with `all` the decided ones too. */
  reviewQueue(all: boolean): Promise<ReviewItem[]>;
  /** A review item's face snapshot as a data URL (while retention keeps it). */
  reviewSnapshot(id: string): Promise<string>;
  resolveReview(id: string, decision: ReviewDecision): Promise<ReviewItem>;
  /**
   * Calls `listener` whenever the database changes, whoever changed it (this window, the kiosk, the
   * CLI); returns the function that stops listening. Screens reload on it instead of polling.
   */
  onDataChange(listener: (change: DataChange) => void): () => void;
  /** Opens the visitor kiosk window beside the console. */
  openKiosk(): Promise<void>;
}

/**
 * What the kiosk window may call: every method acts as this PC's kiosk (never as a staff member),
 * and the shell grants the kiosk window these commands only.
 */
export interface KioskHost {
  config(): Promise<KioskConfig>;
  searchHosts(query: string): Promise<HostSummary[]>;
  findReturning(emailOrPhone: string): Promise<ReturningVisitor | null>;
  signIn(req: SignInRequest): Promise<KioskCheckIn>;
  redeemInvite(req: RedeemInvite): Promise<KioskCheckIn>;
  findSignedIn(query: string): Promise<KioskVisit[]>;
  signOut(visitId: string): Promise<void>;
  /** A QR code read by the camera or a scanner: a badge signs out, an invitation is greeted. */
  scan(qr: string): Promise<ScanResult>;
  /** The camera's newest frame after `after` (waits briefly for one), with face box, hint and QR. */
  camera(after: number): Promise<CameraView>;
  /** "I have been here before" by the camera's newest frame (consenting visitors only). */
  recogniseFace(): Promise<VisitorFaceResult>;
  /** "Recognise my face next time" for the visitor who just signed in and asked for it. */
  rememberFace(visitorId: string): Promise<void>;
  /** The visitor's photo from the camera's newest frame, kept for the sign-in that sends its id. */
  takePhoto(): Promise<KioskPhoto>;
  /** Reads `text` aloud in `lang` through the OS speech service, interrupting what it was reading. */
  speak(text: string, lang: string): Promise<SpeechStatus>;
  /** An employee clocks in or out (from their last event) with their code and PIN. */
  clockByPin(code: string, pin: string): Promise<ClockResult>;
  /** The clock-in camera's answer for its newest frame; asked in a loop while the clock-in screen shows. */
  walkUp(): Promise<WalkUp>;
  /** "Not you? Undo": takes back a clocking this kiosk recorded less than a minute ago. */
  undoClock(eventId: string): Promise<void>;
  /** A staff PIN leaves kiosk mode; resolves with the staff member's name. */
  unlock(pin: string): Promise<string>;
}
