-- Documents: the badge print log (the reprint guard survives restarts), timesheet corrections and
-- period approvals. Corrections never rewrite `attendance_events`: the original clock events stay as
-- they were and each correction row says what changed, why, who and when. An approved period is locked.

CREATE TABLE badge_prints (
    id          BLOB PRIMARY KEY NOT NULL,
    visit_id    BLOB NOT NULL REFERENCES visits(id),
    printed_at  INTEGER NOT NULL,
    printer     TEXT NOT NULL,
    preset      TEXT NOT NULL,              -- badge stock, e.g. brother_ql_62x100
    printed_by  BLOB REFERENCES staff_accounts(id),
    actor_name  TEXT NOT NULL,
    -- 'pending' until the print system reports an outcome (or stops being asked).
    outcome     TEXT NOT NULL CHECK (outcome IN ('pending', 'done', 'failed', 'offline')),
    message     TEXT,                       -- what the print system said, for failed/offline
    reprint     INTEGER NOT NULL DEFAULT 0, -- printed after staff confirmed the reprint warning
    device_id   BLOB,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX badge_prints_visit ON badge_prints(visit_id, printed_at);

CREATE TABLE timesheet_corrections (
    id                 BLOB PRIMARY KEY NOT NULL,
    employee_id        BLOB NOT NULL REFERENCES employees(id),
    kind               TEXT NOT NULL CHECK (kind IN ('add', 'remove', 'move')),
    event_id           BLOB REFERENCES attendance_events(id),  -- remove, move
    original_at        INTEGER,                                -- remove, move: the event's time before
    original_direction TEXT CHECK (original_direction IN ('IN', 'OUT')),
    corrected_at       INTEGER,                                -- add, move: the time after
    direction          TEXT CHECK (direction IN ('IN', 'OUT')), -- add
    reason             TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    created_by         BLOB REFERENCES staff_accounts(id),
    created_by_name    TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    device_id          BLOB
);
CREATE INDEX timesheet_corrections_original ON timesheet_corrections(employee_id, original_at);
CREATE INDEX timesheet_corrections_corrected ON timesheet_corrections(employee_id, corrected_at);

CREATE TABLE timesheet_approvals (
    id               BLOB PRIMARY KEY NOT NULL,
    employee_id      BLOB NOT NULL REFERENCES employees(id),
    period_start     TEXT NOT NULL,         -- site-local date, YYYY-MM-DD, inclusive
    period_end       TEXT NOT NULL,         -- site-local date, YYYY-MM-DD, inclusive
    approved_by      BLOB REFERENCES staff_accounts(id),
    approver_name    TEXT NOT NULL,
    approved_at      INTEGER NOT NULL,
    worked_minutes   INTEGER NOT NULL,      -- totals as approved
    overtime_minutes INTEGER NOT NULL,
    device_id        BLOB,
    UNIQUE (employee_id, period_start, period_end)
);
CREATE INDEX timesheet_approvals_employee ON timesheet_approvals(employee_id, period_start);

CREATE TRIGGER badge_prints_ci AFTER INSERT ON badge_prints BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('badge_print', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER badge_prints_cu AFTER UPDATE ON badge_prints BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('badge_print', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER timesheet_corrections_ci AFTER INSERT ON timesheet_corrections BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('timesheet_correction', NEW.id, 'upsert', NEW.created_at); END;
CREATE TRIGGER timesheet_approvals_ci AFTER INSERT ON timesheet_approvals BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('timesheet_approval', NEW.id, 'upsert', NEW.approved_at); END;
