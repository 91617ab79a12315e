// @vitest-environment jsdom
import { render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { hostContext } from "../lib/ipc";
import { createMockHost } from "../lib/ipc/mock";
import OnSite from "./OnSite.svelte";

describe("on site now", () => {
  it("shows a visitor signed in elsewhere (the kiosk, the CLI) as soon as the change is announced", async () => {
    const host = createMockHost({ signedInAs: "front_desk" });
    let calls = 0;
    const counting = { ...host, onSite: () => (calls++, host.onSite()) };
    render(OnSite, { props: { timeZone: "Europe/London", canSign: true }, context: hostContext(counting) });
    const table = await screen.findByTestId("onsite-visitors");
    expect(within(table).queryByText("Walk In")).toBeNull();
    const before = calls;
    // Another window signs someone in; nothing here is clicked or polled.
    await host.signIn({
      site_id: null, visitor_id: null, photo_id: null,
      visitor: { name: "Walk In", company: null, email: null, phone: null },
      host_employee_id: null, purpose: null, visitor_type: null, notes: null,
      agreement_version: null, signature_svg: null, remember_me: false,
    });
    await waitFor(() => expect(within(screen.getByTestId("onsite-visitors")).getByText("Walk In")).toBeTruthy());
    expect(calls).toBe(before + 1);
  });
});
