// @vitest-environment jsdom
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { ROLE_PERMISSIONS } from "../../lib/bindings/rolePermissions";
import type { Role } from "../../lib/bindings/Role";
import { hostContext } from "../../lib/ipc";
import { createMockHost } from "../../lib/ipc/mock";
import Reports from "./Reports.svelte";

function setup(role: Role) {
  const host = createMockHost({ signedInAs: role });
  render(Reports, { props: { timeZone: "Europe/London", permissions: ROLE_PERMISSIONS[role] }, context: hostContext(host) });
  return host;
}

/** Chooses an option the way a person does: the option becomes selected, then `change` fires. */
async function choose(select: HTMLElement, value: string) {
  for (const o of Array.from((select as HTMLSelectElement).options)) o.selected = o.value === value;
  await fireEvent.change(select);
}

const options = (select: HTMLElement) => Array.from((select as HTMLSelectElement).options).map((o) => o.value);

describe("reports", () => {
  it("offers the front desk no timesheets, as its permissions say", async () => {
    setup("front_desk");
    const kind = await screen.findByLabelText("Document");
    expect(options(kind)).toEqual(["visit_log", "daily_report"]);
  });

  it("exports last week's timesheets as XLSX and shows where the file went", async () => {
    const host = setup("admin");
    const kind = (await screen.findByLabelText("Document")) as HTMLSelectElement;
    expect(kind.value).toBe("timesheets");
    await fireEvent.click(screen.getByRole("button", { name: "Last week" }));
    const from = (screen.getByLabelText(/From/) as HTMLInputElement).value;
    const to = (screen.getByLabelText(/^To/) as HTMLInputElement).value;
    expect(new Date(`${to}T00:00:00Z`).getUTCDay()).toBe(0); // weeks end on Sunday
    await choose(screen.getByLabelText("Format"), "xlsx");
    await fireEvent.click(screen.getByRole("button", { name: "Export" }));
    const result = await screen.findByTestId("export-result");
    expect(result.textContent).toBe(`Saved to /exports/timesheets-${from}-${to}.xlsx`);
    expect(host.exportsSaved).toEqual([`/exports/timesheets-${from}-${to}.xlsx`]);
  });

  it("keeps only formats the document comes in when the kind changes", async () => {
    setup("admin");
    const kind = await screen.findByLabelText("Document");
    await choose(kind, "daily_report");
    expect(options(screen.getByLabelText("Format"))).toEqual(["pdf"]);
    expect(screen.queryByLabelText(/^To/)).toBeNull();
    expect(screen.getByLabelText(/Day/)).toBeTruthy();
  });

  it("puts a bad period under the To field", async () => {
    setup("manager");
    await screen.findByLabelText("Document");
    await fireEvent.input(screen.getByLabelText(/From/), { target: { value: "2026-11-20" } });
    await fireEvent.input(screen.getByLabelText(/^To/), { target: { value: "2026-11-01" } });
    await fireEvent.click(screen.getByRole("button", { name: "Export" }));
    const error = await screen.findByText("the last day comes before the first");
    expect(error.id).toBe("export-to-error");
    expect(screen.queryByTestId("export-result")).toBeNull();
  });

  it("adds a weekly schedule and lists it in words; a blank name is refused", async () => {
    setup("admin");
    await fireEvent.click(await screen.findByRole("button", { name: "Add schedule" }));
    const form = screen.getByRole("form", { name: "Schedule" });
    await fireEvent.input(within(form).getByLabelText("Name"), { target: { value: "  " } });
    await fireEvent.click(within(form).getByRole("button", { name: "Save schedule" }));
    expect((await within(form).findByText("Please fill this in.")).id).toBe("sched-name-error");

    await fireEvent.input(within(form).getByLabelText("Name"), { target: { value: "Payroll <i>weekly</i>" } });
    await fireEvent.click(within(form).getByRole("button", { name: "Save schedule" }));
    const item = await screen.findByTestId("schedule");
    expect(item.textContent).toContain("Payroll <i>weekly</i>");
    expect(item.querySelector("i")).toBeNull();
    expect(item.textContent).toContain("Every Monday at 06:00 · last week");
    expect(item.textContent).toContain("Not run yet");
    expect(item.textContent).toContain("Timesheets · XLSX");
    expect(screen.queryByRole("form", { name: "Schedule" })).toBeNull();
  });
});
