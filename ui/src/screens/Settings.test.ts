// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { hostContext } from "../lib/ipc";
import { createMockHost } from "../lib/ipc/mock";
import Settings from "./Settings.svelte";

describe("settings", () => {
  it("saves the kiosk's fields, languages, agreement version, clock-in check and console lock", async () => {
    const host = createMockHost({ signedInAs: "admin" });
    render(Settings, { context: hostContext(host) });
    await screen.findByLabelText("Company");
    await fireEvent.change(screen.getByLabelText("Company"), { target: { value: "required" } });
    await fireEvent.change(screen.getByLabelText("Phone"), { target: { value: "hidden" } });
    await fireEvent.click(screen.getByLabelText("Français"));
    await fireEvent.input(screen.getByLabelText("Agreement"), { target: { value: "Wear your badge at all times." } });
    expect(screen.getByTestId("agreement-version-warning")).toBeTruthy();
    await fireEvent.input(screen.getByLabelText(/^Agreement version/), { target: { value: "2" } });
    expect(screen.queryByTestId("agreement-version-warning")).toBeNull();
    await fireEvent.change(screen.getByLabelText("Check for photos and screens held to the camera"), { target: { value: "warn" } });
    await fireEvent.change(screen.getByLabelText("Lock the console when nobody has used it for"), { target: { value: "300" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByTestId("settings-saved");
    const saved = await host.siteSettings();
    expect(saved.kiosk_fields).toEqual({ company: "required", email: "optional", phone: "hidden" });
    expect(saved.kiosk_languages).toEqual(["en", "ar"]);
    expect(saved.agreement_text).toBe("Wear your badge at all times.");
    expect(saved.agreement_version).toBe("2");
    expect(saved.anti_spoof).toBe("warn");
    await waitFor(() => expect(saved.console_lock_seconds).toBe(300));
  });
});
