// Drives the real kiosk window (`frontdesk-desktop --kiosk`, full screen) on the demo database the
// console test used: a first-time visitor with a photo, a signature and a printed badge; sign-out by
// showing the badge's QR code to the camera; a returning visitor by face and by email; an
// invitation's QR code shown to the camera; the on-screen keyboard; a language switch to Arabic
// (right to left); a wrong staff PIN; idle reset; a staff command refused in the kiosk window.
// The camera replays a folder: the test puts a picture there to show it. Screenshots:
// kiosk-<screen>.png.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import fs from "node:fs";
import path from "node:path";
import { cli, cliWith, fill, openApp, saveShot } from "./driver.mjs";
import { rssMiB } from "./proc.mjs";

const cameraDir = process.env.FRONTDESK_CAMERA_REPLAY;
const withCamera = Boolean(cameraDir);
const face = withCamera ? fs.readFileSync(path.join(cameraDir, "face.jpg")) : null;

/** The badges printed so far (PDFs in the folder printer's queue), oldest first. */
function badgePdfs() {
  const queue = path.join(process.env.FRONTDESK_PRINT_DIR ?? "", "badges");
  return fs
    .readdirSync(queue)
    .filter((f) => f.endsWith(".pdf"))
    .map((f) => path.join(queue, f))
    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
}

/** Holds a picture (bytes, as `name`) in front of the replayed camera instead of what it showed. */
function showCamera(name, bytes) {
  const old = fs.readdirSync(cameraDir);
  fs.writeFileSync(path.join(cameraDir, `${name}.part`), bytes);
  fs.renameSync(path.join(cameraDir, `${name}.part`), path.join(cameraDir, name));
  for (const f of old) if (f !== name) fs.rmSync(path.join(cameraDir, f), { force: true });
}
let browser;
let launched;

before(async () => {
  launched = Date.now();
  browser = await openApp(["--kiosk"]);
});

after(async () => {
  await browser?.deleteSession();
});

const shot = (name, prefix = "kiosk") => saveShot(browser, `${prefix}-${name}`);


const tid = (id) => browser.$(`[data-testid=${id}]`);

async function tap(id) {
  const el = await tid(id);
  await el.waitForClickable({ timeout: 10000 });
  await el.click();
}

/** A signature stroke with the mouse, as a visitor would draw it. */
async function sign() {
  const pad = await tid("signature-pad");
  await pad.waitForDisplayed({ timeout: 10000 });
  await browser.performActions([
    {
      type: "pointer",
      id: "finger",
      parameters: { pointerType: "mouse" },
      actions: [
        { type: "pointerMove", origin: pad, x: -200, y: 10 },
        { type: "pointerDown", button: 0 },
        { type: "pointerMove", origin: pad, x: -100, y: -30, duration: 100 },
        { type: "pointerMove", origin: pad, x: 0, y: 25, duration: 100 },
        { type: "pointerMove", origin: pad, x: 150, y: -20, duration: 100 },
        { type: "pointerUp", button: 0 },
      ],
    },
  ]);
  await browser.releaseActions();
}

test("a visitor signs in at the kiosk, is recognised next time and signs out with the badge", async (t) => {
  t.after(async () => {
    if (t.passed === false) await shot("failure").catch(() => {});
  });
  const welcome = await tid("kiosk-sign-in");
  await welcome.waitForDisplayed({ timeout: 20000 });
  console.log(`kiosk: launch to interactive welcome ${Date.now() - launched} ms (debug build, includes the WebDriver session)`);
  // Badges go to the folder printer's queue (the console test chose it too; this file can run alone).
  cli("settings", "set", "badge_printer", "badges");

  // The live camera from the core: replayed frames of a real person get a face box and a hint.
  const camera = await tid("kiosk-camera");
  if (process.env.FRONTDESK_CAMERA_REPLAY) {
    const box = await tid("kiosk-face-box");
    await box.waitForDisplayed({ timeout: 60000 });
    const first = Number(await camera.getAttribute("data-frame"));
    await browser.pause(1000);
    const second = Number(await camera.getAttribute("data-frame"));
    console.log(`kiosk preview in the window (debug build, face analysis running): ${second - first} frames/s`);
    console.log(`kiosk RSS with the camera running: app ${rssMiB(/frontdesk-desktop/)} MiB, WebKit ${rssMiB(/WebKit(Web|Network)Process/)} MiB`);
    assert.ok(second - first >= 10, `the preview keeps moving: ${second - first} frames in a second`);
    assert.ok((await (await tid("kiosk-camera-hint")).getText()).length > 0);
  } else {
    await browser.waitUntil(async () => (await camera.getText()).includes("not available"), {
      timeout: 20000,
      timeoutMsg: "no camera is reported plainly",
    });
  }
  await shot("welcome");

  // The kiosk window cannot call a staff command: the shell refuses it before the core.
  const refused = await browser.executeAsync((done) => {
    window.__TAURI_INTERNALS__
      .invoke("on_site")
      .then(() => done("allowed"))
      .catch((e) => done(`refused: ${typeof e === "string" ? e : JSON.stringify(e)}`));
  });
  assert.match(refused, /^refused: .*not allowed/i, refused);

  // A first-time visitor: details, host, signature, badge.
  await tap("kiosk-sign-in");
  await fill(browser, "[data-testid=kiosk-name]", "Kiri Kiosk");
  await fill(browser, "[data-testid=kiosk-company]", "Umbrella & Sons");
  await fill(browser, "[data-testid=kiosk-email]", "kiri@example.com");
  // The on-screen keyboard types into the field with focus: "Sons" → "Son" → "Sons".
  await (await tid("kiosk-company")).click(); // the caret lands after the text
  const keys = await tid("kiosk-keyboard");
  await keys.waitForDisplayed({ timeout: 5000 });
  await (await keys.$('[data-skbtn="{bksp}"]')).click();
  await (await keys.$('[data-skbtn="s"]')).click();
  assert.equal(await (await tid("kiosk-company")).getValue(), "Umbrella & Sons");
  assert.equal(await (await tid("kiosk-email")).getValue(), "kiri@example.com", "only the field with focus");
  await shot("details");
  await tap("kiosk-remember");
  if (withCamera) await tap("kiosk-remember-face");
  await tap("kiosk-next");
  await fill(browser, "[data-testid=kiosk-host]", "Amel");
  await tap("kiosk-host-option");
  if (withCamera) {
    // The photo takes itself once the face has passed every check; the visitor keeps it.
    const photo = await tid("kiosk-photo");
    await photo.waitForDisplayed({ timeout: 30000 });
    await shot("photo");
    await tap("kiosk-photo-keep");
  }
  await sign();
  await shot("agreement");
  const printedBefore = badgePdfs().length;
  await tap("kiosk-finish");
  const done = await tid("kiosk-done");
  await done.waitForDisplayed({ timeout: 30000 });
  const doneText = await done.getText();
  assert.match(doneText, /Thank you, Kiri/);
  assert.match(doneText, /V\d{4}/);
  assert.match(doneText, /Amelia Hart/);
  await shot("done");
  await browser.waitUntil(async () => badgePdfs().length > printedBefore, {
    timeout: 30000,
    timeoutMsg: "the kiosk's badge reaches the printer",
  });
  await tap("kiosk-done-finish");

  /** Signs Kiri out by searching her name: the list shows masked names only. */
  async function signOutKiri() {
    await tap("kiosk-sign-out");
    await fill(browser, "[data-testid=kiosk-out-query]", "Kiri");
    const o = await tid("kiosk-out-option");
    await o.waitForDisplayed({ timeout: 10000 });
    assert.match(await o.getText(), /K••• K••••/, "masked, never the full name");
    await shot("sign-out");
    await o.click();
    const bye = await tid("kiosk-notice");
    await bye.waitForDisplayed({ timeout: 10000 });
    assert.match(await bye.getText(), /signed out/i);
  }

  if (withCamera) {
    // Sign out by showing the printed badge's QR code to the camera: the badge PDF from the
    // printer queue, rasterised as a camera would see the label.
    const newest = badgePdfs().at(-1);
    const png = execFileSync("pdftoppm", ["-png", "-r", "200", "-singlefile", newest]);
    showCamera("badge.png", png);
    const bye = await tid("kiosk-notice");
    await bye.waitForDisplayed({ timeout: 30000 });
    assert.match(await bye.getText(), /Goodbye, Kiri|signed out/i);
    await shot("badge-sign-out");
    showCamera("face.jpg", face);
  } else {
    await signOutKiri();
  }

  if (withCamera) {
    // Next time by face: the camera (replaying the same person) finds the visitor who asked.
    // Three taps: "I have been here before", "Yes, that's me", the host (or none).
    const started = Date.now();
    await tap("kiosk-returning");
    const byFace = await tid("kiosk-masked");
    await byFace.waitForDisplayed({ timeout: 30000 });
    assert.match(await byFace.getText(), /K••• K••••/);
    await shot("returning-face");
    await tap("kiosk-yes");
    await tap("kiosk-no-host");
    await (await tid("kiosk-done")).waitForDisplayed({ timeout: 30000 });
    console.log(`returning visitor by face: 3 taps, ${((Date.now() - started) / 1000).toFixed(1)} s to the done screen (WebDriver's own pace)`);
    await tap("kiosk-done-finish");
    await signOutKiri();
  }

  // Next time: found by email, "Is this you?", no new signature for the same agreement.
  await tap("kiosk-returning");
  if (withCamera) {
    // The camera recognises Kiri at once; "No, that's not me" goes back to typing.
    await (await tid("kiosk-masked")).waitForDisplayed({ timeout: 30000 });
    await tap("kiosk-not-me");
  }
  await fill(browser, "[data-testid=kiosk-lookup]", "kiri@example.com");
  await tap("kiosk-find");
  const masked = await tid("kiosk-masked");
  await masked.waitForDisplayed({ timeout: 10000 });
  assert.match(await masked.getText(), /K••• K••••/);
  await shot("returning");
  await tap("kiosk-yes");
  await tap("kiosk-no-host");
  await (await tid("kiosk-done")).waitForDisplayed({ timeout: 30000 });
  await tap("kiosk-done-finish");
});

test("an invitation's QR code shown to the camera signs its visitor in", { skip: !withCamera && "no camera frames to replay" }, async () => {
  const invitation = path.join(path.dirname(cameraDir), "invitation.png");
  const today = new Date().toLocaleDateString("en-CA", { timeZone: "Europe/London" });
  cli("invite", "create", "--name", "Ivo Invited", "--company", "Globex", "--host", "Amel", "--date", today, "--qr", invitation);
  showCamera("invitation.png", fs.readFileSync(invitation));
  const title = await browser.$("h1=Welcome, Ivo Invited");
  await title.waitForDisplayed({ timeout: 30000 });
  await shot("invite");
  await tap("kiosk-invite-confirm");
  showCamera("face.jpg", face);
  await (await tid("kiosk-photo")).waitForDisplayed({ timeout: 30000 });
  await tap("kiosk-photo-keep");
  await sign();
  await tap("kiosk-finish");
  const done = await tid("kiosk-done");
  await done.waitForDisplayed({ timeout: 30000 });
  assert.match(await done.getText(), /Thank you, Ivo/);
  await tap("kiosk-done-finish");
  // Single use: the same code again is refused in plain words.
  showCamera("invitation.png", fs.readFileSync(invitation));
  const used = await tid("kiosk-error");
  await used.waitForDisplayed({ timeout: 30000 });
  assert.match(await used.getText(), /already been used|already used/i);
  showCamera("face.jpg", face);
});

test("the kiosk speaks Arabic right to left and refuses a wrong staff PIN", async () => {
  await tap("kiosk-lang-ar");
  const title = await browser.$("h1");
  await browser.waitUntil(async () => (await title.getText()).includes("مرحبًا"), {
    timeout: 10000,
    timeoutMsg: "the welcome screen is in Arabic",
  });
  assert.equal(await browser.execute(() => document.documentElement.dir), "rtl");
  // Read aloud (off by default), through the OS speech service, in Arabic.
  const readAloud = await tid("kiosk-read-aloud");
  assert.equal(await readAloud.getAttribute("aria-pressed"), "false");
  await readAloud.click();
  assert.equal(await readAloud.getAttribute("aria-pressed"), "true");
  if (process.env.FRONTDESK_EXPECT_SPEECH) {
    await browser.pause(4000);
    assert.ok(!(await (await tid("kiosk-notice")).isExisting()), "no 'read-aloud is not available' notice");
    assert.equal(await readAloud.getAttribute("aria-pressed"), "true");
  }
  await shot("arabic");
  await readAloud.click();
  await tap("kiosk-lang-en");
  await tap("kiosk-staff");
  await fill(browser, "[data-testid=kiosk-pin]", "0000");
  await tap("kiosk-unlock");
  const wrong = await tid("kiosk-notice");
  await wrong.waitForDisplayed({ timeout: 20000 });
  assert.match(await wrong.getText(), /PIN is not right/);
  await shot("unlock");
});

test("an employee clocks in and out with code and PIN; a repeat is ignored; wrong PINs lock", async () => {
  cliWith({ FRONTDESK_EMPLOYEE_PIN: "4821" }, "employees", "set-pin", "1007");
  await tap("kiosk-back");
  async function clockWith(pin) {
    await tap("kiosk-clock");
    await fill(browser, "[data-testid=kiosk-clock-code]", "1007");
    await fill(browser, "[data-testid=kiosk-clock-pin]", pin);
    await tap("kiosk-clock-submit");
  }
  await tap("kiosk-clock");
  await (await tid("kiosk-clock-code")).click();
  const keys = await tid("kiosk-keyboard");
  await keys.waitForDisplayed({ timeout: 5000 });
  assert.ok(await (await keys.$('[data-skbtn="7"]')).isExisting(), "digits for the employee number");
  assert.ok(!(await (await keys.$('[data-skbtn="q"]')).isExisting()), "no letters there");
  await tap("kiosk-back");
  await clockWith("4821");
  const clocked = await tid("kiosk-clocked");
  await clocked.waitForDisplayed({ timeout: 20000 });
  // Grace Kim (1007) is not clocked in by the demo data: this is a fresh IN.
  const first = await clocked.getAttribute("data-direction");
  assert.equal(first, "IN");
  assert.match(await clocked.getText(), /You clocked in at/);
  await shot("pin-clocked", "clock");
  await tap("kiosk-clock-done");
  await clockWith("4821");
  await (await tid("kiosk-clocked")).waitForDisplayed({ timeout: 20000 });
  assert.match(await (await tid("kiosk-clocked")).getText(), /already clocked/, "a repeat within the window");
  assert.equal(await (await tid("kiosk-clocked")).getAttribute("data-direction"), first);
  await tap("kiosk-clock-done");
  await tap("kiosk-clock");
  for (let i = 0; i < 5; i++) {
    await fill(browser, "[data-testid=kiosk-clock-code]", "1007");
    await fill(browser, "[data-testid=kiosk-clock-pin]", "0000");
    await tap("kiosk-clock-submit");
    await (await tid("kiosk-clock-error")).waitForDisplayed({ timeout: 20000 });
  }
  assert.match(await (await tid("kiosk-clock-error")).getText(), /Too many wrong PINs/);
  await shot("pin-locked", "clock");
  await tap("kiosk-back");
});

test("an employee walks up and is clocked by face; a stranger and a photo clock nobody", async (t) => {
  const photos = new URL("../../../shared/datasets/faces-dev/deepface/Angelina_Jolie/", import.meta.url);
  if (!withCamera || !fs.existsSync(photos)) return t.skip("needs the shared development photos");
  const photo = (name) => path.join(photos.pathname, name);
  // Staff register her with face consent and enrol three photos (as the console will).
  const csv = path.join(cameraDir, "..", "walk-up.csv");
  fs.writeFileSync(csv, "code,name,face_consent\n9001,Angelina Jolie,yes\n");
  cli("employees", "import", csv);
  cli("enrol", "--employee", "9001", photo("img1.jpg"), photo("img2.jpg"), photo("img4.jpg"));

  // A stranger at the clock-in screen: nobody is greeted; the screen says to use the PIN.
  await tap("kiosk-clock");
  const status = await tid("kiosk-clock-face");
  await browser.waitUntil(async () => (await status.getAttribute("data-state")) === "not_recognised", {
    timeout: 60000,
    timeoutMsg: "the stranger is reported as not recognised",
  });
  assert.ok(!(await (await tid("kiosk-clocked")).isExisting()), "a stranger clocks nobody");
  await shot("not-recognised", "clock");

  // Her photo held to the camera (a flat, printed-looking one): recognised, refused.
  showCamera("jolie-printed.jpg", fs.readFileSync(photo("img5.jpg")));
  await browser.waitUntil(async () => (await status.getAttribute("data-state")) === "possible_spoof", {
    timeout: 60000,
    timeoutMsg: "a photo-like face is refused",
  });
  assert.match(await status.getText(), /a photo or a screen cannot clock in/);
  await shot("spoof", "clock");
  await tap("kiosk-back");
  // The one holding the photo walks away; the screen, closed for a while, starts a new walk-up.
  await browser.pause(6000);

  // She walks up herself: greeted by name, clocked IN, with "Not you? Undo".
  showCamera("jolie.jpg", fs.readFileSync(photo("img11.jpg")));
  await tap("kiosk-clock");
  const clocked = await tid("kiosk-clocked");
  await clocked.waitForDisplayed({ timeout: 60000 });
  assert.equal(await clocked.getAttribute("data-direction"), "IN");
  assert.match(await clocked.getText(), /Hello, Angelina/);
  assert.ok(await (await tid("kiosk-clock-undo")).isDisplayed());
  await shot("walk-up", "clock");
  await tap("kiosk-clock-done");
  showCamera("face.jpg", face);
});

test("an idle kiosk goes back to welcome and forgets what was typed", async () => {
  // Staff shorten the idle time; the kiosk picks the setting up when it next returns to welcome.
  cli("settings", "set", "kiosk_idle_seconds", "10");
  await tap("kiosk-staff");
  await tap("kiosk-back"); // back to welcome: the settings are read again
  await browser.pause(500);
  await tap("kiosk-sign-in");
  await fill(browser, "[data-testid=kiosk-name]", "Ida Idle");
  const started = Date.now();
  const welcome = await tid("kiosk-sign-in");
  await welcome.waitForDisplayed({ timeout: 30000 });
  const idle = (Date.now() - started) / 1000;
  assert.ok(idle >= 9, `not before the idle time: ${idle} s`);
  await tap("kiosk-sign-in");
  assert.equal(await (await tid("kiosk-name")).getValue(), "", "the name typed before is gone");
  cli("settings", "set", "kiosk_idle_seconds", "60");
});
