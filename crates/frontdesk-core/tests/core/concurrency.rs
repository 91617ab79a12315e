//! Two `Frontdesk` instances (two pools, like the window and the CLI in two processes) writing one
//! database file at the same time: every write succeeds and none is lost.

use frontdesk_core::people::employees::{EmployeeInput, EmployeeQuery};
use frontdesk_core::people::staff::NewStaffAccount;
use frontdesk_core::site::NewSite;
use frontdesk_core::{Error, Frontdesk, Role};
use tokio::task::JoinSet;

use crate::fixtures::{ADMIN_PASSWORD, env};

const EMPLOYEES: usize = 8;
const ROUNDS: usize = 6;

fn code(i: usize) -> String {
    format!("C{i}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_editing_importing_and_saving_settings_at_once_lose_nothing() {
    let env = env().await;
    let a = env.admin.actor.clone();
    let other = Frontdesk::open(env._dir.path())
        .await
        .expect("second instance");
    let b = other
        .login("admin", ADMIN_PASSWORD)
        .await
        .expect("login on the second instance")
        .actor;
    let mut ids = Vec::new();
    for i in 0..EMPLOYEES {
        let e = env
            .api
            .create_employee(
                &a,
                EmployeeInput {
                    code: code(i),
                    name: format!("Employee {i}"),
                    ..Default::default()
                },
            )
            .await
            .expect("create");
        ids.push(e.id);
    }
    let site = env.api.home_site(&a).await.expect("site").id;
    // Settings are saved whole (the form sends every field), so the two instances save different
    // sites' settings: what must hold is that neither save fails nor loses a change.
    let second_site = env
        .api
        .create_site(
            &a,
            NewSite {
                name: "Leeds".into(),
                time_zone: "Europe/London".into(),
                address: None,
            },
        )
        .await
        .expect("second site")
        .id;

    let mut tasks: JoinSet<Result<(), Error>> = JoinSet::new();
    for (i, id) in ids.iter().copied().enumerate() {
        // Each employee is edited by one instance; the two instances interleave.
        let (api, actor) = if i % 2 == 0 {
            (env.api.clone(), a.clone())
        } else {
            (other.clone(), b.clone())
        };
        tasks.spawn(async move {
            for round in 0..ROUNDS {
                api.update_employee(
                    &actor,
                    id,
                    EmployeeInput {
                        code: code(i),
                        name: format!("Employee {i}"),
                        title: Some(format!("round {round}")),
                        ..Default::default()
                    },
                )
                .await?;
            }
            Ok(())
        });
    }
    for k in 0..ROUNDS {
        let (api, actor) = if k % 2 == 0 {
            (other.clone(), b.clone())
        } else {
            (env.api.clone(), a.clone())
        };
        tasks.spawn(async move {
            let csv = format!("code,name\nN{k}a,New {k} A\nN{k}b,New {k} B\n");
            let report = api.import_employees_csv(&actor, csv.as_bytes()).await?;
            assert_eq!(report.created, 2, "fresh codes are created: {report:?}");
            Ok(())
        });
    }
    {
        let (api, actor) = (other.clone(), b.clone());
        tasks.spawn(async move {
            for days in 0..ROUNDS as u32 {
                let mut s = api.settings(&actor, second_site).await?;
                s.visit_retention_days = 100 + days;
                api.update_settings(&actor, second_site, s).await?;
            }
            Ok(())
        });
    }
    {
        let (api, actor) = (env.api.clone(), a.clone());
        tasks.spawn(async move {
            for secs in 0..ROUNDS as u32 {
                let mut s = api.settings(&actor, site).await?;
                s.kiosk_idle_seconds = 20 + secs;
                api.update_settings(&actor, site, s).await?;
            }
            Ok(())
        });
    }
    let mut failures = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done.expect("task panicked") {
            failures.push(format!("{e:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "every concurrent write must succeed (a deferred read-then-write transaction fails with \
         SQLITE_BUSY when the other instance commits in between): {failures:#?}"
    );

    let list = env
        .api
        .employees(
            &a,
            EmployeeQuery {
                include_inactive: true,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(
        list.len(),
        EMPLOYEES + 2 * ROUNDS,
        "the edited employees plus every imported one"
    );
    for i in 0..EMPLOYEES {
        let e = list.iter().find(|e| e.code == code(i)).expect("employee");
        assert_eq!(
            e.title.as_deref(),
            Some(format!("round {}", ROUNDS - 1).as_str()),
            "each employee's last edit is the one stored"
        );
    }
    let s = env.api.settings(&a, second_site).await.expect("settings");
    assert_eq!(
        s.visit_retention_days,
        100 + ROUNDS as u32 - 1,
        "one instance's last settings change is stored"
    );
    let s = env.api.settings(&a, site).await.expect("settings");
    assert_eq!(
        s.kiosk_idle_seconds,
        20 + ROUNDS as u32 - 1,
        "the other instance's last settings change is stored"
    );
    other.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_still_lock_the_account() {
    let env = env().await;
    let other = Frontdesk::open(env._dir.path())
        .await
        .expect("second instance");
    env.api
        .create_staff_account(
            &env.admin.actor,
            NewStaffAccount {
                username: "desk".into(),
                display_name: "Desk".into(),
                email: None,
                role: Role::FrontDesk,
                password: "kettle-morning-9".into(),
                kiosk_pin: None,
            },
        )
        .await
        .expect("staff");
    let mut tasks = JoinSet::new();
    for i in 0..10 {
        let api = if i % 2 == 0 {
            env.api.clone()
        } else {
            other.clone()
        };
        tasks.spawn(async move { api.login("desk", "wrong-guess").await.map(|_| ()) });
    }
    while let Some(done) = tasks.join_next().await {
        let e = done
            .expect("task panicked")
            .expect_err("a wrong password never logs in");
        assert!(
            matches!(e, Error::BadCredentials | Error::Locked(_)),
            "wrong guesses are refused, not failed: {e:?}"
        );
    }
    let e = env
        .api
        .login("desk", "kettle-morning-9")
        .await
        .expect_err("ten parallel wrong guesses must lock the account like ten in a row");
    assert!(matches!(e, Error::Locked(_)), "{e:?}");
    other.close().await;
}
