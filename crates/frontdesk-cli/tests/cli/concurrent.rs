//! The CLI and the window are two processes on one database file: a CLI import while the core
//! (as the window would) keeps writing must not fail with "database is locked", and neither side
//! may lose a write.

use frontdesk_core::Frontdesk;
use frontdesk_core::people::employees::{EmployeeInput, EmployeeQuery};

use super::{Env, PW};

const IMPORTED: usize = 400;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_import_while_the_core_writes_the_same_database() {
    let env = Env::new();
    let csv = env.dir.path().join("staff.csv");
    let mut body = String::from("code,name,department\n");
    for i in 0..IMPORTED {
        body.push_str(&format!("I{i},Imported {i},Ops\n"));
    }
    std::fs::write(&csv, body).expect("write csv");

    let core = Frontdesk::open(env.dir.path()).await.expect("open");
    let admin = core.login("admin", PW).await.expect("login").actor;
    let edited = core
        .create_employee(
            &admin,
            EmployeeInput {
                code: "W1".into(),
                name: "Window Edited".into(),
                ..Default::default()
            },
        )
        .await
        .expect("create");

    let mut cmd = env.cmd();
    cmd.args(["employees", "import"]).arg(&csv);
    let cli = tokio::task::spawn_blocking(move || cmd.output());
    // Keep writing until the CLI has finished: each edit reads, then writes.
    let mut edits = 0u32;
    let mut created = 0u32;
    while !cli.is_finished() {
        core.update_employee(
            &admin,
            edited.id,
            EmployeeInput {
                code: "W1".into(),
                name: "Window Edited".into(),
                title: Some(format!("edit {edits}")),
                ..Default::default()
            },
        )
        .await
        .expect("the window's edit succeeds while the CLI imports");
        edits += 1;
        core.create_employee(
            &admin,
            EmployeeInput {
                code: format!("W-new-{created}"),
                name: format!("Window New {created}"),
                ..Default::default()
            },
        )
        .await
        .expect("the window's create succeeds while the CLI imports");
        created += 1;
    }
    let out = cli.await.expect("join").expect("run the CLI");
    assert!(edits > 0, "the core wrote while the CLI was running");
    assert!(
        out.status.success(),
        "the CLI import succeeds beside a writing window: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{IMPORTED} created, 0 updated, 0 rejected\n")
    );
    let all = core
        .employees(
            &admin,
            EmployeeQuery {
                include_inactive: true,
                limit: Some(10_000),
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(
        all.len(),
        IMPORTED + 1 + created as usize,
        "every imported and every window-created employee is stored"
    );
    let w1 = all.iter().find(|e| e.code == "W1").expect("W1");
    assert_eq!(
        w1.title.as_deref(),
        Some(format!("edit {}", edits - 1).as_str()),
        "the window's last edit is stored"
    );
    core.close().await;
}
