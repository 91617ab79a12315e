// Printing a visitor's badge from the console: the core refuses a second print with a conflict until
// staff confirm, and reports where each print ended (done, failed, printer offline, still printing).
import type { ApiError } from "../bindings/ApiError";
import type { BadgePrint } from "../bindings/BadgePrint";
import type { BadgePrintRequest } from "../bindings/BadgePrintRequest";
import { asApiError } from "../errors";

export type PrintState =
  | { kind: "printing" }
  /** Printed before: ask before printing another badge. */
  | { kind: "confirm"; message: string }
  | { kind: "done"; message: string }
  | { kind: "problem"; message: string };

/** Prints once; `confirm` is the staff's answer to the reprint question. */
export async function printBadge(
  print: (req: BadgePrintRequest) => Promise<BadgePrint>,
  visitId: string,
  confirm: boolean,
): Promise<PrintState> {
  let result: BadgePrint;
  try {
    result = await print({ visit_id: visitId, printer: null, confirm_reprint: confirm });
  } catch (e) {
    const err: ApiError = asApiError(e);
    if (err.code === "conflict" && !confirm && err.message.includes("already printed")) {
      return { kind: "confirm", message: err.message };
    }
    return { kind: "problem", message: err.message };
  }
  return outcomeState(result);
}

export function outcomeState(p: BadgePrint): PrintState {
  const why = p.message ? `: ${p.message}` : "";
  switch (p.outcome) {
    case "done":
      return { kind: "done", message: p.reprint ? "Reprinted" : "Printed" };
    case "pending":
      return { kind: "done", message: `Sent to ${p.printer}, still printing` };
    case "offline":
      return { kind: "problem", message: `Printer offline${why}` };
    case "failed":
      return { kind: "problem", message: `Print failed${why}` };
  }
}
