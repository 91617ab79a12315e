// @vitest-environment jsdom
// The kiosk flow against the in-memory kiosk: each path a visitor takes, and the hygiene rules.
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import axe from "axe-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setLocale } from "../lib/i18n/catalogue";
import { createMockKiosk, MOCK_EMPLOYEE, MOCK_INVITE_QR, MOCK_KIOSK_PIN, MOCK_RETURNING_EMAIL } from "../lib/ipc/mockKiosk";
import type { CameraFrame } from "../lib/bindings/CameraFrame";
import type { KioskConfig } from "../lib/bindings/KioskConfig";
import Kiosk from "./Kiosk.svelte";
import { back, emptyDraft, needsSignature, next, readyStreak, signInRequest } from "./flow";

afterEach(() => {
  vi.useRealTimers();
  setLocale("en-GB");
  document.documentElement.dir = "ltr";
});

async function type(testid: string, text: string) {
  const el = (await screen.findByTestId(testid)) as HTMLInputElement;
  await fireEvent.input(el, { target: { value: text } });
}

async function click(testid: string) {
  await fireEvent.click(await screen.findByTestId(testid));
}

/** Draws a stroke on the signature pad. */
async function sign() {
  const pad = await screen.findByTestId("signature-pad");
  await fireEvent.pointerDown(pad, { clientX: 10, clientY: 10, pointerId: 1 });
  await fireEvent.pointerMove(pad, { clientX: 60, clientY: 30, pointerId: 1 });
  await fireEvent.pointerMove(pad, { clientX: 120, clientY: 15, pointerId: 1 });
  await fireEvent.pointerUp(pad, { pointerId: 1 });
}

async function noAxeViolations() {
  const result = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`)).toEqual([]);
}

describe("kiosk flow", () => {
  it("signs a first-time visitor in with a host and a signature, then starts again", async () => {
    const host = createMockKiosk();
    render(Kiosk, { host });
    await click("kiosk-sign-in");
    await type("kiosk-name", "Nora New");
    await type("kiosk-company", "Initech");
    await click("kiosk-next");
    await type("kiosk-host", "bj");
    await click("kiosk-host-option");
    expect((await screen.findByTestId("kiosk-agreement")).textContent).toContain("safety");
    const finish = (await screen.findByTestId("kiosk-finish")) as HTMLButtonElement;
    expect(finish.disabled).toBe(true);
    await sign();
    await waitFor(() => expect(finish.disabled).toBe(false));
    await fireEvent.click(finish);
    const done = await screen.findByTestId("kiosk-done");
    expect((done).textContent).toContain("Thank you, Nora");
    expect((done).textContent).toContain("V0001");
    expect((done).textContent).toContain("Björn Lindqvist");
    expect(host.visits[0]?.host_name).toBe("Björn Lindqvist");
    await click("kiosk-done-finish");
    expect(await screen.findByTestId("kiosk-sign-in")).toBeTruthy();
  });

  it("recognises a returning visitor by email in three taps and skips a signed agreement", async () => {
    const host = createMockKiosk();
    render(Kiosk, { host });
    await click("kiosk-returning"); // tap 1
    await type("kiosk-lookup", MOCK_RETURNING_EMAIL);
    await click("kiosk-find");
    expect((await screen.findByTestId("kiosk-masked")).textContent).toContain("A•• L•••••••");
    await click("kiosk-yes"); // tap 2
    await click("kiosk-no-host"); // tap 3: signed this agreement before, so signed in at once
    expect((await screen.findByTestId("kiosk-done")).textContent).toContain("Thank you, Ada");
  });

  it("keeps what was typed when the core refuses it and points at the field", async () => {
    render(Kiosk, { host: createMockKiosk({ config: { fields: { company: "required", email: "optional", phone: "hidden" } } }) });
    await click("kiosk-sign-in");
    expect(screen.queryByTestId("kiosk-phone")).toBeNull();
    await type("kiosk-name", "Rita Required");
    await click("kiosk-next");
    await click("kiosk-no-host");
    await sign();
    await click("kiosk-finish");
    const message = await screen.findByText("Please fill this in.");
    expect(message.id).toBe("k-company-error");
    expect((screen.getByTestId("kiosk-name") as HTMLInputElement).value).toBe("Rita Required");
  });

  it("shows a changed agreement in the banner, not only on a field the screen lacks", async () => {
    const host = createMockKiosk();
    const signIn = host.signIn;
    host.signIn = (req) => signIn({ ...req, agreement_version: "0" });
    render(Kiosk, { host });
    await click("kiosk-sign-in");
    await type("kiosk-name", "Vera Version");
    await click("kiosk-next");
    await click("kiosk-no-host");
    await sign();
    await click("kiosk-finish");
    expect((await screen.findByTestId("kiosk-error")).textContent).toContain("agreement has just changed");
  });

  it("signs an invited visitor in from a scanned QR code, once", async () => {
    const host = createMockKiosk();
    render(Kiosk, { host });
    await type("kiosk-scan", MOCK_INVITE_QR);
    await fireEvent.submit((await screen.findByTestId("kiosk-scan")).closest("form")!);
    expect(await screen.findByText("Welcome, Ivy Invited")).toBeTruthy();
    await click("kiosk-invite-confirm");
    await sign();
    await click("kiosk-finish");
    expect((await screen.findByTestId("kiosk-done")).textContent).toContain("Ivy");
    await click("kiosk-done-finish");
    await type("kiosk-scan", MOCK_INVITE_QR);
    await fireEvent.submit((await screen.findByTestId("kiosk-scan")).closest("form")!);
    expect((await screen.findByTestId("kiosk-error")).textContent).toContain("already used");
  });

  it("signs out by name from masked results, and by the badge's QR", async () => {
    const host = createMockKiosk();
    render(Kiosk, { host });
    for (const name of ["Otto Out", "Bea Badge"]) {
      await click("kiosk-sign-in");
      await type("kiosk-name", name);
      await click("kiosk-next");
      await click("kiosk-no-host");
      await sign();
      await click("kiosk-finish");
      await click("kiosk-done-finish");
    }
    await click("kiosk-sign-out");
    await type("kiosk-out-query", "ot");
    const option = await screen.findByTestId("kiosk-out-option");
    expect((option).textContent).toContain("O••• O••");
    expect((option).textContent).not.toContain("Otto");
    await fireEvent.click(option);
    expect((await screen.findByTestId("kiosk-notice")).textContent).toContain("signed out");
    expect(host.visits[0]?.status).toBe("checked_out");

    await type("kiosk-scan", `frontdesk:visit:${host.visits[1]?.id}`);
    await fireEvent.submit((await screen.findByTestId("kiosk-scan")).closest("form")!);
    expect((await screen.findByTestId("kiosk-notice")).textContent).toContain("Goodbye, Bea");
    expect(host.visits[1]?.status).toBe("checked_out");
  });

  it("goes back to welcome after the idle timeout and forgets what was typed", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    render(Kiosk, { host: createMockKiosk({ config: { idle_seconds: 30 } }) });
    await click("kiosk-sign-in");
    await type("kiosk-name", "Ida Idle");
    await vi.advanceTimersByTimeAsync(31_000);
    await screen.findByTestId("kiosk-sign-in");
    await click("kiosk-sign-in");
    expect(((await screen.findByTestId("kiosk-name")) as HTMLInputElement).value).toBe("");
  });

  it("switches to Arabic right to left, and to French", async () => {
    render(Kiosk, { host: createMockKiosk() });
    await click("kiosk-lang-ar");
    expect(await screen.findByText("مرحبًا بكم في London HQ")).toBeTruthy();
    expect(document.documentElement.dir).toBe("rtl");
    await click("kiosk-lang-fr");
    expect(await screen.findByText("Bienvenue à London HQ")).toBeTruthy();
    expect(document.documentElement.dir).toBe("ltr");
  });

  it("leaves kiosk mode only with a staff PIN", async () => {
    const host = createMockKiosk();
    const unlock = vi.spyOn(host, "unlock");
    render(Kiosk, { host });
    await click("kiosk-staff");
    await type("kiosk-pin", "0000");
    await click("kiosk-unlock");
    expect((await screen.findByTestId("kiosk-notice")).textContent).toContain("That PIN is not right.");
    await type("kiosk-pin", MOCK_KIOSK_PIN);
    await click("kiosk-unlock");
    await waitFor(() => expect(unlock).toHaveBeenLastCalledWith(MOCK_KIOSK_PIN));
  });

  it("has no accessibility violations on its screens", async () => {
    render(Kiosk, { host: createMockKiosk() });
    await screen.findByTestId("kiosk-sign-in");
    await noAxeViolations();
    await click("kiosk-sign-in");
    await screen.findByTestId("kiosk-name");
    await noAxeViolations();
  });
});

const frame = (index: number, extra: Partial<CameraFrame> = {}): CameraFrame => ({
  index,
  jpeg: "data:image/jpeg;base64,/9j/",
  width: 640,
  height: 480,
  face: null,
  hint: null,
  qr: null,
  analysed: index,
  ...extra,
});

describe("kiosk camera", () => {

  it("shows the preview with the face box and hint, and greets an invitation held to the camera", async () => {
    const host = createMockKiosk({
      cameraFrames: [
        frame(1, { face: { x: 0.3, y: 0.2, width: 0.3, height: 0.4 }, hint: "move_closer" }),
        frame(2, { face: { x: 0.3, y: 0.2, width: 0.4, height: 0.5 }, hint: "ready" }),
        frame(3, { qr: MOCK_INVITE_QR }),
      ],
    });
    render(Kiosk, { host });
    expect(await screen.findByText("Welcome, Ivy Invited", {}, { timeout: 3000 })).toBeTruthy();
    expect(host.visits.length).toBe(0);
  });

  it("takes the photo by itself once the face is ready, offers a retake and signs in with it", async () => {
    const face = { x: 0.3, y: 0.2, width: 0.4, height: 0.5 };
    const host = createMockKiosk({
      cameraFrames: [frame(1, { face, hint: "hold_still" }), ...[2, 3, 4].map((i) => frame(i, { face, hint: "ready" }))],
    });
    render(Kiosk, { host });
    await click("kiosk-sign-in");
    await type("kiosk-name", "Pia Photo");
    await click("kiosk-next");
    await click("kiosk-no-host");
    expect(await screen.findByTestId("kiosk-photo-step")).toBeTruthy();
    expect(await screen.findByTestId("kiosk-photo", {}, { timeout: 3000 })).toBeTruthy();
    await click("kiosk-photo-retake");
    expect(await screen.findByTestId("kiosk-photo-take")).toBeTruthy();
    await click("kiosk-photo-take");
    await click("kiosk-photo-keep");
    await sign();
    await click("kiosk-finish");
    await screen.findByTestId("kiosk-done");
    expect(host.visits[0]?.has_photo).toBe(true);
    await noAxeViolations();
  });

  it("sends the visitor to reception when the site requires a photo and there is no camera", async () => {
    render(Kiosk, { host: createMockKiosk({ config: { photo: "required" } }) });
    await click("kiosk-sign-in");
    await type("kiosk-name", "Nia Nocam");
    await click("kiosk-next");
    await click("kiosk-no-host");
    expect((await screen.findByRole("alert")).textContent).toContain("ask at reception");
    expect(screen.queryByTestId("kiosk-photo-skip")).toBeNull();
  });

  it("recognises a returning visitor by face, and remembers a new one who asks", async () => {
    const host = createMockKiosk({ faceOfReturning: true });
    render(Kiosk, { host });
    await click("kiosk-returning"); // the face is tried at once
    expect((await screen.findByTestId("kiosk-masked")).textContent).toContain("A•• L•••••••");
    await click("kiosk-not-me"); // back to typing, not to a new visitor's form
    expect(await screen.findByTestId("kiosk-lookup")).toBeTruthy();
    await click("kiosk-face");
    await click("kiosk-yes");
    await click("kiosk-no-host");
    await screen.findByTestId("kiosk-done");
    expect(host.remembered).toEqual([]);
    await click("kiosk-done-finish");

    await click("kiosk-sign-in");
    await type("kiosk-name", "Fay Face");
    await fireEvent.click(await screen.findByTestId("kiosk-remember-face"));
    await click("kiosk-next");
    await click("kiosk-no-host");
    await sign();
    await click("kiosk-finish");
    expect((await screen.findByTestId("kiosk-face-kept")).textContent).toContain("look at the camera");
    expect(host.remembered).toEqual([host.visits[1]?.visitor_id]);
  });

  it("types with the on-screen keyboard into the field that has focus", async () => {
    render(Kiosk, { host: createMockKiosk() });
    await click("kiosk-sign-in");
    const name = (await screen.findByTestId("kiosk-name")) as HTMLInputElement;
    await fireEvent.focusIn(name);
    const keys = await screen.findByTestId("kiosk-keyboard");
    await waitFor(() => expect(keys.classList.contains("shown")).toBe(true));
    const key = (k: string) => keys.querySelector(`[data-skbtn="${k}"]`) as HTMLElement;
    for (const k of ["{shift}", "A", "n", "n"]) {
      // simple-keyboard listens to pointer events where they exist and to clicks otherwise.
      await fireEvent.pointerDown(key(k));
      const again = key(k);
      if (again) await fireEvent.click(again);
    }
    expect(name.value).toBe("Ann");
    expect(((await screen.findByTestId("kiosk-next")) as HTMLButtonElement).disabled).toBe(false);
  });

  it("reads each step aloud once the visitor asks, in their language", async () => {
    const host = createMockKiosk();
    render(Kiosk, { host });
    await click("kiosk-lang-fr");
    expect(host.spoken).toEqual([]);
    await click("kiosk-read-aloud");
    await waitFor(() => expect(host.spoken[host.spoken.length - 1]?.text).toContain("Bienvenue"));
    expect(host.spoken[host.spoken.length - 1]?.lang).toBe("fr");
    await click("kiosk-sign-in");
    await waitFor(() => expect(host.spoken[host.spoken.length - 1]?.text).toContain("Vos coordonnées"));
  });

  it("says so when there is no camera, and the kiosk still works", async () => {
    render(Kiosk, { host: createMockKiosk() });
    expect(await screen.findByText(/camera is not available/)).toBeTruthy();
    await click("kiosk-sign-in");
    expect(await screen.findByTestId("kiosk-name")).toBeTruthy();
  });

  it("frames the face and says what to do", async () => {
    const host = createMockKiosk({ cameraFrames: [frame(1, { face: { x: 0.25, y: 0.2, width: 0.3, height: 0.4 }, hint: "move_closer" })] });
    render(Kiosk, { host });
    const box = await screen.findByTestId("kiosk-face-box");
    expect(box.style.left).toBe("25%");
    expect((await screen.findByTestId("kiosk-camera-hint")).textContent).toBe("Move a little closer");
  });
});

describe("kiosk flow rules", () => {
  const config: KioskConfig = {
    site_name: "HQ",
    time_zone: "Europe/London",
    languages: ["en"],
    fields: { company: "hidden", email: "optional", phone: "optional" },
    require_agreement: true,
    agreement_text: "Rules",
    agreement_version: "3",
    idle_seconds: 60,
    photo: "optional",
    on_screen_keyboard: true,
  };
  it("drops hidden fields and sends the agreement version only with a signature", () => {
    const d = { ...emptyDraft(), name: " Ann ", company: "Hidden Co", email: "ann@example.com", signature: "M1 1 L2 2" };
    const req = signInRequest(config, d);
    expect(req.visitor).toEqual({ name: "Ann", company: null, email: "ann@example.com", phone: null });
    expect(req.agreement_version).toBe("3");
    expect(signInRequest(config, { ...d, signature: null }).agreement_version).toBeNull();
  });
  it("asks for a signature unless it was given before", () => {
    const cfg = config;
    expect(needsSignature(cfg, emptyDraft())).toBe(true);
    expect(needsSignature(cfg, { ...emptyDraft(), returning: { id: "r", name: "A", company: null, agreement_signed: true, has_photo: false } })).toBe(false);
    expect(needsSignature({ ...cfg, require_agreement: false }, emptyDraft())).toBe(false);
    expect(next("returning", emptyDraft(), cfg)).toBe("details");
  });
  it("takes the photo after the host unless the site or the camera rules it out", () => {
    const d = emptyDraft();
    expect(next("host", d, config)).toBe("photo");
    expect(next("photo", d, config)).toBe("agreement");
    expect(back("agreement", d, config)).toBe("photo");
    expect(next("host", { ...d, noCamera: true }, config)).toBe("agreement");
    expect(back("agreement", { ...d, noCamera: true }, config)).toBe("host");
    expect(next("host", d, { ...config, photo: "hidden" })).toBe("agreement");
    // Required: the step shows even without a camera (it sends the visitor to reception).
    expect(next("host", { ...d, noCamera: true }, { ...config, photo: "required" })).toBe("photo");
    const signed = { ...d, returning: { id: "r", name: "A", company: null, agreement_signed: true, has_photo: false } };
    expect(next("photo", signed, config)).toBe("sign_in");
    expect(next("host", signed, { ...config, photo: "hidden" })).toBe("sign_in");
    // A returning visitor whose photo from last time is kept goes straight on.
    expect(next("host", { ...signed, returning: { ...signed.returning, has_photo: true } }, config)).toBe("sign_in");
    expect(back("photo", { ...d, invite: { qr: "q", welcome: { id: "i", visitor_name: "I", company: null, host_name: null, agreement_signed: false } } }, config)).toBe("invite");
  });
  it("takes the photo by itself after three analysed frames in a row with the face ready", () => {
    let s = { analysed: -1, count: 0 };
    s = readyStreak(s, { analysed: 1, hint: "ready" });
    s = readyStreak(s, { analysed: 1, hint: "ready" }); // the same analysis again: not counted
    s = readyStreak(s, { analysed: 2, hint: "ready" });
    expect(s.count).toBe(2);
    s = readyStreak(s, { analysed: 3, hint: "hold_still" });
    expect(s.count).toBe(0);
    s = readyStreak(s, { analysed: null, hint: null });
    expect(s.count).toBe(0);
  });
});

describe("kiosk clock-in by PIN", () => {
  it("clocks an employee in, ignores a repeat, and locks after five wrong PINs", async () => {
    const host = createMockKiosk();
    render(Kiosk, { host });
    await click("kiosk-clock");
    await type("kiosk-clock-code", MOCK_EMPLOYEE.code);
    await type("kiosk-clock-pin", MOCK_EMPLOYEE.pin);
    await click("kiosk-clock-submit");
    const clocked = await screen.findByTestId("kiosk-clocked");
    expect(clocked.dataset.direction).toBe("IN");
    expect(clocked.textContent).toContain("Hello, Eve");
    await noAxeViolations();
    // "Not you?": undone, nothing recorded; the next try clocks in again.
    await click("kiosk-clock-undo");
    expect((await screen.findByTestId("kiosk-clock-undone")).textContent).toContain("Nothing was recorded");
    await click("kiosk-clock-done");
    await click("kiosk-clock");
    await type("kiosk-clock-code", MOCK_EMPLOYEE.code);
    await type("kiosk-clock-pin", MOCK_EMPLOYEE.pin);
    await click("kiosk-clock-submit");
    expect((await screen.findByTestId("kiosk-clocked")).dataset.direction).toBe("IN");
    await click("kiosk-clock-done");

    await click("kiosk-clock");
    await type("kiosk-clock-code", MOCK_EMPLOYEE.code);
    await type("kiosk-clock-pin", MOCK_EMPLOYEE.pin);
    await click("kiosk-clock-submit");
    expect((await screen.findByTestId("kiosk-clocked")).textContent).toContain("already clocked in");
    await click("kiosk-clock-done");

    await click("kiosk-clock");
    for (let i = 0; i < 5; i++) {
      await type("kiosk-clock-code", MOCK_EMPLOYEE.code);
      await type("kiosk-clock-pin", "0000");
      await click("kiosk-clock-submit");
      await screen.findByTestId("kiosk-clock-error");
    }
    expect((await screen.findByTestId("kiosk-clock-error")).textContent).toContain("Too many wrong PINs. Try again after 10:05");
  });
});

describe("kiosk walk-up clock-in", () => {
  const clocked = (repeated: boolean) => ({
    kind: "clocked" as const,
    latency_ms: 420,
    clock: {
      repeated,
      event: {
        id: "att-face",
        employee_id: "e1",
        employee_name: MOCK_EMPLOYEE.name,
        direction: "IN" as const,
        at: new Date().toISOString(),
        source: "face" as const,
        confidence: 0.4,
      },
    },
  });
  const cameraFrames = [frame(1, { face: { x: 0.3, y: 0.2, width: 0.3, height: 0.4 }, hint: "ready" })];

  it("greets the employee the camera recognised, with the PIN form as the fallback", async () => {
    const host = createMockKiosk({ cameraFrames, walkUps: [{ kind: "looking" }, { kind: "looking" }, clocked(false)] });
    render(Kiosk, { host });
    await click("kiosk-clock");
    expect(screen.getByTestId("kiosk-clock-code")).toBeTruthy();
    const greeting = await screen.findByTestId("kiosk-clocked");
    expect(greeting.dataset.direction).toBe("IN");
    expect(greeting.textContent).toContain("Hello, Eve");
    expect(screen.getByTestId("kiosk-clock-undo")).toBeTruthy();
  });

  it("says plainly when nobody was recognised or a photo was shown", async () => {
    const host = createMockKiosk({ cameraFrames, walkUps: [{ kind: "not_recognised" }] });
    render(Kiosk, { host });
    await click("kiosk-clock");
    await waitFor(() => expect(screen.getByTestId("kiosk-clock-face").dataset.state).toBe("not_recognised"));
    expect(screen.getByTestId("kiosk-clock-face").textContent).toContain("use your employee number and PIN");
    expect(screen.queryByTestId("kiosk-clocked")).toBeNull();
    // The photo hints ("That's good") are not shown beside the refusal.
    expect(screen.queryByTestId("kiosk-camera-hint")).toBeNull();
  });

  it("without a camera offers only the PIN form", async () => {
    const host = createMockKiosk({ walkUps: [clocked(false)] });
    render(Kiosk, { host });
    await click("kiosk-clock");
    await waitFor(() => expect(screen.queryByTestId("kiosk-clock-face")).toBeNull());
    expect(screen.getByText("Type your employee number and your PIN.")).toBeTruthy();
    expect(screen.queryByTestId("kiosk-clocked")).toBeNull();
  });
});
