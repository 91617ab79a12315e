// The desktop host: each method invokes one Rust command. The only importer of `@tauri-apps/*`.
// `src-tauri/ipc_contract.rs` reads this file: every command named here must be a registered,
// capability-granted command and every command must be called here.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebviewWindow } from "@tauri-apps/api/webviewWindow";
import { asApiError } from "../errors";
import type { DataChange } from "../bindings/DataChange";
import type { Host, KioskHost } from "./host";

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw asApiError(e);
  }
}

export const tauriHost: Host = {
  status: () => call("app_status"),
  setup: (req) => call("setup", { req }),
  login: (username, password) => call("login", { username, password }),
  logout: () => call("logout"),
  lockConsole: (reason) => call("lock_console", { reason }),
  unlockConsole: (password) => call("unlock_console", { password }),
  changePassword: (current, next) => call("change_password", { current, new: next }),
  staffAccounts: () => call("staff_accounts"),
  createStaffAccount: (req) => call("create_staff_account", { req }),
  updateStaffAccount: (id, update) => call("update_staff_account", { id, update }),
  resetStaffPassword: (id, password) => call("reset_staff_password", { id, password }),
  setStaffKioskPin: (id, pin) => call("set_staff_kiosk_pin", { id, pin }),
  onSite: () => call("on_site"),
  visits: (query) => call("visits", { query }),
  signIn: (req) => call("sign_in_visitor", { req }),
  signOut: (visitId) => call("sign_out_visit", { visitId }),
  searchHosts: (query) => call("search_hosts", { query }),
  searchVisitors: (query) => call("search_visitors", { query }),
  employees: (query) => call("employees", { query }),
  importEmployees: (csv) => call("import_employees", { csv }),
  createEmployee: (input) => call("create_employee", { input }),
  updateEmployee: (id, input) => call("update_employee", { id, input }),
  enrolEmployeeFaces: (id, images) => call("enrol_employee_faces", { id, images }),
  eraseEmployeeFaces: (id) => call("erase_employee_faces", { id }),
  audit: (query) => call("audit", { query }),
  saveAuditExport: (query) => call("save_audit_export", { query }),
  printBadge: (req) => call("print_badge", { req }),
  saveEvacuationList: () => call("save_evacuation_list"),
  correctTimesheet: (req) => call("correct_timesheet", { req }),
  approveTimesheet: (req) => call("approve_timesheet", { req }),
  saveExport: (req) => call("save_export", { req }),
  exportSchedules: () => call("export_schedules"),
  saveExportSchedule: (id, spec) => call("save_export_schedule", { id, spec }),
  deleteExportSchedule: (id) => call("delete_export_schedule", { id }),
  exportRuns: (id) => call("export_runs", { id }),
  printers: () => call("printers"),
  siteSettings: () => call("site_settings"),
  cameras: () => call("cameras"),
  updateSiteSettings: (settings) => call("update_site_settings", { settings }),
  createInvite: (req) => call("create_invite", { req }),
  invites: (from, to) => call("invites", { from, to }),
  cancelInvite: (id) => call("cancel_invite", { id }),
  reviewQueue: (all) => call("review_queue", { all }),
  reviewSnapshot: (id) => call("review_snapshot", { id }),
  resolveReview: (id, decision) => call("resolve_review", { id, decision }),
  onDataChange: (listener) => {
    const stop = listen<DataChange>("data-changed", (e) => listener(e.payload));
    return () => void stop.then((unlisten) => unlisten());
  },
  openKiosk: () => call("open_kiosk"),
};

export const tauriKiosk: KioskHost = {
  config: () => call("kiosk_config"),
  searchHosts: (query) => call("kiosk_search_hosts", { query }),
  findReturning: (emailOrPhone) => call("kiosk_find_returning", { emailOrPhone }),
  signIn: (req) => call("kiosk_sign_in", { req }),
  redeemInvite: (req) => call("kiosk_redeem_invite", { req }),
  findSignedIn: (query) => call("kiosk_find_signed_in", { query }),
  signOut: (visitId) => call("kiosk_sign_out", { visitId }),
  scan: (qr) => call("kiosk_scan", { qr }),
  unlock: (pin) => call("kiosk_unlock", { pin }),
  camera: (after) => call("kiosk_camera", { after }),
  recogniseFace: () => call("kiosk_recognise_face"),
  rememberFace: (visitorId) => call("kiosk_remember_face", { visitorId }),
  takePhoto: () => call("kiosk_take_photo"),
  speak: (text, lang) => call("kiosk_speak", { text, lang }),
  clockByPin: (code, pin) => call("kiosk_clock_by_pin", { code, pin }),
  undoClock: (eventId) => call("kiosk_undo_clock", { eventId }),
  walkUp: () => call("kiosk_walk_up"),
};

/** The label of this Tauri window: `main` (the console) or `kiosk`. */
export function windowLabel(): string {
  return getCurrentWebviewWindow().label;
}

/** True inside the Tauri window (the shell injects its IPC bridge before the page loads). */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
