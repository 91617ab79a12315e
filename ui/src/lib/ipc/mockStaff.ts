// The in-memory host's staff accounts and console session: the same rules the core keeps (an
// administrator cannot demote or disable themselves, the last active administrator stays one, the
// password rules, the lock), so the screens can be tried and tested without the shell.
import type { ApiError } from "../bindings/ApiError";
import type { Permission } from "../bindings/Permission";
import type { StaffAccount } from "../bindings/StaffAccount";
import type { Host } from "./host";
import { apiError, invalid } from "./mockErrors";

export type MockAccount = StaffAccount & { password: string; pin: string | null };

type Session = {
  accounts: MockAccount[];
  current(): MockAccount | null;
  setLocked(l: boolean): void;
  need(p: Permission, action: string): void;
  id(): string;
};

const COMMON = ["password", "password1", "password123", "12345678", "123456789", "qwertyuiop", "iloveyou", "changeme"];

export function checkPassword(field: string, password: string, username: string): void {
  if (password.length < 8) throw invalid(field, "must be at least 8 characters", "error.password_too_short", { min: "8" });
  const lower = password.toLowerCase();
  const user = username.trim().toLowerCase();
  if (COMMON.includes(lower) || (user.length >= 3 && lower.includes(user)) || new Set(lower).size === 1) {
    throw invalid(field, "is too easy to guess", "error.password_weak");
  }
}

function conflict(detail: string): ApiError {
  return apiError("conflict", "error.conflict", detail, { detail });
}

export function publicView(a: MockAccount): StaffAccount {
  const { password: _p, pin: _pin, ...rest } = a;
  return { ...rest, has_kiosk_pin: a.pin !== null };
}

type StaffMethods = Pick<
  Host,
  | "lockConsole"
  | "unlockConsole"
  | "changePassword"
  | "staffAccounts"
  | "createStaffAccount"
  | "updateStaffAccount"
  | "resetStaffPassword"
  | "setStaffKioskPin"
>;

export function mockStaff(s: Session, answer: <T>(f: () => T) => Promise<T>): StaffMethods {
  const find = (id: string): MockAccount => {
    const a = s.accounts.find((x) => x.id === id);
    if (!a) throw apiError("not_found", "error.not_found", "staff account not found", { entity: "staff account" });
    return a;
  };
  const signedIn = (): MockAccount => {
    const me = s.current();
    if (!me) throw apiError("unauthenticated", "error.not_signed_in", "please sign in");
    return me;
  };
  return {
    lockConsole: () =>
      answer(() => {
        signedIn();
        s.setLocked(true);
      }),
    unlockConsole: (password) =>
      answer(() => {
        const me = signedIn();
        if (me.password !== password) throw apiError("unauthenticated", "error.bad_credentials", "wrong username or password");
        s.setLocked(false);
        return publicView(me);
      }),
    changePassword: (current, next) =>
      answer(() => {
        const me = signedIn();
        s.need("view_visits", "change the password");
        checkPassword("new_password", next, me.username);
        if (me.password !== current) throw invalid("current_password", "is not right");
        me.password = next;
      }),
    staffAccounts: () =>
      answer(() => {
        s.need("manage_staff", "manage staff accounts");
        return [...s.accounts].sort((a, b) => a.username.localeCompare(b.username)).map(publicView);
      }),
    createStaffAccount: (req) =>
      answer(() => {
        s.need("manage_staff", "manage staff accounts");
        const username = req.username.trim();
        if (!/^[A-Za-z0-9._@-]{1,64}$/.test(username)) throw invalid("username", "use letters, digits and . _ - @");
        if (s.accounts.some((a) => a.username.toLowerCase() === username.toLowerCase())) {
          throw invalid("username", `"${username}" is already taken`);
        }
        if (!req.display_name.trim()) throw invalid("display_name", "is required", "error.required");
        checkPassword("password", req.password, username);
        const a: MockAccount = {
          id: s.id(),
          username,
          display_name: req.display_name.trim(),
          email: req.email?.trim() || null,
          role: req.role,
          active: true,
          has_kiosk_pin: false,
          last_login_at: null,
          password: req.password,
          pin: req.kiosk_pin,
        };
        s.accounts.push(a);
        return publicView(a);
      }),
    updateStaffAccount: (id, update) =>
      answer(() => {
        s.need("manage_staff", "manage staff accounts");
        const a = find(id);
        if (!update.display_name.trim()) throw invalid("display_name", "is required", "error.required");
        const demoted = a.role === "admin" && a.active && !(update.role === "admin" && update.active);
        if (demoted && a.id === s.current()?.id) {
          throw conflict("you cannot remove your own administrator role or disable your own account; ask another administrator");
        }
        if (demoted && !s.accounts.some((x) => x.id !== a.id && x.role === "admin" && x.active)) {
          throw conflict("this is the last active administrator; make another account an administrator first");
        }
        Object.assign(a, { display_name: update.display_name.trim(), email: update.email?.trim() || null, role: update.role, active: update.active });
        return publicView(a);
      }),
    resetStaffPassword: (id, password) =>
      answer(() => {
        s.need("manage_staff", "manage staff accounts");
        const a = find(id);
        checkPassword("password", password, a.username);
        a.password = password;
      }),
    setStaffKioskPin: (id, pin) =>
      answer(() => {
        s.need("manage_staff", "manage staff accounts");
        const a = find(id);
        if (pin !== null && !/^\d{4,8}$/.test(pin)) throw invalid("kiosk_pin", "must be 4 to 8 digits", "error.invalid_pin");
        a.pin = pin;
        return publicView(a);
      }),
  };
}
