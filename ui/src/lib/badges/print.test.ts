import { describe, expect, it } from "vitest";
import type { BadgePrint } from "../bindings/BadgePrint";
import type { BadgePrintRequest } from "../bindings/BadgePrintRequest";
import { printBadge } from "./print";

function result(outcome: BadgePrint["outcome"], message: string | null = null, reprint = false): BadgePrint {
  return {
    id: "p1",
    visit_id: "v1",
    printed_at: "2026-11-21T09:00:00Z",
    printer: "desk",
    preset: "brother_ql_62x100",
    printed_by: "Ada",
    outcome,
    message,
    reprint,
  };
}

describe("printBadge", () => {
  it("reports each outcome", async () => {
    expect(await printBadge(async () => result("done"), "v1", false)).toEqual({ kind: "done", message: "Printed" });
    expect(await printBadge(async () => result("offline", "stopped"), "v1", false)).toEqual({
      kind: "problem",
      message: "Printer offline: stopped",
    });
    expect(await printBadge(async () => result("failed", "no paper"), "v1", false)).toEqual({
      kind: "problem",
      message: "Print failed: no paper",
    });
  });

  it("asks before a reprint and sends the answer", async () => {
    const seen: BadgePrintRequest[] = [];
    const print = async (req: BadgePrintRequest) => {
      seen.push(req);
      if (!req.confirm_reprint) {
        throw {
          code: "reprint_unconfirmed",
          message: "Vera's badge was already printed once; confirm to print another",
          field: null,
          key: "error.reprint_unconfirmed",
          params: { visitor: "Vera", count: "1" },
        };
      }
      return result("done", null, true);
    };
    const first = await printBadge(print, "v1", false);
    expect(first).toEqual({ kind: "confirm", message: "Vera's badge was already printed once. Print another?" });
    expect(await printBadge(print, "v1", true)).toEqual({ kind: "done", message: "Reprinted" });
    expect(seen.map((r) => r.confirm_reprint)).toEqual([false, true]);
    expect(seen[0]?.visit_id).toBe("v1");
  });

  it("shows other conflicts and errors as problems, not as a reprint question", async () => {
    const signedOut = async () => {
      throw { code: "conflict", message: "Vera is no longer signed in", field: null };
    };
    expect(await printBadge(signedOut, "v1", false)).toEqual({ kind: "problem", message: "Vera is no longer signed in" });
    // The code decides, never the wording: a conflict that happens to say "already printed" is no question.
    const wording = async () => {
      throw { code: "conflict", message: "already printed", field: null, key: "error.conflict", params: { detail: "already printed" } };
    };
    expect((await printBadge(wording, "v1", false)).kind).toBe("problem");
    const noPrinter = async () => {
      throw { code: "validation", message: "printer: no badge printer is set", field: "printer" };
    };
    expect((await printBadge(noPrinter, "v1", false)).kind).toBe("problem");
  });
});
