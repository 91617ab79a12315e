// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import App from "../App.svelte";
import { createMockHost } from "../lib/ipc/mock";

const type = (label: RegExp, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });

async function openInvites() {
  const host = createMockHost({ signedInAs: "front_desk" });
  render(App, { props: { host } });
  await fireEvent.click(await screen.findByRole("button", { name: "Invitations" }));
  await screen.findByTestId("invite-form");
  return host;
}

describe("invitations", () => {
  it("creates an invitation with a host and shows its QR code, then lists it as expected", async () => {
    await openInvites();
    await fireEvent.click(screen.getByRole("button", { name: "Create invitation" }));
    expect((await screen.findByText("Please fill this in.")).id).toBe("invite-name-error");
    await type(/^Full name/, "Kiri Te Kanawa");
    await type(/^Host/, "Amel");
    await fireEvent.click(await screen.findByRole("button", { name: /Amelia Hart/ }));
    await type(/^From/, "10:00");
    await type(/^Until/, "09:00");
    await fireEvent.click(screen.getByRole("button", { name: "Create invitation" }));
    expect((await screen.findByText("the window ends before it starts")).id).toBe("invite-until-error");
    await type(/^Until/, "12:00");
    await fireEvent.click(screen.getByRole("button", { name: "Create invitation" }));
    const card = await screen.findByTestId("invite-card");
    expect(within(card).getByRole("img").getAttribute("src")).toMatch(/^data:image\/svg\+xml/);
    const table = screen.getByTestId("invites-table");
    await waitFor(() => expect(within(table).getByText("Kiri Te Kanawa")).toBeTruthy());
    expect(within(table).getByText("Amelia Hart")).toBeTruthy();
    expect(within(table).getByText("Expected")).toBeTruthy();
  });

  it("cancels a pending invitation after asking", async () => {
    const host = createMockHost({ signedInAs: "front_desk" });
    await host.createInvite({ site_id: null, visitor: { name: "Ola Nordmann", company: null, email: null, phone: null }, host_employee_id: null, purpose: null, date: new Date().toISOString().slice(0, 10), from: null, until: null });
    render(App, { props: { host } });
    await fireEvent.click(await screen.findByRole("button", { name: "Invitations" }));
    const cancel = await screen.findByRole("button", { name: "Cancel the invitation for Ola Nordmann" });
    vi.spyOn(window, "confirm").mockReturnValue(true);
    await fireEvent.click(cancel);
    await waitFor(() => expect(within(screen.getByTestId("invites-table")).getByText("Cancelled")).toBeTruthy());
    expect(screen.queryByRole("button", { name: "Cancel the invitation for Ola Nordmann" })).toBeNull();
  });
});
