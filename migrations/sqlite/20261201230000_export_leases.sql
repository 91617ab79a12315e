-- A runner's claim on a schedule while it makes the schedule's due runs. The window and the
-- `run-due-exports` timer are two processes on one database: a schedule is run by whoever holds
-- its lease; a lease whose holder died (the process was killed, the PC lost power) expires and is
-- taken over, and the new holder finishes the run the dead one had started from what it recorded
-- here: the file under its temporary name, and the name it was being linked to.
-- Local to this PC like the schedules (no change_log triggers).

CREATE TABLE export_leases (
    schedule_id  BLOB PRIMARY KEY NOT NULL REFERENCES export_schedules(id) ON DELETE CASCADE,
    holder       BLOB NOT NULL,             -- a random id per runner call
    expires_at   INTEGER NOT NULL,          -- others may take the lease over after this
    due_at       INTEGER,                   -- the run being made, once its file is being written
    partial_path TEXT,                      -- its file under the temporary `.partial` name
    file_path    TEXT,                      -- the name being linked (may already be linked)
    message      TEXT                       -- the run's warnings, for its row when it is done
);
