// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "../App.svelte";
import { createMockHost, MOCK_PASSWORD } from "../lib/ipc/mock";

const type = (label: RegExp | string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });

async function openStaff() {
  const host = createMockHost({ signedInAs: "admin" });
  render(App, { props: { host } });
  await fireEvent.click(await screen.findByRole("button", { name: "Staff" }));
  await screen.findByTestId("staff-table");
  return host;
}

const row = (username: string) => document.querySelector(`tr[data-username="${username}"]`) as HTMLElement;

describe("staff accounts", () => {
  afterEach(() => vi.useRealTimers());

  it("creates a front-desk account, refusing a weak password under its field first", async () => {
    const host = await openStaff();
    const form = screen.getByTestId("staff-create");
    await type(/^Username/, "fred");
    await type(/^Name shown/, "Fred Front");
    await fireEvent.change(within(form).getByLabelText("Role"), { target: { value: "front_desk" } });
    await type(/First password/, "fred1234");
    await fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    const weak = await screen.findByText(/too easy to guess/);
    expect(weak.id).toBe("staff-password-error");
    expect((await host.staffAccounts()).some((a) => a.username === "fred")).toBe(false);

    await type(/First password/, "violet meadow 5");
    await fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect((await screen.findByTestId("staff-notice")).textContent).toContain("Created fred");
    await waitFor(() => expect(row("fred")).toBeTruthy());
    expect(within(row("fred")).getByText("Front desk")).toBeTruthy();
    // The new account signs in with what the administrator gave it.
    await host.logout();
    expect((await host.login("fred", "violet meadow 5")).role).toBe("front_desk");
  });

  it("refuses to disable the administrator's own account, in the core's words", async () => {
    await openStaff();
    await fireEvent.click(within(row("admin")).getByRole("button", { name: "Edit Demo Admin" }));
    await fireEvent.click(screen.getByLabelText(/Active: can sign in/));
    await fireEvent.click(within(screen.getByTestId("staff-details")).getByRole("button", { name: "Save" }));
    expect((await screen.findByRole("alert")).textContent).toContain("you cannot remove your own administrator role");
    expect(within(row("admin")).getByText("Active")).toBeTruthy();
  });

  it("disables another account, resets a password and sets a kiosk PIN", async () => {
    const host = await openStaff();
    await fireEvent.click(within(row("desk")).getByRole("button", { name: "Edit Dana Desk" }));
    await fireEvent.click(screen.getByLabelText(/Active: can sign in/));
    await fireEvent.click(within(screen.getByTestId("staff-details")).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(within(row("desk")).getByText("Disabled")).toBeTruthy());

    await type(/^New password/, "copper kettle 8");
    await fireEvent.click(screen.getByRole("button", { name: "Reset password" }));
    expect((await screen.findByTestId("staff-notice")).textContent).toContain("Dana Desk's password was reset.");

    await type("PIN (4 to 8 digits)", "12a4");
    await fireEvent.click(screen.getByRole("button", { name: "Set PIN" }));
    expect((await screen.findByText("A PIN is 4 to 8 digits.")).id).toBe("edit-pin-error");
    await type("PIN (4 to 8 digits)", "482913");
    await fireEvent.click(screen.getByRole("button", { name: "Set PIN" }));
    await waitFor(() => expect(within(row("desk")).getByText("Kiosk PIN set")).toBeTruthy());
    expect((await host.staffAccounts()).find((a) => a.username === "desk")?.active).toBe(false);
  });
});

describe("console lock", () => {
  afterEach(() => vi.useRealTimers());

  it("locks after the site's idle time, covers the console and unlocks only with the user's password", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const host = createMockHost({ signedInAs: "front_desk" });
    render(App, { props: { host } });
    await screen.findByRole("heading", { name: "Sign in a visitor" });
    await type(/Full name/, "Half Typed");
    await vi.advanceTimersByTimeAsync(599_000);
    expect(screen.queryByTestId("lock-screen")).toBeNull();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await screen.findByTestId("lock-screen")).toBeTruthy();
    expect((await host.status()).locked).toBe(true);
    await expect(host.onSite()).rejects.toMatchObject({ key: "error.console_locked" });

    await type(/^Password/, "not mine");
    await fireEvent.click(screen.getByRole("button", { name: "Unlock" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Wrong username or password.");
    await type(/^Password/, MOCK_PASSWORD);
    await fireEvent.click(screen.getByRole("button", { name: "Unlock" }));
    await waitFor(() => expect(screen.queryByTestId("lock-screen")).toBeNull());
    expect((screen.getByLabelText(/Full name/) as HTMLInputElement).value).toBe("Half Typed");
  });

  it("activity keeps it open, and the Lock button locks at once", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    render(App, { props: { host: createMockHost({ signedInAs: "manager" }) } });
    await screen.findByRole("navigation", { name: "Sections" });
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(400_000);
      await fireEvent.keyDown(window, { key: "Shift" });
    }
    expect(screen.queryByTestId("lock-screen")).toBeNull();
    await fireEvent.click(screen.getByTestId("lock-console"));
    expect(await screen.findByTestId("lock-screen")).toBeTruthy();
  });

  it("returns to the login screen when the account is disabled meanwhile", async () => {
    const host = createMockHost({ signedInAs: "front_desk" });
    render(App, { props: { host } });
    await screen.findByRole("heading", { name: "Sign in a visitor" });
    // An administrator at another window disables Dana.
    host.staffStored.find((a) => a.username === "desk")!.active = false;
    // Dana's window's next command is refused and the window goes back to the login screen.
    await fireEvent.click(screen.getByRole("button", { name: "Visit log" }));
    expect(await screen.findByLabelText(/Username/)).toBeTruthy();
  });
});
