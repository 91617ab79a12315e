// Printing a visitor's badge from the console: the core refuses a second print with a conflict until
// staff confirm, and reports where each print ended (done, failed, printer offline, still printing).
import type { ApiError } from "../bindings/ApiError";
import type { BadgePrint } from "../bindings/BadgePrint";
import type { BadgePrintRequest } from "../bindings/BadgePrintRequest";
import { asApiError, errorText } from "../errors";
import { t } from "../i18n/catalogue";

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
    if (err.code === "reprint_unconfirmed" && !confirm) {
      return { kind: "confirm", message: errorText(err) };
    }
    return { kind: "problem", message: errorText(err) };
  }
  return outcomeState(result);
}

export function outcomeState(p: BadgePrint): PrintState {
  const reason = p.message;
  switch (p.outcome) {
    case "done":
      return { kind: "done", message: t(p.reprint ? "print.reprinted" : "print.printed") };
    case "pending":
      return { kind: "done", message: t("print.pending", { printer: p.printer }) };
    case "offline":
      return { kind: "problem", message: reason ? t("print.offline_because", { reason }) : t("print.offline") };
    case "failed":
      return { kind: "problem", message: reason ? t("print.failed_because", { reason }) : t("print.failed") };
  }
}
