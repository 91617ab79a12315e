-- Review events gain 'possible_spoof': a face at the clock-in camera that the anti-spoof check
-- judged a photo or a screen. SQLite cannot change a CHECK constraint in place, so the table is
-- rebuilt with its rows.
CREATE TABLE review_events_new (
    id            BLOB PRIMARY KEY NOT NULL,
    site_id       BLOB REFERENCES sites(id),
    kind          TEXT NOT NULL CHECK (kind IN ('unknown_face', 'low_confidence', 'watchlist_hit', 'possible_spoof')),
    employee_id   BLOB REFERENCES employees(id),
    visitor_id    BLOB REFERENCES visitors(id),
    face_image_id BLOB REFERENCES face_images(id),
    distance      REAL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    resolved_by   BLOB REFERENCES staff_accounts(id),
    resolved_at   INTEGER,
    note          TEXT,
    device_id     BLOB,
    created_at    INTEGER NOT NULL
);
INSERT INTO review_events_new
    SELECT id, site_id, kind, employee_id, visitor_id, face_image_id, distance, status, resolved_by,
           resolved_at, note, device_id, created_at
    FROM review_events;
DROP TABLE review_events;
ALTER TABLE review_events_new RENAME TO review_events;
CREATE INDEX review_events_open ON review_events(site_id, created_at) WHERE status = 'open';
