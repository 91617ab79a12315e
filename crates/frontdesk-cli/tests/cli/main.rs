//! The `frontdesk` binary end to end: real database files in a temp dir, real processes.

use assert_cmd::Command;
use predicates::prelude::*;

mod concurrent;

const PW: &str = "s3cret-pass";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        let env = Self {
            dir: tempfile::tempdir().expect("tmp"),
        };
        env.cmd()
            .args([
                "init",
                "--organisation",
                "Acme",
                "--site",
                "HQ",
                "--time-zone",
                "Europe/Paris",
            ])
            .assert()
            .success()
            .stdout(predicate::str::contains("Set up HQ"));
        env
    }

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("frontdesk").expect("binary");
        c.arg("--data-dir")
            .arg(self.dir.path())
            .env("FRONTDESK_PASSWORD", PW)
            .env_remove("FRONTDESK_DATA_DIR")
            .env_remove("FRONTDESK_USER");
        c
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.cmd().arg("--json").args(args).output().expect("run");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json output")
    }
}

#[test]
fn sign_in_shows_on_site_then_sign_out() {
    let env = Env::new();
    let csv = env.dir.path().join("staff.csv");
    std::fs::write(&csv, "code,name,department\nH1,Hana Host,Ops\n").expect("write csv");
    env.cmd()
        .args(["employees", "import"])
        .arg(&csv)
        .assert()
        .success()
        .stdout("1 created, 0 updated, 0 rejected\n");

    let visit = env.json(&[
        "visit",
        "sign-in",
        "--name",
        "Vic Visitor",
        "--company",
        "Globex",
        "--host",
        "H1",
    ]);
    assert_eq!(visit["host_name"], "Hana Host", "host resolved by code");
    assert_eq!(visit["status"], "checked_in");
    let id = visit["id"].as_str().expect("id").to_string();

    let onsite = env.json(&["onsite"]);
    assert_eq!(onsite["visitors"][0]["visitor_name"], "Vic Visitor");
    env.cmd()
        .arg("onsite")
        .assert()
        .success()
        .stdout(predicate::str::contains("1 visitors"));

    let today = env.json(&["visits"]);
    assert_eq!(today.as_array().map(Vec::len), Some(1));

    env.cmd()
        .args(["visit", "sign-out", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("Signed out"));
    env.cmd()
        .args(["visit", "sign-out", &id])
        .assert()
        .failure()
        .stderr(predicate::str::contains("is not signed in"));
    assert_eq!(
        env.json(&["onsite"])["visitors"].as_array().map(Vec::len),
        Some(0)
    );

    let audit = env.json(&["audit", "--action", "visit."]);
    assert_eq!(
        audit.as_array().map(Vec::len),
        Some(2),
        "sign-in and sign-out audited"
    );
}

#[test]
fn import_reports_bad_rows_and_keeps_good_ones() {
    let env = Env::new();
    let csv = env.dir.path().join("bad.csv");
    let mut bytes =
        b"code,name,email\n1,Good One,good@x.test\n2,Bad Mail,nope\n1,Dup,d@x.test\n".to_vec();
    bytes.extend_from_slice(b"3,Bin\xff\xfeary,b@x.test\n");
    std::fs::write(&csv, bytes).expect("write");
    env.cmd()
        .args(["employees", "import"])
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 created, 0 updated, 3 rejected"))
        .stdout(predicate::str::contains("line 3: email"))
        .stdout(predicate::str::contains("line 4: code: duplicate code"))
        .stdout(predicate::str::contains("line 5: name: is not valid UTF-8"));
    let list = env.json(&["employees", "list"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));

    let missing = env.dir.path().join("nocols.csv");
    std::fs::write(&missing, "id,email\n1,a@b.test\n").expect("write");
    env.cmd()
        .args(["employees", "import"])
        .arg(&missing)
        .assert()
        .failure()
        .stderr(predicate::str::contains("missing required column(s): name"));
}

#[test]
fn wrong_password_and_missing_file_fail_cleanly() {
    let env = Env::new();
    env.cmd()
        .env("FRONTDESK_PASSWORD", "wrong-password")
        .arg("onsite")
        .assert()
        .failure()
        .stderr("error: wrong username or password\n");
    env.cmd()
        .args(["employees", "import", "/nonexistent/file.csv"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("reading /nonexistent/file.csv"));
    env.cmd()
        .args(["visit", "sign-in", "--name", "X", "--email", "not-mail"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("visitor.email"));
}

#[test]
fn hostile_names_print_without_terminal_escapes() {
    let env = Env::new();
    env.cmd()
        .args(["visit", "sign-in", "--name", "<script>alert(1)</script>"])
        .assert()
        .success();
    let v = env.json(&["visitors", "script"]);
    assert_eq!(v[0]["name"], "<script>alert(1)</script>", "stored verbatim");
    env.cmd()
        .args(["visit", "sign-in", "--name", "Evil\u{1b}[31mRed"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("control characters"));
}

#[test]
fn demo_database_has_people_on_site() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut c = Command::cargo_bin("frontdesk").expect("binary");
    c.arg("--data-dir")
        .arg(dir.path())
        .arg("demo")
        .assert()
        .success();
    let out = Command::cargo_bin("frontdesk")
        .expect("binary")
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--json", "onsite"])
        .env("FRONTDESK_PASSWORD", frontdesk_core_demo_password())
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["visitors"].as_array().map_or(0, Vec::len) >= 3);
    assert!(v["employees"].as_array().map_or(0, Vec::len) >= 3);
}

fn frontdesk_core_demo_password() -> &'static str {
    "frontdesk-demo"
}

/// `docs` commands printing into a folder printer under the env's data dir (`print/<queue>`).
fn printing(env: &Env) -> (std::path::PathBuf, impl Fn() -> Command + '_) {
    let root = env.dir.path().join("print");
    std::fs::create_dir_all(root.join("desk")).expect("queue dir");
    let r = root.clone();
    (root, move || {
        let mut c = env.cmd();
        c.env("FRONTDESK_PRINT_DIR", &r);
        c
    })
}

#[test]
fn badge_print_is_logged_and_a_reprint_needs_the_flag() {
    let env = Env::new();
    let (root, cmd) = printing(&env);
    let visit = env.json(&["visit", "sign-in", "--name", "Vic Visitor"]);
    let id = visit["id"].as_str().expect("id").to_string();

    cmd()
        .args(["docs", "badge", &id, "--print"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no badge printer is set"));
    cmd()
        .args(["docs", "use-printer", "desk", "--stock", "dymo54x101"])
        .assert()
        .success()
        .stdout(predicate::str::contains("print on desk (dymo_54x101)"));
    cmd()
        .args(["docs", "badge", &id, "--print"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Printed on desk"));
    assert!(
        root.join("desk/1.pdf").exists(),
        "the job reached the queue"
    );
    cmd()
        .args(["docs", "badge", &id, "--print"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("already printed once"))
        .stderr(predicate::str::contains("--reprint"));
    assert!(!root.join("desk/2.pdf").exists(), "nothing printed twice");
    cmd()
        .args(["docs", "badge", &id, "--print", "--reprint"])
        .assert()
        .success();
    assert!(
        root.join("desk/2.pdf").exists(),
        "confirmed reprint printed"
    );

    let out = cmd()
        .args(["--json", "docs", "badge-prints", &id])
        .output()
        .expect("run");
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(log.as_array().map(Vec::len), Some(2));
    assert_eq!(log[0]["preset"], "dymo_54x101", "the site's stock");
    assert_eq!(log[1]["reprint"], true);

    std::fs::write(root.join("desk/OFFLINE"), "").expect("offline marker");
    let other = env.json(&["visit", "sign-in", "--name", "Olga Other"]);
    let other = other["id"].as_str().expect("id").to_string();
    cmd()
        .args(["docs", "badge", &other, "--print"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("printer offline"));
    cmd()
        .args([
            "docs",
            "badge",
            &other,
            "--print",
            "missing-queue",
            "--reprint",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("printing failed"));

    let audit = env.json(&["audit", "--action", "badge.print"]);
    assert_eq!(
        audit.as_array().map(Vec::len),
        Some(8),
        "four prints, each with its attempt and outcome audited"
    );
}

#[test]
fn timesheet_corrections_then_approval_locks_the_period() {
    let env = Env::new();
    let csv = env.dir.path().join("staff.csv");
    std::fs::write(&csv, "code,name\nE1,Eve Employee\n").expect("write csv");
    env.cmd()
        .args(["employees", "import"])
        .arg(&csv)
        .assert()
        .success();
    let correct = |dir: &str, at: &str| {
        let mut c = env.cmd();
        c.args([
            "timesheet",
            "correct",
            "--employee",
            "E1",
            "--add",
            dir,
            "--at",
            at,
            "--reason",
            "forgot to clock",
        ]);
        c
    };
    env.cmd()
        .args([
            "timesheet",
            "correct",
            "--employee",
            "E1",
            "--add",
            "in",
            "--at",
            "2026-11-10 09:00",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--reason"));
    correct("in", "2026-11-10 09:00").assert().success();
    correct("out", "2026-11-10 17:00").assert().success();
    correct("out", "10/11/2026 17:00")
        .assert()
        .failure()
        .stderr(predicate::str::contains("YYYY-MM-DD HH:MM"));

    let approval = env.json(&[
        "timesheet",
        "approve",
        "--employee",
        "E1",
        "--from",
        "2026-11-10",
        "--to",
        "2026-11-10",
    ]);
    assert_eq!(
        approval["worked_minutes"], 450,
        "09:00-17:00 Paris time less the 30 min break"
    );
    correct("in", "2026-11-10 18:00")
        .assert()
        .failure()
        .stderr(predicate::str::contains("approved periods are locked"));
    correct("in", "2026-11-11 09:00").assert().success();

    let list = env.json(&[
        "timesheet",
        "corrections",
        "--employee",
        "E1",
        "--from",
        "2026-11-10",
        "--to",
        "2026-11-11",
    ]);
    assert_eq!(list.as_array().map(Vec::len), Some(3));
    assert_eq!(list[0]["reason"], "forgot to clock");
    let approvals = env.json(&["timesheet", "approvals", "--employee", "E1"]);
    assert_eq!(approvals[0]["period_start"], "2026-11-10");
    let audit = env.json(&["audit", "--action", "timesheet."]);
    assert_eq!(
        audit.as_array().map(Vec::len),
        Some(4),
        "three corrections and one approval"
    );
}

#[test]
fn export_schedules_are_added_listed_and_run_when_due() {
    let env = Env::new();
    let folder = env.dir.path().join("payroll");
    let folder_arg = folder.display().to_string();
    let added = env.json(&[
        "exports",
        "add",
        "--name",
        "Payroll",
        "--kind",
        "timesheets",
        "--format",
        "xlsx",
        "--every",
        "weekly",
        "--weekday",
        "1",
        "--period",
        "previous-week",
        "--folder",
        &folder_arg,
    ]);
    assert_eq!(added["spec"]["name"], "Payroll");
    assert!(added["next_run_at"].is_string(), "{added}");
    assert!(folder.is_dir(), "the folder is checked by writing to it");

    env.cmd()
        .args(["exports", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Payroll").and(predicate::str::contains("never")));
    env.cmd()
        .args([
            "exports",
            "add",
            "--name",
            "Bad",
            "--kind",
            "visit-log",
            "--format",
            "xlsx",
            "--every",
            "daily",
            "--period",
            "previous-day",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("PDF or CSV"));
    // Nothing is due minutes after creating a weekly schedule; no sign-in needed to check.
    env.cmd()
        .env_remove("FRONTDESK_PASSWORD")
        .arg("run-due-exports")
        .assert()
        .success()
        .stdout(predicate::str::contains("No exports due"));
    let id = added["id"].as_str().expect("id");
    env.cmd().args(["exports", "remove", id]).assert().success();
    env.cmd()
        .args(["exports", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No export schedules"));
}

#[test]
fn timesheet_export_of_everyone_covers_more_than_one_page_of_the_directory() {
    // The directory lists 500 employees per page; an export of "everyone" must not stop there.
    let env = Env::new();
    let staff = env.dir.path().join("staff.csv");
    let mut rows = String::from("code,name\n");
    for i in 1..=501 {
        rows.push_str(&format!("E{i:04},Employee {i:04}\n"));
    }
    std::fs::write(&staff, rows).expect("write");
    env.cmd()
        .args(["employees", "import"])
        .arg(&staff)
        .assert()
        .success()
        .stdout(predicate::str::contains("501 created"));
    let out = env.dir.path().join("all.csv");
    env.cmd()
        .args([
            "docs",
            "timesheet",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-02",
            "--format",
            "csv",
            "--output",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(&out).expect("written");
    // One row per employee and day, after the header.
    assert_eq!(
        csv.lines().count(),
        1 + 501,
        "every active employee is exported, the 501st too"
    );
    assert!(csv.contains("E0501"), "the last employee by name is there");
}
