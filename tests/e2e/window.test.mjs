// Drives the real Frontdesk window (WebKitGTK via tauri-driver) against a fresh demo database.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import path from "node:path";
import { remote } from "webdriverio";

const app = process.env.FRONTDESK_APP;
const shots = process.env.FRONTDESK_SHOTS ?? ".";
let browser;

before(async () => {
  assert.ok(app, "FRONTDESK_APP must point at the built desktop binary");
  browser = await remote({
    hostname: "127.0.0.1",
    port: Number(process.env.FRONTDESK_WEBDRIVER_PORT ?? 4444),
    logLevel: "warn",
    capabilities: { "tauri:options": { application: app } },
  });
});

after(async () => {
  await browser?.deleteSession();
});

async function shot(name) {
  await browser.pause(300); // let WebKit paint the last change
  await browser.saveScreenshot(path.join(shots, `${name}.png`));
}

// Types like a person: WebDriver's clear() does not fire the input events the UI listens to.
async function fill(selector, text) {
  const el = await browser.$(selector);
  await el.click();
  await browser.keys(["Control", "a"]);
  await browser.keys(["Backspace"]);
  if (text) await el.addValue(text);
}

test("staff sign in, sign a visitor in and see them on site", async (t) => {
  t.after(async () => {
    if (t.passed === false) await shot("failure").catch(() => {});
  });
  const user = await browser.$("#username");
  await user.waitForDisplayed({ timeout: 20000 });
  await shot("01-login");

  // A wrong password is refused with a clear message.
  await fill("#username", "admin");
  await fill("#password", "wrong-password");
  await browser.$("button[type=submit]").click();
  const banner = await browser.$("[role=alert]");
  await banner.waitForDisplayed({ timeout: 10000 });
  assert.match(await banner.getText(), /wrong username or password/);

  await fill("#password", "frontdesk-demo");
  await browser.$("button[type=submit]").click();
  const summary = await browser.$("[data-testid=onsite-summary]");
  await summary.waitForDisplayed({ timeout: 10000 });
  const before = await summary.getText();
  const visitorsBefore = Number(before.match(/(\d+) visitor/)?.[1]);
  assert.ok(visitorsBefore >= 3, `demo data has visitors on site: ${before}`);

  // Validation errors are shown next to the field and nothing is written.
  await fill("#visitor-name", "Val Idation");
  await fill("#visitor-email", "not-an-email");
  await browser.$("[data-testid=signin-submit]").click();
  const emailError = await browser.$("#visitor-email-error");
  await emailError.waitForDisplayed({ timeout: 10000 });
  assert.match(await emailError.getText(), /not a valid email/);
  await shot("02-validation");

  // A hostile name is stored verbatim and shown as text, never as markup.
  const hostile = `<b>E2E</b> Zoë "Quote" שלום`;
  await fill("#visitor-email", "");
  await fill("#visitor-name", hostile);
  await fill("#visitor-company", "Acme & Co");
  await fill("#host", "Amel");
  const option = await browser.$("ul.hosts button");
  await option.waitForDisplayed({ timeout: 10000 });
  await option.click();
  await browser.$("[data-testid=signin-submit]").click();
  const done = await browser.$("[data-testid=signin-done]");
  await done.waitForDisplayed({ timeout: 10000 });
  assert.match(await done.getText(), /Signed in <b>E2E<\/b> Zoë/);

  const table = await browser.$("[data-testid=onsite-visitors]");
  await browser.waitUntil(async () => (await table.getText()).includes(hostile), {
    timeout: 10000,
    timeoutMsg: "the new visitor should appear on site",
  });
  assert.ok((await table.getText()).includes("Amelia Hart"), "host shown");
  assert.equal((await browser.$$("[data-testid=onsite-visitors] td b")).length, 0, "no markup injected");
  await browser.waitUntil(
    async () => (await summary.getText()).startsWith(`${visitorsBefore + 1} visitor`),
    { timeout: 10000, timeoutMsg: "visitor count goes up by one" },
  );
  await shot("03-on-site");
});
