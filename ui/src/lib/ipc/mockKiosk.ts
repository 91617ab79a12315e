// An in-memory kiosk for a plain browser (`/?host=mock&window=kiosk`) and for the kiosk's component
// tests. It keeps the rules the flow depends on: required fields per the site's settings, the
// agreement signature, masked returning visitors, single-use invitations and the staff PIN. The
// core remains the authority; this is a stand-in.
import type { AttendanceEvent } from "../bindings/AttendanceEvent";
import type { CameraFrame } from "../bindings/CameraFrame";
import type { KioskCheckIn } from "../bindings/KioskCheckIn";
import type { KioskConfig } from "../bindings/KioskConfig";
import type { KioskVisit } from "../bindings/KioskVisit";
import type { SignInRequest } from "../bindings/SignInRequest";
import type { Visit } from "../bindings/Visit";
import type { WalkUp } from "../bindings/WalkUp";
import type { KioskHost } from "./host";
import { apiError, invalid } from "./mock";

export const MOCK_KIOSK_PIN = "2468";
export const MOCK_INVITE_QR = "frontdesk:invite:0123456789abcdef0123456789abcdef";
export const MOCK_RETURNING_EMAIL = "ada@example.com";
/** An employee of the mock kiosk who clocks with code and PIN. */
export const MOCK_EMPLOYEE = { code: "1001", pin: "4821", name: "Eve Employee" };
const MOCK_PHOTO =
  "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==";

export type MockKioskOptions = {
  config?: Partial<KioskConfig>;
  /** Milliseconds each call waits. */
  latency?: number;
  /** Frames the camera delivers, in order; without them the camera is unavailable. */
  cameraFrames?: CameraFrame[];
  /** The camera sees the remembered returning visitor's face. */
  faceOfReturning?: boolean;
  /** What the clock-in camera answers, call after call (the last repeats); waiting by default. */
  walkUps?: WalkUp[];
};

const HOSTS = [
  { id: "h1", name: "Amelia Hart", department: "Reception" },
  { id: "h2", name: "Björn Lindqvist", department: "Engineering" },
  { id: "h3", name: "Fatima Al-Sayed", department: "Sales" },
];

function mask(s: string): string {
  return s
    .trim()
    .split(/\s+/)
    .map((w) => [...w][0] + "•".repeat(Math.min([...w].length - 1, 12)))
    .join(" ");
}

export function createMockKiosk(options: MockKioskOptions = {}): KioskHost & { visits: Visit[]; inviteUsed: boolean; remembered: string[]; spoken: { text: string; lang: string }[] } {
  const config: KioskConfig = {
    site_name: "London HQ",
    time_zone: "Europe/London",
    languages: ["en", "fr", "ar"],
    fields: { company: "optional", email: "optional", phone: "hidden" },
    photo: "optional",
    on_screen_keyboard: true,
    require_agreement: true,
    agreement_text: "I agree to follow the site's safety and confidentiality rules.",
    agreement_version: "1",
    idle_seconds: 60,
    ...options.config,
  };
  const visits: Visit[] = [];
  let badge = 0;
  let n = 0;
  const returning = { id: "r1", name: "Ada Lovelace", company: "Analytical Engines", signed: true };
  const state = { visits, inviteUsed: false };
  const remembered: string[] = [];
  let photos = 0;
  const clock = { failures: 0, lockedUntil: 0, events: [] as AttendanceEvent[] };
  const spoken: { text: string; lang: string }[] = [];

  async function answer<T>(f: () => T): Promise<T> {
    if (options.latency) await new Promise((r) => setTimeout(r, options.latency));
    return structuredClone(f());
  }

  function record(req: SignInRequest, source: string): KioskCheckIn {
    let name = req.visitor.name.trim();
    let company = req.visitor.company?.trim() || null;
    const isReturning = req.visitor_id === returning.id;
    if (isReturning && !name) {
      name = returning.name;
      company = returning.company;
    }
    if (!name) throw invalid("visitor.name", "is required", "error.required");
    if (config.photo === "required" && !req.photo_id && source === "kiosk") throw invalid("photo_id", "is required", "error.required");
    for (const f of ["company", "email", "phone"] as const) {
      const v = req.visitor[f]?.trim();
      if (config.fields[f] === "required" && !v && !isReturning && source === "kiosk") {
        throw invalid(`visitor.${f}`, "is required", "error.required");
      }
    }
    if (req.agreement_version && req.agreement_version !== config.agreement_version) {
      throw invalid("agreement_version", "the agreement has changed", "error.agreement_changed");
    }
    const signedBefore = isReturning && returning.signed;
    if (config.require_agreement && !req.signature_svg && !signedBefore) {
      throw invalid("signature_svg", "is required", "error.required");
    }
    badge += 1;
    n += 1;
    const host = HOSTS.find((h) => h.id === req.host_employee_id) ?? null;
    const visit: Visit = {
      id: `visit-${n}`,
      site_id: "site",
      visitor_id: req.visitor_id ?? `visitor-${n}`,
      visitor_name: name,
      company,
      host_employee_id: host?.id ?? null,
      host_name: host?.name ?? null,
      purpose: req.purpose ?? null,
      visitor_type: "visitor",
      status: "checked_in",
      expected_at: null,
      checked_in_at: new Date().toISOString(),
      checked_out_at: null,
      badge_number: `V${String(badge).padStart(4, "0")}`,
      source,
      has_photo: req.photo_id !== null && req.photo_id !== undefined,
    };
    visits.push(visit);
    return { visit, badge: "done", host_notified: host !== null };
  }

  const host: KioskHost = {
    config: () => answer(() => config),
    searchHosts: (query) =>
      answer(() => {
        const q = query.trim().toLowerCase();
        if (!q) return [];
        return HOSTS.filter((h) => h.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)) || h.name.toLowerCase().startsWith(q));
      }),
    findReturning: (emailOrPhone) =>
      answer(() =>
        emailOrPhone.trim().toLowerCase() === MOCK_RETURNING_EMAIL
          ? { id: returning.id, name: mask(returning.name), company: mask(returning.company), agreement_signed: returning.signed, has_photo: true }
          : null,
      ),
    signIn: (req) => answer(() => record(req, "kiosk")),
    redeemInvite: (req) =>
      answer(() => {
        if (req.qr.trim() !== MOCK_INVITE_QR) throw apiError("conflict", "error.invite_unknown", "this is not a Frontdesk invitation");
        if (state.inviteUsed) throw apiError("conflict", "error.invite_used", "this invitation was already used");
        const done = record(
          {
            site_id: null,
            visitor_id: null,
            photo_id: req.photo_id ?? null,
            visitor: { name: "Ivy Invited", company: "Globex", email: null, phone: null },
            host_employee_id: "h2",
            purpose: "Interview",
            visitor_type: null,
            notes: null,
            agreement_version: req.agreement_version,
            signature_svg: req.signature_svg,
            remember_me: req.remember_me,
          },
          "invite",
        );
        state.inviteUsed = true;
        return done;
      }),
    findSignedIn: (query) =>
      answer(() => {
        const q = query.trim().toLowerCase();
        if (q.length < 2) return [];
        return visits
          .filter((v) => v.status === "checked_in" && v.visitor_name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)))
          .map((v): KioskVisit => ({ visit_id: v.id, name: mask(v.visitor_name), badge_number: v.badge_number, since: v.checked_in_at }));
      }),
    signOut: (visitId) =>
      answer(() => {
        const v = visits.find((x) => x.id === visitId);
        if (!v || v.status !== "checked_in") throw apiError("conflict", "error.conflict", "not signed in", { detail: "not signed in" });
        v.status = "checked_out";
        v.checked_out_at = new Date().toISOString();
      }),
    scan: (qr) =>
      answer(() => {
        const text = qr.trim();
        if (text.startsWith("frontdesk:visit:")) {
          const v = visits.find((x) => x.id === text.slice("frontdesk:visit:".length) && x.status === "checked_in");
          if (!v) throw apiError("conflict", "error.invite_unknown", "not a Frontdesk code");
          v.status = "checked_out";
          return { kind: "signed_out" as const, first_name: v.visitor_name.split(/\s+/)[0] ?? "", badge_number: v.badge_number };
        }
        if (text !== MOCK_INVITE_QR) throw apiError("conflict", "error.invite_unknown", "this is not a Frontdesk invitation");
        if (state.inviteUsed) throw apiError("conflict", "error.invite_used", "this invitation was already used");
        return {
          kind: "invite" as const,
          qr: text,
          invite: { id: "inv1", visitor_name: "Ivy Invited", company: "Globex", host_name: "Björn Lindqvist", agreement_signed: false },
        };
      }),
    camera: (after) =>
      answer(() => {
        const frames = options.cameraFrames;
        if (!frames?.length) return { status: { state: "unavailable" as const, reason: "no camera in this browser" }, frame: null };
        return { status: { state: "live" as const, source: "mock camera" }, frame: frames.find((f) => f.index > after) ?? null };
      }),
    recogniseFace: () =>
      answer(() =>
        options.faceOfReturning
          ? { kind: "match" as const, visitor: { id: returning.id, name: mask(returning.name), company: mask(returning.company), agreement_signed: returning.signed, has_photo: true }, distance: 0.3 }
          : { kind: "unknown" as const },
      ),
    clockByPin: (code, pin) =>
      answer(() => {
        if (clock.lockedUntil > Date.now()) throw apiError("unauthenticated", "error.locked", "locked", { until: "10:05" });
        if (code.trim() !== MOCK_EMPLOYEE.code || pin !== MOCK_EMPLOYEE.pin) {
          clock.failures += 1;
          if (clock.failures >= 5) {
            clock.failures = 0;
            clock.lockedUntil = Date.now() + 5 * 60_000;
            throw apiError("unauthenticated", "error.locked", "locked", { until: "10:05" });
          }
          throw apiError("unauthenticated", "error.bad_credentials", "wrong code or PIN");
        }
        clock.failures = 0;
        const last = clock.events[clock.events.length - 1];
        if (last && Date.now() - Date.parse(last.at) < 2 * 60_000) return { event: last, repeated: true };
        const event = {
          id: `att-${clock.events.length + 1}`,
          employee_id: "e1",
          employee_name: MOCK_EMPLOYEE.name,
          direction: last?.direction === "IN" ? ("OUT" as const) : ("IN" as const),
          at: new Date().toISOString(),
          source: "pin" as const,
          confidence: null,
        };
        clock.events.push(event);
        return { event, repeated: false };
      }),
    walkUp: () =>
      answer((): WalkUp => {
        if (!options.cameraFrames?.length) return { kind: "no_camera" };
        const queue = options.walkUps ?? [];
        return (queue.length > 1 ? queue.shift() : queue[0]) ?? { kind: "waiting" };
      }),
    undoClock: (eventId) =>
      answer(() => {
        const i = clock.events.findIndex((e) => e.id === eventId);
        if (i < 0) throw apiError("not_found", "error.not_found", "attendance event not found", { entity: "attendance event" });
        clock.events.splice(i, 1);
      }),
    speak: (text, lang) =>
      answer(() => {
        spoken.push({ text, lang });
        return { state: "speaking" as const };
      }),
    takePhoto: () =>
      answer(() => {
        if (!options.cameraFrames?.length) throw apiError("conflict", "error.conflict", "the camera is not available", { detail: "the camera is not available" });
        photos += 1;
        // A 1×1 grey JPEG stands in for the photo.
        return { id: `photo-${photos}`, jpeg: MOCK_PHOTO, face_found: true };
      }),
    rememberFace: (visitorId) =>
      answer(() => {
        remembered.push(visitorId);
      }),
    unlock: (pin) =>
      answer(() => {
        if (pin !== MOCK_KIOSK_PIN) throw apiError("unauthenticated", "error.bad_credentials", "wrong PIN");
        return "Amelia Hart";
      }),
  };
  return Object.assign(host, { visits, remembered, spoken, get inviteUsed() { return state.inviteUsed; } });
}
