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
        matches!(err, Error::Validation { ref field, ref message, .. } if field == "header" && message.contains("name")),
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

fn by_code<'a>(
    list: &'a [frontdesk_core::people::employees::Employee],
    code: &str,
) -> &'a frontdesk_core::people::employees::Employee {
    list.iter().find(|e| e.code == code).expect("employee")
}

#[tokio::test]
async fn re_import_without_a_column_leaves_that_field_as_it_was() {
    let env = env().await;
    let a = &env.admin.actor;
    let full = "code,name,email,phone,department,title,manager_code,active,face_consent\n\
                B1,Bea Boss,bea@acme.test,+44 20 7946 0000,Ops,Director,,yes,yes\n\
                E1,Eli Employee,eli@acme.test,+44 20 7946 0001,Ops,Clerk,B1,no,yes\n";
    env.api
        .import_employees_csv(a, full.as_bytes())
        .await
        .expect("first import");

    let report = env
        .api
        .import_employees_csv(a, b"code,name\nB1,Bea Boss\nE1,Eli Renamed\n")
        .await
        .expect("re-import");
    assert_eq!(report.updated, 2, "both rows update by code: {report:?}");

    let list = env.api.employees(a, all()).await.expect("list");
    let eli = by_code(&list, "E1");
    assert_eq!(eli.name, "Eli Renamed", "the name column was present");
    assert_eq!(
        eli.email.as_deref(),
        Some("eli@acme.test"),
        "no email column: the email must stay"
    );
    assert_eq!(
        eli.phone.as_deref(),
        Some("+44 20 7946 0001"),
        "no phone column"
    );
    assert_eq!(
        eli.department.as_deref(),
        Some("Ops"),
        "no department column"
    );
    assert_eq!(eli.title.as_deref(), Some("Clerk"), "no title column");
    assert_eq!(
        eli.manager_name.as_deref(),
        Some("Bea Boss"),
        "no manager column"
    );
    assert!(!eli.active, "no active column: still inactive");
    assert!(eli.face_consent, "no consent column: consent stays given");
    let bea = by_code(&list, "B1");
    assert_eq!(bea.email.as_deref(), Some("bea@acme.test"));
    assert_eq!(bea.title.as_deref(), Some("Director"));
}

#[tokio::test]
async fn re_import_with_an_empty_cell_clears_that_field() {
    let env = env().await;
    let a = &env.admin.actor;
    let full = "code,name,email,phone,department,title,manager_code\n\
                B1,Bea Boss,bea@acme.test,,Ops,,\n\
                E1,Eli Employee,eli@acme.test,+44 20 7946 0001,Ops,Clerk,B1\n";
    env.api
        .import_employees_csv(a, full.as_bytes())
        .await
        .expect("first import");
    env.api
        .import_employees_csv(
            a,
            b"code,name,email,title,manager_code,active\nE1,Eli Employee,,Senior Clerk,,\n",
        )
        .await
        .expect("re-import");
    let list = env.api.employees(a, all()).await.expect("list");
    let eli = by_code(&list, "E1");
    assert_eq!(eli.email, None, "an empty email cell clears the email");
    assert_eq!(
        eli.manager_id, None,
        "an empty manager cell clears the manager"
    );
    assert_eq!(
        eli.title.as_deref(),
        Some("Senior Clerk"),
        "a filled cell sets it"
    );
    assert_eq!(
        eli.phone.as_deref(),
        Some("+44 20 7946 0001"),
        "no phone column: kept"
    );
    assert_eq!(
        eli.department.as_deref(),
        Some("Ops"),
        "no department column: kept"
    );
    assert!(
        eli.active,
        "a yes/no cannot be blank: an empty active cell keeps it"
    );
}
