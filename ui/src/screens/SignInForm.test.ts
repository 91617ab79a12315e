// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { hostContext } from "../lib/ipc";
import { createMockHost } from "../lib/ipc/mock";
import SignInForm from "./SignInForm.svelte";

function setup() {
  const host = createMockHost({ signedInAs: "front_desk" });
  const onsignedin = vi.fn();
  render(SignInForm, { props: { onsignedin }, context: hostContext(host) });
  return { host, onsignedin };
}

const type = (label: RegExp | string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });
const submit = () => fireEvent.click(screen.getByTestId("signin-submit"));

describe("sign-in form", () => {
  it("shows each validation error under its own field", async () => {
    const { host, onsignedin } = setup();
    await submit();
    const nameError = await screen.findByText("Please fill this in.");
    expect(nameError.id).toBe("visitor-name-error");
    expect(screen.getByLabelText(/Full name/).getAttribute("aria-invalid")).toBe("true");

    await type(/Full name/, "Val Idation");
    await type("Email", "not-an-email");
    await submit();
    const emailError = await screen.findByText("This does not look like an email address.");
    expect(emailError.id).toBe("visitor-email-error");
    expect(screen.queryByText("Please fill this in.")).toBeNull();
    expect(onsignedin).not.toHaveBeenCalled();
    expect(host.visitsStored.some((v) => v.visitor_name === "Val Idation")).toBe(false);
  });

  it("finds a host, signs the visitor in and clears the form", async () => {
    const { host, onsignedin } = setup();
    const hostile = "<b>E2E</b> Zoë";
    await type(/Full name/, hostile);
    await type("Company", "Acme & Co");
    await type("Host", "Ame");
    await fireEvent.click(await screen.findByRole("button", { name: /Amelia Hart/ }));
    await submit();
    const done = await screen.findByTestId("signin-done");
    expect(done.textContent).toMatch(/^Signed in <b>E2E<\/b> Zoë · badge V-\d+$/);
    expect(done.querySelector("b")).toBeNull(); // text, never markup
    expect(onsignedin).toHaveBeenCalledOnce();
    const stored = host.visitsStored.find((v) => v.visitor_name === hostile);
    expect(stored?.host_name).toBe("Amelia Hart");
    expect(stored?.company).toBe("Acme & Co");
    await waitFor(() => expect((screen.getByLabelText(/Full name/) as HTMLInputElement).value).toBe(""));
  });

  it("shows a refusal from the core in a banner", async () => {
    const host = createMockHost({ signedInAs: "manager" });
    render(SignInForm, { props: { onsignedin: () => {} }, context: hostContext(host) });
    await fireEvent.input(screen.getByLabelText(/Full name/), { target: { value: "Ada" } });
    await submit();
    const banner = await screen.findByRole("alert");
    expect(banner.textContent).toContain("Your role (manager) may not sign visitors in or out.");
  });
});
