use frontdesk_core::people::employees::EmployeeQuery;
use frontdesk_core::{Error, Role};

use crate::fixtures::env;

fn all() -> EmployeeQuery {
    EmployeeQuery {
        include_inactive: true,
        ..Default::default()
    }
}

#[tokio::test]
async fn valid_rows_import_and_bad_rows_are_reported_per_row() {
    let env = env().await;
    let desk = env.staff("desk", Role::FrontDesk).await;
    let mut csv =
        b"\xEF\xBB\xBFEmployee ID,Full Name,Email,Department,Manager,Favourite Colour\n".to_vec();
    csv.extend_from_slice(b"100,Alice Able,alice@acme.test,Ops,200,blue\n"); // manager appears later
    csv.extend_from_slice(b"200,Bob Boss,bob@acme.test,Ops,,red\n");
    csv.extend_from_slice(b"300,Carol Bad,carol-at-acme,Ops,,green\n"); // bad email
    csv.extend_from_slice(b"100,Alice Again,alice2@acme.test,Ops,,blue\n"); // duplicate code
    csv.extend_from_slice(b"400,Dan \xff\xfe Bytes,dan@acme.test,Ops,,x\n"); // not UTF-8
    csv.extend_from_slice(b"500,Eve Orphan,eve@acme.test,Ops,999,x\n"); // unknown manager
    csv.extend_from_slice(b"600,\"<script>alert(1)</script>\",,Ops,,x\n"); // hostile but valid
    csv.extend_from_slice(b"700,Too,Few\n"); // wrong field count
    csv.extend_from_slice(b",No Code,nc@acme.test,Ops,,x\n"); // missing code
    let report = env
        .api
        .import_employees_csv(&desk, &csv)
        .await
        .expect("import");
    assert_eq!(
        report.created, 3,
        "Alice, Bob and the hostile name: {report:?}"
    );
    assert_eq!(report.updated, 0);
    assert_eq!(report.ignored_columns, ["Favourite Colour"]);
    let lines: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(
        lines,
        [4, 5, 6, 7, 9, 10],
        "each bad row reported with its line"
    );
    let problem = |line: u64| {
        let r = report
            .rejected
            .iter()
            .find(|r| r.line == line)
            .expect("row");
        r.problems
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message))
            .collect::<Vec<_>>()
            .join("; ")
    };
    assert!(problem(4).starts_with("email:"), "{}", problem(4));
    assert!(
        problem(5).contains("duplicate code") && problem(5).contains("line 2"),
        "{}",
        problem(5)
    );
    assert!(problem(6).contains("UTF-8"), "{}", problem(6));
    assert!(
        problem(7).contains("manager_code") && problem(7).contains("999"),
        "{}",
        problem(7)
    );
    assert!(problem(9).contains("fields"), "{}", problem(9));
    assert!(problem(10).starts_with("code:"), "{}", problem(10));

    let people = env.api.employees(&desk, all()).await.expect("list");
    let names: Vec<_> = people.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["<script>alert(1)</script>", "Alice Able", "Bob Boss"]
    );
    let alice = people.iter().find(|e| e.code == "100").expect("alice");
    assert_eq!(
        alice.manager_name.as_deref(),
        Some("Bob Boss"),
        "manager linked regardless of order"
    );
}

#[tokio::test]
async fn re_import_updates_by_code_instead_of_duplicating() {
    let env = env().await;
    let a = &env.admin.actor;
    let v1 = "code,name,department,face_consent\nA1,Ann One,Sales,yes\nA2,Ari Two,Sales,no\n";
    let r1 = env
        .api
        .import_employees_csv(a, v1.as_bytes())
        .await
        .expect("first");
    assert_eq!((r1.created, r1.updated), (2, 0));
    let v2 = "code,name,department\nA1,Ann One-Smith,Marketing\nA3,Abe Three,Sales\n";
    let r2 = env
        .api
        .import_employees_csv(a, v2.as_bytes())
        .await
        .expect("second");
    assert_eq!((r2.created, r2.updated), (1, 1));
    let people = env.api.employees(a, all()).await.expect("list");
    assert_eq!(people.len(), 3, "no duplicates");
    let ann = people.iter().find(|e| e.code == "A1").expect("ann");
    assert_eq!(ann.name, "Ann One-Smith");
    assert_eq!(ann.department.as_deref(), Some("Marketing"));
    assert!(
        ann.face_consent,
        "a file without the consent column must not revoke consent"
    );
}

#[tokio::test]
async fn missing_required_columns_reject_the_file_and_write_nothing() {
    let env = env().await;
    let a = &env.admin.actor;
    let err = env
        .api
        .import_employees_csv(a, b"code,email\n1,a@b.test\n")
        .await
        .expect_err("no name column");
    assert!(
        matches!(err, Error::Validation { ref field, ref message } if field == "header" && message.contains("name")),
        "{err}"
    );
    let err = env
        .api
        .import_employees_csv(a, b"")
        .await
        .expect_err("empty file");
    assert!(matches!(err, Error::Validation { .. }), "{err}");
    assert!(env.api.employees(a, all()).await.expect("list").is_empty());
}

#[tokio::test]
async fn manager_cannot_import() {
    let env = env().await;
    let m = env.staff("mgr", Role::Manager).await;
    assert!(
        env.api
            .import_employees_csv(&m, b"code,name\n1,A\n")
            .await
            .is_err()
    );
}
