//! What changed in the database, whoever changed it (this window, the kiosk window, the CLI, a
//! scheduled job): every synced table appends to `change_log` in the same transaction as the change
//! (triggers), so its sequence number is a cheap, complete "something changed" signal that the
//! window's shell turns into events for the screens, instead of each screen polling.

use serde::Serialize;
use ts_rs::TS;

use crate::Frontdesk;
use crate::error::Result;

/// Records changed since a given point of the change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DataChange {
    /// The change log's newest sequence number now; pass it back to see only later changes.
    pub seq: i64,
    /// Which kinds of record changed (`visit`, `visitor`, `attendance_event`, `employee`, …),
    /// sorted, without repeats.
    pub entities: Vec<String>,
}

impl Frontdesk {
    /// The change log's newest sequence number (0 for an empty log).
    pub async fn last_change(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM change_log")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// What changed after `seq`, or `None` when nothing did. Cheap enough to ask every half second
    /// (the newest rows of an indexed log).
    pub async fn changes_since(&self, seq: i64) -> Result<Option<DataChange>> {
        let last = self.last_change().await?;
        if last <= seq {
            return Ok(None);
        }
        let entities: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT entity FROM change_log WHERE seq > ? AND seq <= ? ORDER BY entity",
        )
        .bind(seq)
        .bind(last)
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(DataChange {
            seq: last,
            entities,
        }))
    }
}
