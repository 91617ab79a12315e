//! The review queue staff work through: faces the clock-in camera refused, assigned to who it was
//! or dismissed, each decision audited and final. (The camera opening reviews is in walk_up.rs.)

use frontdesk_core::faces::review::{ReviewDecision, ReviewKind, ReviewStatus};
use frontdesk_core::{ErrorCode, Role};

use crate::fixtures::{Env, env};

/// A review event as the clock-in camera opens it, with a snapshot.
async fn open(env: &Env, kind: &str) -> uuid::Uuid {
    let id = uuid::Uuid::now_v7();
    let site = env.api.home_site(&env.admin.actor).await.expect("site").id;
    sqlx::query(
        "INSERT INTO review_events (id, site_id, kind, snapshot, snapshot_expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(site)
    .bind(kind)
    .bind(vec![0xFF_u8, 0xD8, 0xFF, 0xD9])
    .bind(chrono::Utc::now().timestamp_millis() + 86_400_000)
    .bind(chrono::Utc::now().timestamp_millis())
    .execute(env.api.pool())
    .await
    .expect("insert review");
    id
}

#[tokio::test]
async fn staff_assign_or_dismiss_each_item_once_and_the_trail_says_who() {
    let env = env().await;
    let desk = env.staff("dana", Role::FrontDesk).await;
    let ann = env.employee("E1", "Ann Example").await;
    let spoof = open(&env, "possible_spoof").await;
    let unknown = open(&env, "unknown_face").await;

    let queue = env.api.review_queue(&desk, false).await.expect("queue");
    assert_eq!(queue.len(), 2);
    assert_eq!(queue[0].id, unknown, "newest first");
    assert_eq!(queue[1].kind, ReviewKind::PossibleSpoof);
    assert!(
        queue
            .iter()
            .all(|r| r.has_snapshot && r.status == ReviewStatus::Open)
    );
    let url = env
        .api
        .review_snapshot(&desk, spoof)
        .await
        .expect("snapshot");
    assert_eq!(url, "data:image/jpeg;base64,/9j/2Q==");

    let err = env
        .api
        .resolve_review(
            &desk,
            unknown,
            ReviewDecision::Assign {
                employee_id: uuid::Uuid::now_v7(),
                note: None,
            },
        )
        .await
        .expect_err("no such employee");
    assert_eq!(err.code(), ErrorCode::Validation);
    let assigned = env
        .api
        .resolve_review(
            &desk,
            unknown,
            ReviewDecision::Assign {
                employee_id: ann.id,
                note: Some("forgot her glasses".into()),
            },
        )
        .await
        .expect("assign");
    assert_eq!(assigned.status, ReviewStatus::Resolved);
    assert_eq!(assigned.employee_name.as_deref(), Some("Ann Example"));
    assert_eq!(assigned.resolved_by.as_deref(), Some("dana user"));
    let again = env
        .api
        .resolve_review(&desk, unknown, ReviewDecision::Dismiss { note: None })
        .await
        .expect_err("decided already");
    assert_eq!(again.code(), ErrorCode::Conflict);
    env.api
        .resolve_review(&desk, spoof, ReviewDecision::Dismiss { note: None })
        .await
        .expect("dismiss");

    assert!(
        env.api
            .review_queue(&desk, false)
            .await
            .expect("open")
            .is_empty()
    );
    assert_eq!(
        env.api.review_queue(&desk, true).await.expect("all").len(),
        2
    );
    let trail = env.audit_with_prefix("review.").await;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["review.dismiss", "review.assign"]);
    assert_eq!(trail[1].actor_name, "dana user");
}

#[tokio::test]
async fn the_queue_is_for_staff_who_manage_employees() {
    let env = env().await;
    open(&env, "unknown_face").await;
    let manager = env.staff("mia", Role::Manager).await;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    for actor in [&manager, &kiosk] {
        let err = env
            .api
            .review_queue(actor, false)
            .await
            .expect_err("refused");
        assert_eq!(err.code(), ErrorCode::Forbidden);
    }
    let err = env
        .api
        .review_snapshot(&env.admin.actor, uuid::Uuid::now_v7())
        .await
        .expect_err("unknown id");
    assert_eq!(err.code(), ErrorCode::NotFound);
}
