// The kiosk's flow as plain data: which step comes next, what the visitor has entered so far, and
// the request it becomes. No Svelte and no host here, so the rules are tested on their own.
import type { HostSummary } from "../lib/bindings/HostSummary";
import type { InviteWelcome } from "../lib/bindings/InviteWelcome";
import type { KioskConfig } from "../lib/bindings/KioskConfig";
import type { RedeemInvite } from "../lib/bindings/RedeemInvite";
import type { ReturningVisitor } from "../lib/bindings/ReturningVisitor";
import type { SignInRequest } from "../lib/bindings/SignInRequest";

export type Step = "welcome" | "details" | "returning" | "confirm" | "host" | "agreement" | "invite" | "done" | "signout" | "unlock";

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
};

export function emptyDraft(): Draft {
  return { name: "", company: "", email: "", phone: "", remember: false, rememberFace: false, host: null, returning: null, invite: null, signature: null };
}

/** Whether the agreement step has anything to ask: the site requires it and it was not signed before. */
export function needsSignature(config: KioskConfig, draft: Draft): boolean {
  if (!config.require_agreement) return false;
  if (draft.returning?.agreement_signed) return false;
  if (draft.invite?.welcome.agreement_signed) return false;
  return true;
}

/** The step after `step`, given what has been entered. */
export function next(step: Step, draft: Draft): Step {
  switch (step) {
    case "details":
    case "confirm":
      return "host";
    case "host":
    case "invite":
      return "agreement";
    case "agreement":
      return "done";
    case "returning":
      return draft.returning ? "confirm" : "details";
    default:
      return "welcome";
  }
}

/** The step "Back" returns to. */
export function back(step: Step, draft: Draft): Step {
  switch (step) {
    case "host":
      return draft.returning ? "confirm" : "details";
    case "agreement":
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
  };
}

/** The redemption of the invitation the visitor showed. */
export function redeemRequest(config: KioskConfig, draft: Draft): RedeemInvite {
  return {
    qr: draft.invite?.qr ?? "",
    agreement_version: draft.signature ? config.agreement_version : null,
    signature_svg: draft.signature,
    remember_me: draft.remember,
  };
}

/** The first step an error on `field` belongs to, so the visitor lands where they can fix it. */
export function stepForField(field: string | null): Step | null {
  if (!field) return null;
  if (field.startsWith("visitor.")) return "details";
  if (field === "host_employee_id") return "host";
  if (field === "signature_svg" || field === "agreement_version") return "agreement";
  return null;
}
