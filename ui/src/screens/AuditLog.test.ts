// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "../App.svelte";
import { createMockHost } from "../lib/ipc/mock";

async function openAudit() {
  const host = createMockHost({ signedInAs: "admin" });
  render(App, { props: { host } });
  await fireEvent.click(await screen.findByRole("button", { name: "Audit log" }));
  const table = await screen.findByTestId("audit-table");
  await waitFor(() => expect(table.querySelectorAll("tbody tr[data-action]").length).toBeGreaterThan(0));
  return { host, table };
}

const actions = (table: HTMLElement) => [...table.querySelectorAll("tbody tr[data-action]")].map((r) => r.getAttribute("data-action"));

describe("audit log", () => {
  it("lists the trail newest first and filters by kind of action and by who", async () => {
    const { table } = await openAudit();
    expect(actions(table)).toEqual(["visit.sign_in", "visit.sign_in", "settings.update"]);
    await fireEvent.change(screen.getByLabelText("Kind of action"), { target: { value: "visit." } });
    await waitFor(() => expect(actions(table)).toEqual(["visit.sign_in", "visit.sign_in"]));
    await fireEvent.input(screen.getByLabelText(/Done by/), { target: { value: "kiosk" } });
    await fireEvent.click(screen.getByRole("button", { name: "Search" }));
    await waitFor(() => expect(actions(table)).toEqual(["visit.sign_in"]));
    expect(within(table).getByText("visitor: Tom O'Neill")).toBeTruthy();
    await fireEvent.input(screen.getByLabelText(/Done by/), { target: { value: "nobody here" } });
    await fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await within(table).findByText("Nothing matches these filters.")).toBeTruthy();
  });

  it("exports what the filters match, and the export is itself audited", async () => {
    const { host, table } = await openAudit();
    await fireEvent.click(screen.getByTestId("audit-export"));
    expect((await screen.findByTestId("audit-saved")).textContent).toContain("/exports/audit-");
    expect(host.exportsSaved.some((p) => p.includes("audit-"))).toBe(true);
    await fireEvent.click(screen.getByRole("button", { name: "Search" }));
    await waitFor(() => expect(actions(table)[0]).toBe("audit.export"));
  });

  it("is not offered to the front desk, and the host refuses it", async () => {
    const host = createMockHost({ signedInAs: "front_desk" });
    render(App, { props: { host } });
    const nav = await screen.findByRole("navigation", { name: "Sections" });
    expect(within(nav).queryByRole("button", { name: "Audit log" })).toBeNull();
    await expect(host.audit({ action_prefix: null, entity_id: null, since: null, until: null, from: null, to: null, actor: null, limit: null, offset: null })).rejects.toMatchObject({ code: "forbidden" });
  });
});
