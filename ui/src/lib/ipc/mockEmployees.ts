// The in-memory host's employee directory: add, edit, import (per-row problems) and face enrolment,
// with the core's consent rule (no face without consent; withdrawing it or leaving erases it).
import type { Employee } from "../bindings/Employee";
import type { EmployeeInput } from "../bindings/EmployeeInput";
import type { HostSummary } from "../bindings/HostSummary";
import type { ImportReport } from "../bindings/ImportReport";
import type { Permission } from "../bindings/Permission";
import type { Host } from "./host";
import { apiError, invalid } from "./mockErrors";

type Methods = Pick<Host, "employees" | "createEmployee" | "updateEmployee" | "importEmployees" | "enrolEmployeeFaces" | "eraseEmployeeFaces">;

export function mockEmployees(
  hosts: HostSummary[],
  need: (p: Permission, action: string) => void,
  answer: <T>(f: () => T) => Promise<T>,
  id: () => string,
): Methods {
  const staff: Employee[] = hosts.map((h, i) => ({
    id: h.id,
    code: String(1001 + i),
    name: h.name,
    email: null,
    phone: null,
    department: h.department,
    title: null,
    manager_id: null,
    manager_name: null,
    site_id: null,
    active: true,
    face_consent: i === 0,
    face_images: i === 0 ? 3 : 0,
  }));

  function apply(e: Employee, input: EmployeeInput): void {
    const code = input.code.trim();
    const name = input.name.trim();
    if (!code) throw invalid("code", "is required", "error.required");
    if (!name) throw invalid("name", "is required", "error.required");
    if (staff.some((x) => x.id !== e.id && x.code === code)) throw invalid("code", `employee code "${code}" is already in use`);
    const email = input.email?.trim() || null;
    if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw invalid("email", "is not a valid email address", "error.invalid_email");
    Object.assign(e, {
      code,
      name,
      email,
      phone: input.phone?.trim() || null,
      department: input.department?.trim() || null,
      title: input.title?.trim() || null,
      active: input.active ?? e.active,
      face_consent: input.face_consent ?? e.face_consent,
    });
    if (!e.active || !e.face_consent) e.face_images = 0;
    const h = hosts.find((x) => x.id === e.id);
    if (h) Object.assign(h, { name: e.name, department: e.department });
  }

  const find = (employeeId: string): Employee => {
    const e = staff.find((x) => x.id === employeeId);
    if (!e) throw apiError("not_found", "error.not_found", "employee not found", { entity: "employee" });
    return e;
  };

  function create(input: EmployeeInput): Employee {
    const e: Employee = { ...staff[0]!, id: id(), active: true, face_consent: false, face_images: 0, department: null };
    apply(e, input);
    staff.push(e);
    hosts.push({ id: e.id, name: e.name, department: e.department });
    return e;
  }

  return {
    employees: (q) =>
      answer(() => {
        need("manage_employees", "manage employees");
        const s = q.search?.trim().toLowerCase();
        return staff
          .filter((e) => (q.include_inactive || e.active) && (!s || [e.name, e.code, e.email ?? ""].some((f) => f.toLowerCase().includes(s))))
          .sort((a, b) => a.name.localeCompare(b.name));
      }),
    createEmployee: (input) =>
      answer(() => {
        need("manage_employees", "manage employees");
        return create(input);
      }),
    updateEmployee: (employeeId, input) =>
      answer(() => {
        need("manage_employees", "manage employees");
        const e = find(employeeId);
        apply(e, input);
        return e;
      }),
    importEmployees: (csv) =>
      answer(() => {
        need("manage_employees", "manage employees");
        const [header, ...rows] = csv.split(/\r?\n/);
        const cols = (header ?? "").split(",").map((c) => c.trim().toLowerCase());
        if (!cols.includes("code") || !cols.includes("name")) throw invalid("csv", "the header needs code and name columns");
        const report: ImportReport = { created: 0, updated: 0, rejected: [], ignored_columns: cols.filter((c) => !["code", "name", "department", "email"].includes(c)) };
        rows.forEach((line, i) => {
          if (!line.trim()) return;
          const cells = line.split(",");
          const cell = (c: string) => cells[cols.indexOf(c)]?.trim() ?? "";
          const input: EmployeeInput = { code: cell("code"), name: cell("name"), email: cell("email") || null, phone: null, department: cell("department") || null, title: null, manager_code: null, site_id: null, active: null, face_consent: null };
          const problems = [];
          if (!input.code) problems.push({ field: "code", message: "is required" });
          if (!input.name) problems.push({ field: "name", message: "is required" });
          if (input.email && !input.email.includes("@")) problems.push({ field: "email", message: "is not a valid email address" });
          if (problems.length) {
            report.rejected.push({ line: i + 2, code: input.code || null, problems });
            return;
          }
          const existing = staff.find((e) => e.code === input.code);
          if (existing) {
            apply(existing, { ...input, department: input.department ?? existing.department });
            report.updated += 1;
          } else {
            create(input);
            report.created += 1;
          }
        });
        return report;
      }),
    enrolEmployeeFaces: (employeeId, images) =>
      answer(() => {
        need("manage_employees", "manage employees");
        const e = find(employeeId);
        if (!e.face_consent) {
          const detail = `${e.name} has not consented to face recognition; record their consent first`;
          throw apiError("conflict", "error.conflict", detail, { detail });
        }
        if (images.length < 3 || images.length > 5) throw invalid("images", "give 3 to 5 images");
        const rejected = images.flatMap((img, image) => (img.startsWith("data:image/") ? [] : [{ image, reason: "the file is not a readable image" }]));
        const accepted = images.length - rejected.length;
        const stored = accepted >= 3;
        if (stored) e.face_images = accepted;
        return { stored, accepted: stored ? accepted : 0, rejected, warnings: stored ? [] : [`only ${accepted} usable image(s); at least 3 are needed`] };
      }),
    eraseEmployeeFaces: (employeeId) =>
      answer(() => {
        need("erase_data", "erase personal data");
        const e = find(employeeId);
        const n = e.face_images;
        Object.assign(e, { face_images: 0, face_consent: false });
        return n;
      }),
  };
}
