// An in-memory host with the demo company's data, for a plain browser (`npm run dev`, then open
// `/?host=mock`, or any page outside Tauri) and for component tests. It keeps the core's rules that
// screens depend on: who may do what (the permissions the core reports for each role), validation
// errors naming their field, the reprint question, typed error codes and catalogue keys. The core
// remains the authority; this is a stand-in, not a second implementation of the business rules.
import type { ApiError } from "../bindings/ApiError";
import type { AppStatus } from "../bindings/AppStatus";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { AuditQuery } from "../bindings/AuditQuery";
import type { DataChange } from "../bindings/DataChange";
import type { ExportKind } from "../bindings/ExportKind";
import type { ExportSchedule } from "../bindings/ExportSchedule";
import type { HostSummary } from "../bindings/HostSummary";
import type { Permission } from "../bindings/Permission";
import type { PresentEmployee } from "../bindings/PresentEmployee";
import type { Printer } from "../bindings/Printer";
import type { ReviewItem } from "../bindings/ReviewItem";
import { ROLE_PERMISSIONS } from "../bindings/rolePermissions";
import type { Role } from "../bindings/Role";
import type { Site } from "../bindings/Site";
import type { SiteSettings } from "../bindings/SiteSettings";
import type { Visit } from "../bindings/Visit";
import { siteToday } from "../visits/format";
import type { Host } from "./host";
import { apiError, invalid } from "./mockErrors";
import { mockEmployees } from "./mockEmployees";
import { mockInvites } from "./mockInvites";
import { checkPassword, mockStaff, publicView, type MockAccount } from "./mockStaff";

export const MOCK_PASSWORD = "frontdesk-demo";

/** A grey 1×1 JPEG, the in-memory host's face snapshot. */
const SNAPSHOT =
  "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==";

export { apiError, invalid } from "./mockErrors";

function notFound(entity: string): ApiError {
  return apiError("not_found", "error.not_found", `${entity} not found`, { entity });
}

let counter = 0;
function id(): string {
  counter += 1;
  return `00000000-0000-7000-8000-${String(counter).padStart(12, "0")}`;
}

const EMPLOYEES: [string, string][] = [
  ["Amelia Hart", "Reception"],
  ["Björn Lindqvist", "Engineering"],
  ["Chiara Russo", "Engineering"],
  ["Emeka Okafor", "Sales"],
  ["Fatima Al-Sayed", "Sales"],
  ["Grace Kim", "Finance"],
  ["Isabel García", "People"],
];

export type MockOptions = {
  /** Start set up (default) or at the first-run setup screen. */
  initialised?: boolean;
  /** Sign in as this role straight away. */
  signedInAs?: Role;
  /** Milliseconds each call waits, to see loading states in the browser. */
  latency?: number;
  now?: () => Date;
};

export type MockHost = Host & {
  /** Visits as stored, for test assertions. */
  readonly visitsStored: Visit[];
  readonly exportsSaved: string[];
  /** Staff accounts as stored (passwords and PINs included), for test set-up and assertions. */
  readonly staffStored: MockAccount[];
};

export function createMockHost(options: MockOptions = {}): MockHost {
  const now = options.now ?? (() => new Date());
  let initialised = options.initialised ?? true;
  const site: Site = { id: id(), name: "Head Office", time_zone: "Europe/London", address: null };
  const accounts: MockAccount[] = [
    ["admin", "Demo Admin", "admin"],
    ["desk", "Dana Desk", "front_desk"],
    ["mia", "Mia Manager", "manager"],
  ].map(([username, display_name, role]) => ({
    id: id(),
    username: username as string,
    display_name: display_name as string,
    email: null,
    role: role as Role,
    active: true,
    has_kiosk_pin: false,
    last_login_at: null,
    password: MOCK_PASSWORD,
    pin: null,
  }));
  let account: MockAccount | null = null;
  let locked = false;
  const hosts: HostSummary[] = EMPLOYEES.map(([name, department]) => ({ id: id(), name, department }));
  const present: PresentEmployee[] = hosts.slice(0, 4).map((h, i) => ({
    id: h.id,
    name: h.name,
    department: h.department,
    phone: null,
    since: new Date(now().getTime() - (i + 1) * 47 * 60_000).toISOString(),
  }));
  const visits: Visit[] = [];
  // Who listens for changes, told after each change as the shell tells the window.
  const listeners = new Set<(c: DataChange) => void>();
  let seq = 0;
  const changed = (...entities: string[]) => {
    seq += 1;
    const change = { seq, entities };
    queueMicrotask(() => listeners.forEach((l) => l(change)));
  };
  const review = (kind: ReviewItem["kind"], minutesAgo: number, like: HostSummary | null, distance: number | null): ReviewItem => ({
    id: id(),
    kind,
    status: "open",
    created_at: new Date(now().getTime() - minutesAgo * 60_000).toISOString(),
    employee_id: like?.id ?? null,
    employee_name: like?.name ?? null,
    distance,
    note: null,
    has_snapshot: true,
    resolved_by: null,
    resolved_at: null,
  });
  const reviews: ReviewItem[] = [review("possible_spoof", 25, hosts[2] ?? null, 0.31), review("unknown_face", 70, null, 0.61)];
  const prints = new Map<string, number>();
  const schedules: ExportSchedule[] = [];
  const exportsSaved: string[] = [];
  let badge = 100;
  let settings: SiteSettings = {
    auto_sign_out_time: "23:00",
    visitor_photo_retention_days: 30,
    visit_retention_days: 365,
    require_agreement: false,
    agreement_version: "1",
    agreement_text: "",
    badge_preset: "brother_ql_62x100",
    badge_printer: null,
    attendance: {
      rounding_minutes: 0,
      rounding: "nearest",
      breaks: [],
      daily_overtime_after_minutes: null,
      weekly_overtime_after_minutes: null,
      auto_close_time: null,
      max_session_hours: 16,
      duplicate_window_minutes: 2,
    },
    kiosk_idle_seconds: 60,
    console_lock_seconds: 600,
    unreadable: [],
    revision: 0,
    kiosk_fields: { company: "optional", email: "optional", phone: "optional" },
    kiosk_languages: ["en", "fr", "ar"],
    kiosk_photo: "optional",
    kiosk_keyboard: true,
    anti_spoof: "block",
    anti_spoof_threshold: 0.3,
    camera: null,
  };
  const printers: Printer[] = [
    { name: "badges", description: "Brother QL-820NWB", is_default: false, offline: false, message: "idle" },
    { name: "Office laser", description: "HP LaserJet", is_default: true, offline: false, message: "idle" },
  ];

  function signIn(name: string, company: string | null, hostIndex: number, purpose: string, minutesAgo: number): Visit {
    const host = hosts[hostIndex] ?? null;
    badge += 1;
    const v: Visit = {
      id: id(),
      site_id: site.id,
      visitor_id: id(),
      visitor_name: name,
      company,
      host_employee_id: host?.id ?? null,
      host_name: host?.name ?? null,
      purpose,
      visitor_type: "visitor",
      status: "checked_in",
      expected_at: null,
      checked_in_at: new Date(now().getTime() - minutesAgo * 60_000).toISOString(),
      checked_out_at: null,
      badge_number: `V-${badge}`,
      source: "desk",
      has_photo: false,
    };
    visits.push(v);
    return v;
  }
  signIn("Priya Shah", "Northwind Traders", 4, "Quarterly review", 95);
  signIn("Tom O'Neill", "Contoso Ltd", 6, "Interview", 40);
  signIn("Léa Dubois", "Fabrikam", 0, "Delivery", 12);

  // The audit trail: a few rows from before, then what happens in this session.
  const trail: AuditEntry[] = [];
  function audit(action: string, entity: string, details: Record<string, unknown>, who: string = account?.display_name ?? "Kiosk", minutesAgo = 0) {
    trail.unshift({
      id: id(),
      at: new Date(now().getTime() - minutesAgo * 60_000).toISOString(),
      actor_kind: who === "Kiosk" ? "kiosk" : "staff",
      actor_name: who,
      action,
      entity,
      entity_id: null,
      details,
      device_id: null,
    });
  }
  audit("settings.update", "site", { keys: ["badge_printer"] }, "Demo Admin", 300);
  audit("visit.sign_in", "visit", { visitor: "Priya Shah" }, "Dana Desk", 95);
  audit("visit.sign_in", "visit", { visitor: "Tom O'Neill" }, "Kiosk", 40);

  const permissions = (): Permission[] => (account ? ROLE_PERMISSIONS[account.role] : []);

  function need(p: Permission, action: string): void {
    if (!account) throw apiError("unauthenticated", "error.not_signed_in", "please sign in");
    if (!account.active) {
      account = null;
      throw apiError("unauthenticated", "error.session_ended", "your account was changed by an administrator; please sign in again");
    }
    if (locked) throw apiError("unauthenticated", "error.console_locked", "the console is locked; enter your password to unlock it");
    if (!permissions().includes(p)) {
      const role = account.role.replace("_", " ");
      throw apiError("forbidden", "error.forbidden", `your role (${role}) may not ${action}`, { role, action });
    }
  }

  function required(field: string, value: string | null | undefined): string {
    const v = (value ?? "").trim();
    if (!v) throw invalid(field, "is required", "error.required");
    return v;
  }

  const exportPermission = (kind: ExportKind): Permission => (kind === "timesheets" ? "export_timesheets" : "view_visits");

  async function answer<T>(f: () => T): Promise<T> {
    if (options.latency) await new Promise((r) => setTimeout(r, options.latency));
    return structuredClone(f());
  }

  if (options.signedInAs) account = accounts.find((a) => a.role === options.signedInAs) ?? null;

  const host: MockHost = {
    visitsStored: visits,
    exportsSaved,
    staffStored: accounts,
    status: () =>
      answer((): AppStatus => ({
        initialised,
        site: initialised ? site : null,
        demo: initialised,
        account: account ? publicView(account) : null,
        permissions: permissions(),
        console_lock_seconds: settings.console_lock_seconds,
        locked: account !== null && locked,
      })),
    setup: (req) =>
      answer(() => {
        if (initialised) throw apiError("conflict", "error.conflict", "already set up", { detail: "already set up" });
        site.name = required("site_name", req.site_name);
        required("organisation", req.organisation);
        required("admin_display_name", req.admin_display_name);
        checkPassword("admin_password", req.admin_password, req.admin_username);
        initialised = true;
      }),
    login: (username, password) =>
      answer(() => {
        const found = accounts.find((a) => a.username === username.trim() && a.password === password && a.active);
        if (!found) throw apiError("unauthenticated", "error.bad_credentials", "wrong username or password");
        account = found;
        locked = false;
        audit("auth.login", "staff_account", {});
        return publicView(found);
      }),
    logout: () =>
      answer(() => {
        account = null;
        locked = false;
      }),
    ...mockStaff(
      {
        accounts,
        current: () => account,
        setLocked: (l) => (locked = l),
        need,
        id,
      },
      answer,
    ),
    onSite: () =>
      answer(() => {
        need("view_visits", "view visits");
        return { site, visitors: visits.filter((v) => v.status === "checked_in"), employees: present };
      }),
    visits: (query) =>
      answer(() => {
        need("view_visits", "view visits");
        return visits.filter((v) => v.checked_in_at && siteToday(site.time_zone, new Date(v.checked_in_at)) === query.date);
      }),
    signIn: (req) =>
      answer(() => {
        need("sign_visitors", "sign visitors in or out");
        const name = required("visitor.name", req.visitor.name);
        const email = req.visitor.email?.trim();
        if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
          throw invalid("visitor.email", `"${email}" is not a valid email address`, "error.invalid_email");
        }
        const hostIndex = hosts.findIndex((h) => h.id === req.host_employee_id);
        if (req.host_employee_id && hostIndex < 0) throw invalid("host_employee_id", "no such employee", "error.no_such_employee");
        const v = signIn(name, req.visitor.company, hostIndex, req.purpose ?? "", 0);
        changed("visit", "visitor");
        return v;
      }),
    signOut: (visitId) =>
      answer(() => {
        need("sign_visitors", "sign visitors in or out");
        const v = visits.find((x) => x.id === visitId);
        if (!v) throw notFound("visit");
        if (v.status !== "checked_in") {
          throw apiError("conflict", "error.conflict", "the visit is not signed in", { detail: "the visit is not signed in" });
        }
        v.status = "checked_out";
        v.checked_out_at = now().toISOString();
        changed("visit");
        return v;
      }),
    searchHosts: (query) =>
      answer(() => {
        need("sign_visitors", "sign visitors in or out");
        const q = query.trim().toLowerCase();
        return hosts.filter((h) => h.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)));
      }),
    searchVisitors: () => answer(() => (need("sign_visitors", "sign visitors in or out"), [])),
    ...mockEmployees(hosts, need, answer, id),
    ...mockInvites(hosts, site.id, need, answer, id, now),
    audit: (query) =>
      answer(() => {
        need("view_audit", "view the audit log");
        return filterAudit(trail, query);
      }),
    saveAuditExport: (query) =>
      answer(() => {
        need("view_audit", "view the audit log");
        const rows = filterAudit(trail, { ...query, limit: null, offset: null });
        const path = `/exports/audit-${siteToday(site.time_zone, now())}.csv`;
        exportsSaved.push(path);
        audit("audit.export", "audit_log", { rows: rows.length });
        return { path, bytes: 100 * rows.length, warnings: [] };
      }),
    printBadge: (req) =>
      answer(() => {
        need("sign_visitors", "sign visitors in or out");
        const v = visits.find((x) => x.id === req.visit_id);
        if (!v) throw notFound("visit");
        const printer = req.printer ?? settings.badge_printer;
        if (!printer) throw invalid("printer", "choose a badge printer in Settings first");
        const previous = prints.get(v.id) ?? 0;
        if (previous > 0 && !req.confirm_reprint) {
          const times = previous === 1 ? "once" : `${previous} times`;
          throw apiError(
            "reprint_unconfirmed",
            "error.reprint_unconfirmed",
            `${v.visitor_name}'s badge was already printed ${times}; confirm to print another`,
            { visitor: v.visitor_name, count: String(previous) },
          );
        }
        prints.set(v.id, previous + 1);
        return {
          id: id(),
          visit_id: v.id,
          printed_at: now().toISOString(),
          printer,
          preset: settings.badge_preset,
          printed_by: account?.display_name ?? "",
          outcome: "done" as const,
          message: null,
          reprint: previous > 0,
        };
      }),
    saveEvacuationList: () =>
      answer(() => {
        need("view_visits", "view visits");
        const path = `/exports/evacuation-${siteToday(site.time_zone, now())}.pdf`;
        exportsSaved.push(path);
        return { path, bytes: 2048, warnings: [] };
      }),
    correctTimesheet: () => answer(() => {
      need("correct_attendance", "correct attendance");
      throw notFound("clock event");
    }),
    approveTimesheet: () => answer(() => {
      need("export_timesheets", "export timesheets");
      throw notFound("employee");
    }),
    saveExport: (req) =>
      answer(() => {
        need(exportPermission(req.kind), req.kind === "timesheets" ? "export timesheets" : "view visits");
        if (!req.from) throw invalid("from", "is required", "error.required");
        if (req.to < req.from) throw invalid("to", "the last day comes before the first");
        const path = `/exports/${req.kind}-${req.from}-${req.to}.${req.format}`;
        exportsSaved.push(path);
        return { path, bytes: 4096, warnings: [] };
      }),
    exportSchedules: () => answer(() => (need("view_visits", "view visits"), schedules)),
    saveExportSchedule: (scheduleId, spec) =>
      answer(() => {
        need(exportPermission(spec.kind), "schedule exports");
        const name = required("name", spec.name);
        if (!/^\d\d:\d\d$/.test(spec.at.trim())) throw invalid("at", "use a time such as 06:00");
        const saved: ExportSchedule = {
          id: scheduleId ?? id(),
          spec: { ...spec, name },
          owner_name: account?.display_name ?? "",
          folder_path: spec.folder ?? "/exports/scheduled",
          next_run_at: null,
          last_run: null,
        };
        const i = schedules.findIndex((s) => s.id === saved.id);
        if (i >= 0) schedules[i] = saved;
        else schedules.push(saved);
        return saved;
      }),
    deleteExportSchedule: (scheduleId) =>
      answer(() => {
        const i = schedules.findIndex((s) => s.id === scheduleId);
        if (i < 0) throw notFound("export schedule");
        schedules.splice(i, 1);
      }),
    exportRuns: () => answer(() => []),
    printers: () => answer(() => (need("sign_visitors", "sign visitors in or out"), printers)),
    siteSettings: () => answer(() => (need("view_visits", "view visits"), settings)),
    cameras: () => answer(() => (need("manage_settings", "change settings"), [{ name: "Integrated Webcam", description: "USB video" }])),
    updateSiteSettings: (next) =>
      answer(() => {
        need("manage_settings", "change settings");
        if (next.revision !== settings.revision) {
          const detail = "someone else changed these settings since you opened them; reload them and try again";
          throw apiError("conflict", "error.conflict", detail, { detail });
        }
        settings = { ...next, unreadable: [], revision: settings.revision + 1 };
        return settings;
      }),
    reviewQueue: (all) =>
      answer(() => {
        need("manage_employees", "manage employees");
        return reviews.filter((r) => all || r.status === "open");
      }),
    reviewSnapshot: (reviewId) =>
      answer(() => {
        need("manage_employees", "manage employees");
        if (!reviews.some((r) => r.id === reviewId && r.has_snapshot)) throw notFound("snapshot");
        return SNAPSHOT;
      }),
    resolveReview: (reviewId, decision) =>
      answer(() => {
        need("manage_employees", "manage employees");
        const r = reviews.find((x) => x.id === reviewId);
        if (!r) throw notFound("review item");
        if (r.status !== "open") throw apiError("conflict", "error.conflict", "this review item was already decided", { detail: "this review item was already decided" });
        if (decision.action === "assign") {
          const e = hosts.find((h) => h.id === decision.employee_id);
          if (!e) throw invalid("employee_id", "no such employee", "error.no_such_employee");
          Object.assign(r, { status: "resolved", employee_id: e.id, employee_name: e.name });
        } else r.status = "dismissed";
        Object.assign(r, { resolved_by: account?.display_name ?? null, resolved_at: now().toISOString() });
        audit(`review.${decision.action}`, "review_event", {});
        return r;
      }),
    onDataChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    openKiosk: () => answer(() => need("sign_visitors", "open the kiosk")),
  };
  return host;
}

/** The trail's rows matching `q` as the core filters them (prefix, actor name, site-local days). */
function filterAudit(trail: AuditEntry[], q: AuditQuery): AuditEntry[] {
  const who = q.actor?.trim().toLowerCase();
  const rows = trail.filter(
    (e) =>
      (!q.action_prefix || e.action.startsWith(q.action_prefix)) &&
      (!who || e.actor_name.toLowerCase().includes(who)) &&
      (!q.from || e.at.slice(0, 10) >= q.from) &&
      (!q.to || e.at.slice(0, 10) <= q.to),
  );
  const offset = q.offset ?? 0;
  return rows.slice(offset, offset + (q.limit ?? 200));
}
