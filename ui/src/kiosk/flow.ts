// The kiosk's flow as plain data: which step comes next, what the visitor has entered so far, and
// the request it becomes. No Svelte and no host here, so the rules are tested on their own.
import type { HostSummary } from "../lib/bindings/HostSummary";
import type { InviteWelcome } from "../lib/bindings/InviteWelcome";
import type { KioskConfig } from "../lib/bindings/KioskConfig";
import type { KioskPhoto } from "../lib/bindings/KioskPhoto";
import type { RedeemInvite } from "../lib/bindings/RedeemInvite";
import type { ReturningVisitor } from "../lib/bindings/ReturningVisitor";
import type { SignInRequest } from "../lib/bindings/SignInRequest";

export type Step = "welcome" | "details" | "returning" | "confirm" | "host" | "photo" | "agreement" | "invite" | "done" | "signout" | "unlock" | "clock";

export type Draft = {
  name: string;
  company: string;
  email: string;
  phone: string;
  remember: boolean;
  /** Recognise my face next time (remembered from the camera after sign-in). */
  rememberFace: boolean;
  host: HostSummary | null;
  returning: ReturningVisitor | null;
  invite: { qr: string; welcome: InviteWelcome } | null;
  signature: string | null;
  /** The photo taken at the photo step, kept or retaken there. */
  photo: KioskPhoto | null;
  /** The camera said it is unavailable: an optional photo step is skipped. */
  noCamera: boolean;
};

export function emptyDraft(): Draft {
  return { name: "", company: "", email: "", phone: "", remember: false, rememberFace: false, host: null, returning: null, invite: null, signature: null, photo: null, noCamera: false };
}

/** Whether the agreement step has anything to ask: the site requires it and it was not signed before. */
export function needsSignature(config: KioskConfig, draft: Draft): boolean {
  if (!config.require_agreement) return false;
  if (draft.returning?.agreement_signed) return false;
  if (draft.invite?.welcome.agreement_signed) return false;
  return true;
}

/** Whether the photo step shows: the site takes photos, the visitor has none kept from an earlier
 * visit, and the camera works or the photo is required (then the step says to ask at reception). */
export function photoWanted(config: KioskConfig, draft: Draft): boolean {
  if (draft.returning?.has_photo) return false;
  return config.photo === "required" || (config.photo === "optional" && !draft.noCamera);
}

/** The step after `step`, given what has been entered; `"sign_in"` when nothing is left to ask. */
export function next(step: Step, draft: Draft, config: KioskConfig): Step | "sign_in" {
  switch (step) {
    case "details":
    case "confirm":
      return "host";
    case "host":
    case "invite":
      if (photoWanted(config, draft)) return "photo";
      return needsSignature(config, draft) ? "agreement" : "sign_in";
    case "photo":
      return needsSignature(config, draft) ? "agreement" : "sign_in";
    case "agreement":
      return "sign_in";
    case "returning":
      return draft.returning ? "confirm" : "details";
    default:
      return "welcome";
  }
}

/** The step "Back" returns to. */
export function back(step: Step, draft: Draft, config: KioskConfig): Step {
  switch (step) {
    case "host":
      return draft.returning ? "confirm" : "details";
    case "photo":
      return draft.invite ? "invite" : "host";
    case "agreement":
      if (photoWanted(config, draft)) return "photo";
      return draft.invite ? "invite" : "host";
    case "confirm":
      return "returning";
    default:
      return "welcome";
  }
}

const clean = (s: string): string | null => (s.trim() ? s.trim() : null);

/** The sign-in request for a new or returning visitor, with the signature when one was drawn. */
export function signInRequest(config: KioskConfig, draft: Draft): SignInRequest {
  const returning = draft.returning;
  return {
    site_id: null,
    visitor_id: returning?.id ?? null,
    // A returning visitor confirmed masked details: the core uses what it has stored.
    visitor: returning
      ? { name: "", company: null, email: null, phone: null }
      : {
          name: draft.name.trim(),
          company: config.fields.company === "hidden" ? null : clean(draft.company),
          email: config.fields.email === "hidden" ? null : clean(draft.email),
          phone: config.fields.phone === "hidden" ? null : clean(draft.phone),
        },
    host_employee_id: draft.host?.id ?? null,
    purpose: null,
    visitor_type: null,
    notes: null,
    agreement_version: draft.signature ? config.agreement_version : null,
    signature_svg: draft.signature,
    remember_me: returning ? true : draft.remember,
    photo_id: draft.photo?.id ?? null,
  };
}

/** The redemption of the invitation the visitor showed. */
export function redeemRequest(config: KioskConfig, draft: Draft): RedeemInvite {
  return {
    qr: draft.invite?.qr ?? "",
    agreement_version: draft.signature ? config.agreement_version : null,
    signature_svg: draft.signature,
    remember_me: draft.remember,
    photo_id: draft.photo?.id ?? null,
  };
}

/** The first step an error on `field` belongs to, so the visitor lands where they can fix it. */
export function stepForField(field: string | null): Step | null {
  if (!field) return null;
  if (field.startsWith("visitor.")) return "details";
  if (field === "host_employee_id") return "host";
  if (field === "signature_svg" || field === "agreement_version") return "agreement";
  if (field === "photo_id") return "photo";
  return null;
}

/** Analysed frames in a row whose face passed every check; the photo step takes the photo at 3. Counts
 * each analysis once (several frames may carry the same one). */
export function readyStreak(
  streak: { analysed: number; count: number },
  frame: { analysed: number | null; hint: string | null },
): { analysed: number; count: number } {
  if (frame.analysed === null || frame.analysed === streak.analysed) return streak;
  return { analysed: frame.analysed, count: frame.hint === "ready" ? streak.count + 1 : 0 };
}
