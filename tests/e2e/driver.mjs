// What every end-to-end file does with the real window: start the app through tauri-driver, type
// like a person, save screenshots, and run the `frontdesk` CLI on the same database.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { remote } from "webdriverio";

/** A WebDriver session on the built desktop app, started with `args` (e.g. `--kiosk`). */
export async function openApp(args = []) {
  assert.ok(process.env.FRONTDESK_APP, "FRONTDESK_APP must point at the built desktop binary");
  return remote({
    hostname: "127.0.0.1",
    port: Number(process.env.FRONTDESK_WEBDRIVER_PORT ?? 4444),
    logLevel: "warn",
    capabilities: { "tauri:options": { application: process.env.FRONTDESK_APP, args } },
  });
}

/** Saves `<name>.png` in the shots folder once WebKit has painted the last change. */
export async function saveShot(browser, name) {
  await browser.pause(300);
  await browser.saveScreenshot(path.join(process.env.FRONTDESK_SHOTS ?? ".", `${name}.png`));
}

/** Types like a person: WebDriver's clear() does not fire the input events the UI listens to. */
export async function fill(browser, selector, text) {
  const el = await browser.$(selector);
  await el.click();
  await browser.keys(["Control", "a"]);
  await browser.keys(["Backspace"]);
  if (text) await el.addValue(text);
}

/** The `frontdesk` CLI on the same database, as the demo's administrator, with extra `env`. */
export function cliWith(env, ...args) {
  return execFileSync(process.env.FRONTDESK_CLI, ["--user", "admin", ...args], {
    env: { ...process.env, FRONTDESK_PASSWORD: "frontdesk-demo", ...env },
    encoding: "utf8",
  });
}

export function cli(...args) {
  return cliWith({}, ...args);
}
