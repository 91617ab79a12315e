//! The audit trail is append-only and tamper-evident: SQLite refuses changes to sealed rows, and a
//! row edited or deleted in the file behind the app's back breaks its chain, which
//! `verify_audit` (`frontdesk audit verify`) reports.

use frontdesk_core::Role;

use crate::fixtures::{Env, env};

async fn some_history(env: &Env) {
    env.staff("dana", Role::FrontDesk).await;
    env.employee("E1", "Ann Example").await;
    env.employee("E2", "Ben Example").await;
}

async fn nth_row(env: &Env, n: i64) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM audit_log WHERE chain_seq = ?")
        .bind(n)
        .fetch_one(env.api.pool())
        .await
        .expect("row")
}

#[tokio::test]
async fn an_intact_trail_verifies_and_sealed_rows_cannot_be_changed() {
    let env = env().await;
    some_history(&env).await;
    let report = env
        .api
        .verify_audit(&env.admin.actor)
        .await
        .expect("verify");
    assert!(report.broken.is_none(), "{report:?}");
    assert!(report.rows >= 5, "{report:?}");
    assert_eq!(report.chains, 1, "one PC, one chain");
    let id = nth_row(&env, 2).await;
    for sql in [
        "UPDATE audit_log SET actor_name = 'Nobody' WHERE id = ?",
        "DELETE FROM audit_log WHERE id = ?",
    ] {
        let err = sqlx::query(sql)
            .bind(id)
            .execute(env.api.pool())
            .await
            .expect_err("append-only");
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    let desk = env.staff("bob", Role::FrontDesk).await;
    assert!(
        env.api.verify_audit(&desk).await.is_err(),
        "administrators only"
    );
}

#[tokio::test]
async fn an_edited_row_is_found() {
    let env = env().await;
    some_history(&env).await;
    let id = nth_row(&env, 3).await;
    // Someone with the file drops the guard and rewrites history.
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(env.api.pool())
        .await
        .expect("drop");
    sqlx::query("UPDATE audit_log SET details = '{\"code\":\"X\"}' WHERE id = ?")
        .bind(id)
        .execute(env.api.pool())
        .await
        .expect("edit");
    let report = env
        .api
        .verify_audit(&env.admin.actor)
        .await
        .expect("verify");
    let broken = report.broken.expect("detected");
    assert_eq!(broken.chain_seq, 3);
    assert_eq!(broken.id, Some(id));
    assert!(broken.problem.contains("changed"), "{}", broken.problem);
}

#[tokio::test]
async fn a_deleted_row_is_found() {
    let env = env().await;
    some_history(&env).await;
    let id = nth_row(&env, 2).await;
    sqlx::query("DROP TRIGGER audit_log_no_delete")
        .execute(env.api.pool())
        .await
        .expect("drop");
    sqlx::query("DELETE FROM audit_log WHERE id = ?")
        .bind(id)
        .execute(env.api.pool())
        .await
        .expect("delete");
    let broken = env
        .api
        .verify_audit(&env.admin.actor)
        .await
        .expect("verify")
        .broken
        .expect("detected");
    assert_eq!(broken.chain_seq, 2);
    assert!(broken.problem.contains("missing"), "{}", broken.problem);
}
