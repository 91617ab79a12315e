// Drives the real Frontdesk window (WebKitGTK via tauri-driver) against a fresh demo database.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fs from "node:fs";
import path from "node:path";
import { fill, openApp, saveShot } from "./driver.mjs";

let browser;

before(async () => {
  browser = await openApp();
});

after(async () => {
  await browser?.deleteSession();
});

const shot = (name) => saveShot(browser, name);


test("staff sign in, sign a visitor in and see them on site", async (t) => {
  t.after(async () => {
    if (t.passed === false) await shot("failure").catch(() => {});
  });
  const user = await browser.$("#username");
  await user.waitForDisplayed({ timeout: 20000 });
  await shot("01-login");

  // A wrong password is refused with a clear message.
  await fill(browser, "#username", "admin");
  await fill(browser, "#password", "wrong-password");
  await browser.$("button[type=submit]").click();
  const banner = await browser.$("[role=alert]");
  await banner.waitForDisplayed({ timeout: 10000 });
  assert.match(await banner.getText(), /wrong username or password/i);

  await fill(browser, "#password", "frontdesk-demo");
  await browser.$("button[type=submit]").click();
  const summary = await browser.$("[data-testid=onsite-summary]");
  await summary.waitForDisplayed({ timeout: 10000 });
  const before = await summary.getText();
  const visitorsBefore = Number(before.match(/(\d+) visitor/)?.[1]);
  assert.ok(visitorsBefore >= 3, `demo data has visitors on site: ${before}`);

  // Validation errors are shown next to the field and nothing is written.
  await fill(browser, "#visitor-name", "Val Idation");
  await fill(browser, "#visitor-email", "not-an-email");
  await browser.$("[data-testid=signin-submit]").click();
  const emailError = await browser.$("#visitor-email-error");
  await emailError.waitForDisplayed({ timeout: 10000 });
  assert.match(await emailError.getText(), /does not look like an email address/);
  await shot("02-validation");

  // A hostile name is stored verbatim and shown as text, never as markup.
  const hostile = `<b>E2E</b> Zoë "Quote" שלום`;
  await fill(browser, "#visitor-email", "");
  await fill(browser, "#visitor-name", hostile);
  await fill(browser, "#visitor-company", "Acme & Co");
  await fill(browser, "#host", "Amel");
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

test("choose the badge printer, print a badge, export and schedule reports", async (t) => {
  t.after(async () => {
    if (t.passed === false) await shot("failure-reports").catch(() => {});
  });
  const queue = path.join(process.env.FRONTDESK_PRINT_DIR ?? "", "badges");
  const nav = (label) => browser.$("nav[aria-label=Sections]").$(`button=${label}`);

  // Settings: the printers the OS (here: the folder print system) offers; choose one.
  await (await nav("Settings")).click();
  const printer = await browser.$("#badge-printer");
  await printer.waitForDisplayed({ timeout: 10000 });
  await browser.waitUntil(async () => (await printer.getText()).includes("badges"), {
    timeout: 10000,
    timeoutMsg: "the badges queue is listed",
  });
  await printer.selectByVisibleText("badges");
  await browser.$("button=Save").click();
  const saved = await browser.$("[data-testid=settings-saved]");
  await saved.waitForDisplayed({ timeout: 10000 });
  assert.match(await saved.getText(), /Badges print on badges/);
  await shot("04-settings");

  // Print a badge from On site now: the job reaches the queue as a PDF.
  await (await nav("On site now")).click();
  let printButton;
  await browser.waitUntil(
    async () => {
      for (const b of await browser.$$("button[aria-label^='Print badge for']")) {
        if ((await b.getAttribute("aria-label")).includes("<b>E2E</b>")) printButton = b;
      }
      return printButton !== undefined;
    },
    { timeout: 10000, timeoutMsg: "a Print badge button for the new visitor" },
  );
  await printButton.scrollIntoView();
  await printButton.click();
  const result = await printButton.parentElement().$("[data-testid=print-result]");
  await result.waitForDisplayed({ timeout: 30000 });
  await browser.waitUntil(async () => (await result.getText()) === "Printed", {
    timeout: 30000,
    timeoutMsg: "the badge prints",
  });
  const jobs = fs.readdirSync(queue).filter((f) => f.endsWith(".pdf"));
  assert.equal(jobs.length, 1, `one badge job in the queue: ${jobs}`);
  assert.equal(fs.readFileSync(path.join(queue, jobs[0])).subarray(0, 5).toString(), "%PDF-");
  await shot("05-printed");

  // Reports: last week's timesheets as XLSX, saved to the exports folder.
  await (await nav("Reports")).click();
  const kind = await browser.$("#export-kind");
  await kind.waitForDisplayed({ timeout: 10000 });
  assert.equal(await kind.getValue(), "timesheets", "an administrator starts with timesheets");
  await browser.$("button=Last week").click();
  await browser.$("#export-format").selectByAttribute("value", "xlsx");
  await browser.$("button=Export").click();
  const exported = await browser.$("[data-testid=export-result]");
  await exported.waitForDisplayed({ timeout: 30000 });
  const text = await exported.getText();
  const file = text.match(/Saved to (.+\.xlsx)/)?.[1];
  assert.ok(file && fs.existsSync(file), `export written: ${text}`);
  assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), "PK", "XLSX is a zip");

  // A schedule: every Monday at 06:00, last week's timesheets.
  await browser.$("button=Add schedule").click();
  await fill(browser, "#sched-name", "Payroll <i>weekly</i>");
  await browser.$("button=Save schedule").click();
  const item = await browser.$("[data-testid=schedule]");
  await item.waitForDisplayed({ timeout: 10000 });
  const itemText = await item.getText();
  assert.match(itemText, /Payroll <i>weekly<\/i>/, "the name is text, not markup");
  assert.match(itemText, /Every Monday at 06:00 · last week/);
  assert.match(itemText, /Not run yet/);
  assert.equal((await browser.$$("[data-testid=schedule] i")).length, 0, "no markup injected");
  await shot("06-reports");
});
