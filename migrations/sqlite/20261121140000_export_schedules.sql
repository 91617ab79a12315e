-- Scheduled exports: documents a PC writes to a folder on a timetable (e.g. every Monday at 06:00,
-- last week's timesheets). A schedule runs on the PC it was made on only (`device_id`), with the
-- permissions of its owner at the time it runs, so a schedule never outlives its owner's role.
-- Local to this PC: neither table is synced (no change_log triggers).

CREATE TABLE export_schedules (
    id          BLOB PRIMARY KEY NOT NULL,
    site_id     BLOB NOT NULL REFERENCES sites(id),
    device_id   BLOB NOT NULL,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kind        TEXT NOT NULL CHECK (kind IN ('timesheets', 'visit_log', 'daily_report')),
    format      TEXT NOT NULL CHECK (format IN ('pdf', 'csv', 'xlsx')),
    department  TEXT,                       -- timesheets: only this department
    every       TEXT NOT NULL CHECK (every IN ('daily', 'weekly', 'monthly')),
    weekday     INTEGER CHECK (weekday BETWEEN 1 AND 7),     -- weekly: ISO day, 1 = Monday
    month_day   INTEGER CHECK (month_day BETWEEN 1 AND 28),  -- monthly
    at          TEXT NOT NULL,              -- site-local HH:MM
    period      TEXT NOT NULL CHECK (period IN ('previous_day', 'previous_week', 'previous_month', 'last_days')),
    days        INTEGER,                    -- last_days
    folder      TEXT,                       -- NULL: the data directory's exports/scheduled folder
    enabled     INTEGER NOT NULL DEFAULT 1,
    owner_id    BLOB NOT NULL REFERENCES staff_accounts(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    -- The due time of the newest run that completed; runs due after it (e.g. while the PC was off)
    -- are caught up in order.
    last_run_at INTEGER
);
CREATE INDEX export_schedules_device ON export_schedules(device_id, enabled);

-- One row per due run: done, or failed with the attempts so far and when to try again.
CREATE TABLE export_runs (
    id              BLOB PRIMARY KEY NOT NULL,
    schedule_id     BLOB NOT NULL REFERENCES export_schedules(id) ON DELETE CASCADE,
    due_at          INTEGER NOT NULL,
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    path            TEXT,                   -- done: the file written
    message         TEXT,                   -- failed: why; done: warnings
    attempts        INTEGER NOT NULL DEFAULT 1,
    next_attempt_at INTEGER,                -- failed: not before this time
    finished_at     INTEGER NOT NULL,
    UNIQUE (schedule_id, due_at)
);
CREATE INDEX export_runs_schedule ON export_runs(schedule_id, due_at);
