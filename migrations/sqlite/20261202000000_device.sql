-- This data directory's own device id, kept beside the `device-id` file so that an unreadable or
-- deleted file restores the PC's id instead of silently giving it a new one (which would orphan
-- its export schedules and split its audit trail). One row; local to this database, not synced.
CREATE TABLE this_device (
    singleton   INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    device_id   BLOB NOT NULL,
    recorded_at INTEGER NOT NULL
);

-- Databases set up before this table: the PC that set one up is its only registered device.
INSERT INTO this_device (singleton, device_id, recorded_at)
SELECT 1, id, created_at FROM devices WHERE (SELECT COUNT(*) FROM devices) = 1;
