// The in-memory host's invitations: created with a window on a site-local day, listed, cancelled
// once; the QR code is a placeholder SVG (the core draws the real one).
import type { HostSummary } from "../bindings/HostSummary";
import type { Invite } from "../bindings/Invite";
import type { Permission } from "../bindings/Permission";
import type { Host } from "./host";
import { apiError, invalid } from "./mockErrors";

type Methods = Pick<Host, "createInvite" | "invites" | "cancelInvite">;

const QR_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="2" height="2"/><rect x="2" y="2" width="2" height="2"/></svg>';

export function mockInvites(
  hosts: HostSummary[],
  siteId: string,
  need: (p: Permission, action: string) => void,
  answer: <T>(f: () => T) => Promise<T>,
  id: () => string,
  now: () => Date,
): Methods {
  const invites: Invite[] = [];
  return {
    createInvite: (req) =>
      answer(() => {
        need("manage_invites", "invite visitors");
        const name = req.visitor.name.trim();
        if (!name) throw invalid("visitor.name", "is required", "error.required");
        if (!req.date) throw invalid("date", "is required", "error.required");
        const host = hosts.find((h) => h.id === req.host_employee_id) ?? null;
        if (req.host_employee_id && !host) throw invalid("host_employee_id", "no such employee", "error.no_such_employee");
        if (req.from && req.until && req.until <= req.from) throw invalid("until", "the window ends before it starts");
        const at = (time: string | null, fallback: string) => new Date(`${req.date}T${time ?? fallback}:00Z`).toISOString();
        const token = id();
        const invite: Invite = {
          id: id(),
          site_id: siteId,
          visitor_name: name,
          company: req.visitor.company,
          email: req.visitor.email,
          phone: req.visitor.phone,
          host_employee_id: host?.id ?? null,
          host_name: host?.name ?? null,
          purpose: req.purpose,
          valid_from: at(req.from, "00:00"),
          valid_until: at(req.until, "23:59"),
          status: "pending",
          qr_payload: `FDINV1:${token}`,
          qr_svg: QR_SVG,
          created_at: now().toISOString(),
        };
        invites.push(invite);
        return invite;
      }),
    invites: (from, to) =>
      answer(() => {
        need("manage_invites", "invite visitors");
        return invites.filter((i) => i.valid_until.slice(0, 10) >= from && i.valid_from.slice(0, 10) <= to).sort((a, b) => a.valid_from.localeCompare(b.valid_from));
      }),
    cancelInvite: (inviteId) =>
      answer(() => {
        need("manage_invites", "invite visitors");
        const i = invites.find((x) => x.id === inviteId);
        if (!i) throw apiError("not_found", "error.not_found", "invitation not found", { entity: "invitation" });
        if (i.status !== "pending") throw apiError("conflict", "error.conflict", "this invitation was already used or cancelled", { detail: "this invitation was already used or cancelled" });
        i.status = "cancelled";
        return i;
      }),
  };
}
