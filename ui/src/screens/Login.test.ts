// @vitest-environment jsdom
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "../App.svelte";
import { createMockHost, MOCK_PASSWORD } from "../lib/ipc/mock";

async function signIn(username: string, password: string) {
  await fireEvent.input(await screen.findByLabelText(/Username/), { target: { value: username } });
  await fireEvent.input(screen.getByLabelText(/Password/), { target: { value: password } });
  await fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("login", () => {
  it("says a wrong password in the catalogue's words and clears the field", async () => {
    render(App, { props: { host: createMockHost() } });
    await signIn("admin", "not-the-password");
    const alert = await screen.findByRole("alert");
    // The core's English message is "wrong username or password"; the screen shows error.bad_credentials.
    expect(alert.textContent).toBe("Wrong username or password.");
    expect((screen.getByLabelText(/Password/) as HTMLInputElement).value).toBe("");
    expect(screen.queryByRole("navigation")).toBeNull();
  });

  it("opens the console with the sections the administrator's permissions allow", async () => {
    render(App, { props: { host: createMockHost() } });
    await signIn("admin", MOCK_PASSWORD);
    const nav = await screen.findByRole("navigation", { name: "Sections" });
    const tabs = within(nav).getAllByRole("button").map((b) => b.textContent);
    expect(tabs).toEqual(["On site now", "Visit log", "Invitations", "Employees", "Face review", "Reports", "Staff", "Audit log", "Settings"]);
    expect(screen.getByText("Demo Admin")).toBeTruthy();
    expect(await screen.findByRole("heading", { name: "Sign in a visitor" })).toBeTruthy();
  });

  it("hides what a manager may not do: settings, the sign-in form and badge buttons", async () => {
    render(App, { props: { host: createMockHost() } });
    await signIn("mia", MOCK_PASSWORD);
    const nav = await screen.findByRole("navigation", { name: "Sections" });
    expect(within(nav).queryByRole("button", { name: "Settings" })).toBeNull();
    // The visitors table still loads (managers view visits) …
    expect(await screen.findByTestId("onsite-visitors")).toBeTruthy();
    // … but without actions, and without the form.
    expect(screen.queryByRole("button", { name: /Print badge for/ })).toBeNull();
    expect(screen.queryByRole("heading", { name: "Sign in a visitor" })).toBeNull();
  });

  it("goes back to the login screen on sign out", async () => {
    render(App, { props: { host: createMockHost({ signedInAs: "front_desk" }) } });
    await fireEvent.click(await screen.findByRole("button", { name: "Sign out" }));
    expect(await screen.findByLabelText(/Username/)).toBeTruthy();
  });
});
