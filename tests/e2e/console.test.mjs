// Drives the real staff console: an administrator creates a front-desk account, its owner signs in
// and sees only what the role allows (the core refuses the rest even when asked directly), and the
// console locks itself after the site's idle time. Screenshots: shots/console-<screen>.png.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fs from "node:fs";
import path from "node:path";
import { cli, fill, openApp, saveShot } from "./driver.mjs";

let browser;

before(async () => {
  browser = await openApp();
});

after(async () => {
  await browser?.deleteSession();
});

const shot = (name) => saveShot(browser, `console-${name}`);



async function signIn(username, password) {
  await (await browser.$("#username")).waitForDisplayed({ timeout: 20000 });
  await fill(browser, "#username", username);
  await fill(browser, "#password", password);
  await browser.$("button[type=submit]").click();
  await (await browser.$("nav[aria-label=Sections]")).waitForDisplayed({ timeout: 10000 });
}

async function tabs() {
  const labels = [];
  for (const b of await browser.$$("nav[aria-label=Sections] button")) labels.push(await b.getText());
  return labels;
}

/** A command called straight through the shell's IPC, as a tampered page could; resolves with its error. */
async function invokeError(cmd) {
  return browser.executeAsync((name, done) => {
    window.__TAURI_INTERNALS__
      .invoke(name, {})
      .then(() => done(null))
      .catch((e) => done(e));
  }, cmd);
}

test("an administrator creates a front-desk account; it sees and may do only its role's part", async (t) => {
  t.after(async () => {
    if (t.passed === false) await shot("failure-staff").catch(() => {});
  });
  await signIn("admin", "frontdesk-demo");
  await (await browser.$("nav[aria-label=Sections]").$("button=Staff")).click();
  const table = await browser.$("[data-testid=staff-table]");
  await table.waitForDisplayed({ timeout: 10000 });
  await browser.waitUntil(async () => (await table.getText()).includes("admin"), { timeout: 10000 });

  // A weak first password is refused under its field; a good one creates the account.
  await fill(browser, "#staff-username", "fred");
  await fill(browser, "#staff-name", "Fred Front");
  await (await browser.$("#staff-role")).selectByAttribute("value", "front_desk");
  await fill(browser, "#staff-password", "fred2026");
  await browser.$("button=Create account").click();
  const weak = await browser.$("#staff-password-error");
  await weak.waitForDisplayed({ timeout: 10000 });
  assert.match(await weak.getText(), /too easy to guess/);
  await fill(browser, "#staff-password", "violet meadow 5");
  await browser.$("button=Create account").click();
  const notice = await browser.$("[data-testid=staff-notice]");
  await notice.waitForDisplayed({
    timeout: 10000,
    timeoutMsg: `no notice; the form says: ${await browser.$("[data-testid=staff-create]").getText()}`,
  });
  assert.match(await notice.getText(), /Created fred/);
  await browser.waitUntil(async () => (await table.getText()).includes("Fred Front"), { timeout: 10000 });
  await shot("staff");

  // The creation is in the audit trail, attributed to the administrator.
  const audit = JSON.parse(cli("--json", "audit", "--action", "staff.create", "--limit", "5"));
  assert.ok(audit.some((e) => e.actor_name === "Demo Admin" && e.details.username === "fred"), JSON.stringify(audit));

  // The site's idle lock, shortened for this test (the default is 10 minutes).
  cli("settings", "set", "console_lock_seconds", "30");

  await browser.$("button=Sign out").click();
  await signIn("fred", "violet meadow 5");
  assert.deepEqual(await tabs(), ["On site now", "Visit log", "Invitations", "Employees", "Face review", "Reports"], "no Staff, Audit log or Settings for the front desk");
  assert.match(await browser.$(".who").getText(), /Fred Front/);
  // Asked directly, the core still refuses what the role may not do.
  const refused = await invokeError("staff_accounts");
  assert.equal(refused?.code, "forbidden", JSON.stringify(refused));
  assert.match(refused.message, /front desk/);
  await shot("front-desk");
});

test("the console locks after the site's idle time and only its user's password unlocks it", async (t) => {
  t.after(async () => {
    if (t.passed === false) await shot("failure-lock").catch(() => {});
  });
  // Fred is signed in (previous test) with a 30-second idle lock. Half-typed work must survive.
  await fill(browser, "#visitor-name", "Half Typed");
  const lock = await browser.$("[data-testid=lock-screen]");
  await lock.waitForDisplayed({ timeout: 45000, timeoutMsg: "the console should lock after 30 s idle" });
  await shot("lock");
  const locked = await invokeError("on_site");
  assert.equal(locked?.key, "error.console_locked", "staff commands are refused while locked");

  await fill(browser, "#unlock-password", "frontdesk-demo");
  await browser.$("button=Unlock").click();
  const wrong = await browser.$("[data-testid=lock-screen] [role=alert]");
  await wrong.waitForDisplayed({ timeout: 10000 });
  assert.match(await wrong.getText(), /wrong username or password/i, "another user's password does not unlock");

  await fill(browser, "#unlock-password", "violet meadow 5");
  await browser.$("button=Unlock").click();
  await lock.waitForDisplayed({ reverse: true, timeout: 10000 });
  assert.equal(await browser.$("#visitor-name").getValue(), "Half Typed", "what was typed is kept");
  assert.equal(await invokeError("on_site"), null, "commands work again");

  const trail = JSON.parse(cli("--json", "audit", "--action", "auth.", "--limit", "10"));
  const fred = trail.filter((e) => e.actor_name === "Fred Front").map((e) => e.action);
  assert.deepEqual(fred.slice(0, 4), ["auth.unlock", "auth.login_failed", "auth.lock", "auth.login"], JSON.stringify(fred));
});

test("an unknown face waits in Face review; staff say who it was, and the audit log shows and exports it", async (t) => {
  t.after(async () => {
    if (t.passed === false) await shot("failure-review").catch(() => {});
  });
  const stranger = path.resolve(process.cwd(), "../../../shared/datasets/faces-dev/deepface/Mark_Zuckerberg/img13.jpg");
  if (!fs.existsSync(stranger)) {
    t.skip("no shared face photos");
    return;
  }
  // A face nobody enrolled, at the clock (the CLI's `clock` is the camera's path for one photo).
  const answer = cli("clock", stranger);
  assert.match(answer, /not recognised|unknown/i, answer);

  // Fred (front desk, signed in above) works the queue.
  await (await browser.$("nav[aria-label=Sections]").$("button=Face review")).click();
  const items = await browser.$("[data-testid=review-items]");
  await items.waitForDisplayed({ timeout: 10000 });
  const unknown = await browser.$('[data-testid=review-items] li[data-kind="unknown_face"]');
  await unknown.waitForDisplayed({ timeout: 10000 });
  assert.match(await unknown.getText(), /Unknown face/);
  // Faces the kiosk's walk-up refused (when the kiosk test ran first) show their snapshot.
  for (const img of await browser.$$("[data-testid=review-items] img")) {
    await browser.waitUntil(async () => (await img.getAttribute("src"))?.startsWith("data:image/jpeg;base64,"), { timeout: 10000 });
  }
  await shot("review");
  const before = (await browser.$$("[data-testid=review-items] li.item")).length;
  const who = await unknown.$("input");
  await who.click();
  await who.addValue("Amel");
  const match = await unknown.$("button*=Amelia Hart");
  await match.waitForDisplayed({ timeout: 10000 });
  await match.click();
  await unknown.$("button=Assign").click();
  await browser.waitUntil(async () => (await browser.$$("[data-testid=review-items] li.item")).length === before - 1, {
    timeout: 10000,
    timeoutMsg: "the assigned item leaves the open queue",
  });

  // The administrator finds Fred's decision in the audit log and exports it.
  await browser.$("button=Sign out").click();
  await signIn("admin", "frontdesk-demo");
  await (await browser.$("nav[aria-label=Sections]").$("button=Audit log")).click();
  await (await browser.$("#audit-kind")).selectByAttribute("value", "review.");
  const table = await browser.$("[data-testid=audit-table]");
  await browser.waitUntil(async () => (await table.getText()).includes("review.assign"), { timeout: 10000 });
  assert.match(await table.getText(), /Fred Front/);
  await shot("audit");
  await browser.$("[data-testid=audit-export]").click();
  const saved = await browser.$("[data-testid=audit-saved]");
  await saved.waitForDisplayed({ timeout: 10000 });
  const file = (await saved.getText()).match(/Saved to (\S+\.csv)/)?.[1];
  assert.ok(file && fs.existsSync(file), `export written: ${await saved.getText()}`);
  const csv = fs.readFileSync(file, "utf8");
  assert.match(csv.split("\n")[0], /^at,actor_kind,actor,action/);
  assert.match(csv, /review\.assign/);
  assert.doesNotMatch(csv, /auth\.login/, "only what the filter matched");
});

test("the directory imports a CSV with a per-row error table and enrols a face from photo files", async (t) => {
  t.after(async () => {
    if (t.passed === false) await shot("failure-employees").catch(() => {});
  });
  const lfw = path.resolve(process.cwd(), "../../../shared/datasets/faces-dev/lfw/George_Clooney");
  // The administrator is signed in (previous test).
  await (await browser.$("nav[aria-label=Sections]").$("button=Employees")).click();
  await (await browser.$("[data-testid=employees-table]")).waitForDisplayed({ timeout: 10000 });

  const csv = path.join(fs.mkdtempSync(path.join(process.env.HOME ?? "/tmp", "csv-")), "staff.csv");
  fs.writeFileSync(csv, "code,name,department,email\n7001,Ravi Patel,Operations,ravi@example.com\n,No Code,Operations,\n7002,Mei Lin,Operations,not-an-email\n7003,George Clooney,Film,\n");
  await browser.$("[data-testid=employees-import]").click();
  await (await browser.$("#import-file")).addValue(csv);
  await browser.$("[data-testid=import-run]").click();
  const summary = await browser.$("[data-testid=import-summary]");
  await summary.waitForDisplayed({ timeout: 10000 });
  assert.match(await summary.getText(), /2 added, 0 updated, 2 rows with problems/);
  const errors = await browser.$("[data-testid=import-errors]");
  const rows = [];
  for (const tr of await errors.$$("tbody tr")) {
    const cells = [];
    for (const td of await tr.$$("td")) cells.push(await td.getText());
    rows.push(cells);
  }
  assert.equal(rows.length, 2, JSON.stringify(rows));
  assert.deepEqual(rows[0].slice(0, 2), ["3", "–"]);
  assert.match(rows[0][2], /code: is required/);
  assert.deepEqual(rows[1].slice(0, 2), ["4", "7002"]);
  assert.match(rows[1][2], /email: .*not a valid email address/);
  await shot("employees-import");

  if (!fs.existsSync(lfw)) {
    t.diagnostic("no shared face photos: enrolment not driven");
    return;
  }
  // George (imported above) consents, then is enrolled from four photo files.
  const george = await browser.$('tr[data-code="7003"]');
  await george.waitForDisplayed({ timeout: 10000 });
  await george.$("button=Edit").click();
  await browser.$("#emp-consent").click();
  await browser.$("[data-testid=employee-form]").$("button=Save").click();
  const files = await browser.$("#face-files");
  await files.waitForDisplayed({ timeout: 10000 });
  const photos = [1, 2, 3, 4].map((n) => path.join(lfw, `George_Clooney_000${n}.jpg`));
  await files.addValue(photos.join("\n"));
  await browser.$("button=Enrol").click();
  const result = await browser.$("[data-testid=enrol-result]");
  await result.waitForDisplayed({ timeout: 60000 });
  assert.match(await result.getText(), /Enrolled from [34] photos/);
  await browser.waitUntil(async () => /Enrolled \([34] photos\)/.test(await george.getText()), { timeout: 10000 });
  await shot("employees");
  // The camera's path now knows him.
  const clocked = cli("clock", path.join(lfw, "George_Clooney_0005.jpg"));
  assert.match(clocked, /George Clooney/, clocked);
});

test("an invitation is created with its QR code, listed, and cancelled", async (t) => {
  t.after(async () => {
    if (t.passed === false) await shot("failure-invites").catch(() => {});
  });
  await (await browser.$("nav[aria-label=Sections]").$("button=Invitations")).click();
  await (await browser.$("[data-testid=invite-form]")).waitForDisplayed({ timeout: 10000 });
  await fill(browser, "#invite-name", "Kiri Te Kanawa");
  await fill(browser, "#invite-company", "Opera & Co");
  await fill(browser, "#invite-host", "Amel");
  const option = await browser.$("ul.hosts button");
  await option.waitForDisplayed({ timeout: 10000 });
  await option.click();
  await browser.$("button=Create invitation").click();
  const card = await browser.$("[data-testid=invite-card]");
  await card.waitForDisplayed({ timeout: 10000 });
  const src = await card.$("img").getAttribute("src");
  assert.match(src, /^data:image\/svg\+xml/);
  const table = await browser.$("[data-testid=invites-table]");
  await browser.waitUntil(async () => (await table.getText()).includes("Kiri Te Kanawa"), { timeout: 10000 });
  await shot("invites");
  const listed = JSON.parse(cli("--json", "invite", "list"));
  const kiri = listed.find((i) => i.visitor_name === "Kiri Te Kanawa");
  assert.equal(kiri?.status, "pending", JSON.stringify(listed));
  assert.equal(kiri.host_name, "Amelia Hart");

  // Cancelling asks first, then the QR code no longer signs anyone in.
  await browser.execute(() => {
    window.confirm = () => true;
  });
  await (await browser.$('button[aria-label="Cancel the invitation for Kiri Te Kanawa"]')).click();
  await browser.waitUntil(async () => (await table.getText()).includes("Cancelled"), { timeout: 10000 });
  const after = JSON.parse(cli("--json", "invite", "list")).find((i) => i.id === kiri.id);
  assert.equal(after.status, "cancelled");
});

test("settings: the kiosk's questions, the agreement version and the clock-in check are saved for the site", async (t) => {
  t.after(async () => {
    if (t.passed === false) await shot("failure-settings").catch(() => {});
  });
  await (await browser.$("nav[aria-label=Sections]").$("button=Settings")).click();
  const company = await browser.$("#field-company");
  await company.waitForDisplayed({ timeout: 10000 });
  await company.selectByAttribute("value", "required");
  await fill(browser, "#agreement-text", "Wear your badge at all times & sign out when you leave.");
  const warning = await browser.$("[data-testid=agreement-version-warning]");
  await warning.waitForDisplayed({ timeout: 5000 });
  await fill(browser, "#agreement-version", "2026-12");
  await (await browser.$("#anti-spoof")).selectByAttribute("value", "warn");
  await shot("settings");
  await browser.$("button=Save").click();
  await (await browser.$("[data-testid=settings-saved]")).waitForDisplayed({ timeout: 10000 });
  const stored = JSON.parse(cli("settings", "show"));
  assert.equal(stored.kiosk_fields.company, "required");
  assert.equal(stored.agreement_version, "2026-12");
  assert.equal(stored.agreement_text, "Wear your badge at all times & sign out when you leave.");
  assert.equal(stored.anti_spoof, "warn");
  // Put the clock-in check back as the rest of the suite expects it.
  cli("settings", "set", "anti_spoof", "block");
});

test("on site now follows sign-ins made elsewhere, without a reload", async (t) => {
  t.after(async () => {
    if (t.passed === false) await shot("failure-live").catch(() => {});
  });
  await (await browser.$("nav[aria-label=Sections]").$("button=On site now")).click();
  const table = await browser.$("[data-testid=onsite-visitors]");
  await table.waitForDisplayed({ timeout: 10000 });
  // Another process (the CLI) signs a visitor in; the window is told through the change log.
  const out = cli("--json", "visit", "sign-in", "--name", "Live Lorraine", "--company", "Elsewhere Ltd");
  const visit = JSON.parse(out);
  const start = Date.now();
  await browser.waitUntil(async () => (await table.getText()).includes("Live Lorraine"), {
    timeout: 5000,
    timeoutMsg: "the new visitor should appear without a reload",
  });
  t.diagnostic(`sign-in by another process on screen after ${Date.now() - start} ms`);
  await shot("onsite-live");
  cli("visit", "sign-out", visit.id);
  await browser.waitUntil(async () => !(await table.getText()).includes("Live Lorraine"), {
    timeout: 5000,
    timeoutMsg: "the signed-out visitor should leave the list",
  });
});
