-- Frontdesk schema for the whole product (SQLite, local-first).
--
-- Conventions
-- * Ids are UUID v7 stored as 16-byte BLOBs: records made on many PCs merge without clashes and sort
--   by creation time.
-- * Times are INTEGER milliseconds since the Unix epoch, UTC (`*_at` columns). Each site has an IANA
--   time zone; conversion to local time happens at the edges.
-- * Durations and other figures are integers (minutes, counts), never floats; `REAL` holds only model
--   scores (confidence, distance, quality).
-- * Later features add columns and tables; they do not rewrite these.
-- * Every synced table has triggers that append to `change_log`, so no code path can forget to record a
--   change for the cloud sync engine.

CREATE TABLE organisations (
    id          BLOB PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE sites (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    name            TEXT NOT NULL,
    time_zone       TEXT NOT NULL,          -- IANA name, e.g. Europe/London
    address         TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE TABLE devices (
    id           BLOB PRIMARY KEY NOT NULL,
    site_id      BLOB REFERENCES sites(id),
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('desk', 'kiosk', 'clock', 'cli')),
    last_seen_at INTEGER,
    created_at   INTEGER NOT NULL
);

CREATE TABLE staff_accounts (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    username        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name    TEXT NOT NULL,
    email           TEXT,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'front_desk', 'manager')),
    password_hash   TEXT NOT NULL,          -- argon2id PHC string
    kiosk_pin_hash  TEXT,                   -- argon2id PHC string, optional
    active          INTEGER NOT NULL DEFAULT 1,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER,
    last_login_at   INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE TABLE employees (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    site_id         BLOB REFERENCES sites(id),
    code            TEXT NOT NULL,          -- the employer's own employee number
    name            TEXT NOT NULL,
    email           TEXT,
    phone           TEXT,
    department      TEXT,
    title           TEXT,
    manager_id      BLOB REFERENCES employees(id),
    active          INTEGER NOT NULL DEFAULT 1,
    face_consent    INTEGER NOT NULL DEFAULT 0,
    face_consent_at INTEGER,
    pin_hash        TEXT,                   -- clock-in PIN fallback, argon2id
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (organisation_id, code)
);
CREATE INDEX employees_site ON employees(site_id, active);
CREATE INDEX employees_name ON employees(name COLLATE NOCASE);

CREATE TABLE visitors (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    name            TEXT NOT NULL,
    company         TEXT,
    email           TEXT,
    phone           TEXT,
    photo_id        BLOB,                   -- latest photo (photos.id), may have expired
    data_consent_at INTEGER,                -- consent to keep details for returning-visitor lookup
    face_consent_at INTEGER,                -- consent to recognise the face on return
    erased_at       INTEGER,                -- personal data removed on request or by retention
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- Normalised search terms for visitor lookup by name word, email or phone prefix (derived data, rebuilt
-- from `visitors`; not synced).
CREATE TABLE visitor_terms (
    term       TEXT NOT NULL,
    visitor_id BLOB NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    PRIMARY KEY (term, visitor_id)
) WITHOUT ROWID;
CREATE INDEX visitor_terms_visitor ON visitor_terms(visitor_id);

CREATE TABLE photos (
    id          BLOB PRIMARY KEY NOT NULL,
    owner_kind  TEXT NOT NULL CHECK (owner_kind IN ('visitor', 'employee')),
    owner_id    BLOB NOT NULL,
    mime        TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    taken_at    INTEGER NOT NULL,
    expires_at  INTEGER                      -- visitor photos expire (default 90 days)
);
CREATE INDEX photos_owner ON photos(owner_kind, owner_id);
CREATE INDEX photos_expiry ON photos(expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE invites (
    id               BLOB PRIMARY KEY NOT NULL,
    site_id          BLOB NOT NULL REFERENCES sites(id),
    visitor_id       BLOB REFERENCES visitors(id),
    host_employee_id BLOB REFERENCES employees(id),
    visitor_name     TEXT NOT NULL,
    visitor_email    TEXT,
    visitor_phone    TEXT,
    company          TEXT,
    purpose          TEXT,
    token            TEXT NOT NULL UNIQUE,   -- the QR payload; random, unguessable
    valid_from       INTEGER NOT NULL,
    valid_until      INTEGER NOT NULL,
    used_at          INTEGER,
    cancelled_at     INTEGER,
    created_by       BLOB REFERENCES staff_accounts(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX invites_site_valid ON invites(site_id, valid_from);

CREATE TABLE visits (
    id               BLOB PRIMARY KEY NOT NULL,
    site_id          BLOB NOT NULL REFERENCES sites(id),
    visitor_id       BLOB NOT NULL REFERENCES visitors(id),
    host_employee_id BLOB REFERENCES employees(id),
    invite_id        BLOB REFERENCES invites(id),
    purpose          TEXT,
    visitor_type     TEXT NOT NULL DEFAULT 'visitor',   -- badge band: visitor, contractor, delivery, ...
    expected_at      INTEGER,
    expected_out_at  INTEGER,
    checked_in_at    INTEGER,
    checked_out_at   INTEGER,
    -- The instant that places the visit on a day: actual check-in, else expected arrival.
    starts_at        INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('expected', 'checked_in', 'checked_out', 'cancelled')),
    badge_number     TEXT,
    notes            TEXT,
    photo_id         BLOB REFERENCES photos(id),
    agreement_version TEXT,
    agreement_signed_at INTEGER,
    signature_svg    TEXT,                   -- the signature strokes as an SVG path
    source           TEXT NOT NULL CHECK (source IN ('kiosk', 'desk', 'invite')),
    device_id        BLOB,
    signed_out_by    TEXT CHECK (signed_out_by IN ('kiosk', 'desk', 'badge_qr', 'face', 'auto')),
    created_by       BLOB REFERENCES staff_accounts(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX visits_site_day ON visits(site_id, starts_at);
CREATE INDEX visits_on_site ON visits(site_id, checked_in_at) WHERE status = 'checked_in';
CREATE INDEX visits_visitor ON visits(visitor_id, starts_at);
CREATE INDEX visits_host ON visits(host_employee_id, starts_at);

CREATE TABLE host_notifications (
    id              BLOB PRIMARY KEY NOT NULL,
    visit_id        BLOB NOT NULL REFERENCES visits(id),
    employee_id     BLOB NOT NULL REFERENCES employees(id),
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'slack', 'teams', 'desk')),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at INTEGER,
    sent_at         INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX host_notifications_due ON host_notifications(next_attempt_at) WHERE status = 'pending';
CREATE INDEX host_notifications_visit ON host_notifications(visit_id);

CREATE TABLE face_images (
    id          BLOB PRIMARY KEY NOT NULL,
    owner_kind  TEXT NOT NULL CHECK (owner_kind IN ('employee', 'visitor')),
    owner_id    BLOB NOT NULL,
    mime        TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    quality     REAL,
    created_by  BLOB REFERENCES staff_accounts(id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX face_images_owner ON face_images(owner_kind, owner_id);

CREATE TABLE face_embeddings (
    id            BLOB PRIMARY KEY NOT NULL,
    owner_kind    TEXT NOT NULL CHECK (owner_kind IN ('employee', 'visitor')),
    owner_id      BLOB NOT NULL,
    face_image_id BLOB REFERENCES face_images(id) ON DELETE CASCADE,
    model_id      TEXT NOT NULL,            -- e.g. dlib_resnet_v1; vectors of different models never mix
    dims          INTEGER NOT NULL,
    vector        BLOB NOT NULL,            -- little-endian f32 × dims
    quality       REAL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX face_embeddings_owner ON face_embeddings(owner_kind, owner_id);
CREATE INDEX face_embeddings_model ON face_embeddings(model_id);

CREATE TABLE attendance_events (
    id          BLOB PRIMARY KEY NOT NULL,
    employee_id BLOB NOT NULL REFERENCES employees(id),
    site_id     BLOB REFERENCES sites(id),
    direction   TEXT NOT NULL CHECK (direction IN ('IN', 'OUT')),
    at          INTEGER NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('face', 'pin', 'manual')),
    confidence  REAL,                       -- face match confidence, when source = 'face'
    device_id   BLOB,
    created_by  BLOB REFERENCES staff_accounts(id),
    note        TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX attendance_employee_day ON attendance_events(employee_id, at);
CREATE INDEX attendance_site_day ON attendance_events(site_id, at);

CREATE TABLE review_events (
    id            BLOB PRIMARY KEY NOT NULL,
    site_id       BLOB REFERENCES sites(id),
    kind          TEXT NOT NULL CHECK (kind IN ('unknown_face', 'low_confidence', 'watchlist_hit')),
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
CREATE INDEX review_events_open ON review_events(site_id, created_at) WHERE status = 'open';

CREATE TABLE audit_log (
    id          BLOB PRIMARY KEY NOT NULL,
    at          INTEGER NOT NULL,
    actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('staff', 'kiosk', 'system')),
    actor_id    BLOB,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,              -- e.g. visit.sign_in, employee.import
    entity      TEXT NOT NULL,              -- e.g. visit, employee
    entity_id   BLOB,
    details     TEXT NOT NULL DEFAULT '{}', -- JSON; never secrets
    device_id   BLOB
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

-- Typed settings: the Rust side owns the key list and each value's type; values are JSON.
-- scope is a site id (hex) or 'global'.
CREATE TABLE settings (
    scope      TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_by BLOB,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);

-- Outbox for the cloud sync engine: one row per change of a synced record, in commit order.
CREATE TABLE change_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity     TEXT NOT NULL,
    entity_id  BLOB NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    at         INTEGER NOT NULL,
    synced_at  INTEGER
);
CREATE INDEX change_log_unsynced ON change_log(seq) WHERE synced_at IS NULL;

CREATE TRIGGER sites_ci AFTER INSERT ON sites BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('site', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER sites_cu AFTER UPDATE ON sites BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('site', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER staff_ci AFTER INSERT ON staff_accounts BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('staff_account', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER staff_cu AFTER UPDATE ON staff_accounts BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('staff_account', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER employees_ci AFTER INSERT ON employees BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('employee', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER employees_cu AFTER UPDATE ON employees BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('employee', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER visitors_ci AFTER INSERT ON visitors BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('visitor', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER visitors_cu AFTER UPDATE ON visitors BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('visitor', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER visits_ci AFTER INSERT ON visits BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('visit', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER visits_cu AFTER UPDATE ON visits BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('visit', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER invites_ci AFTER INSERT ON invites BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('invite', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER invites_cu AFTER UPDATE ON invites BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('invite', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER attendance_ci AFTER INSERT ON attendance_events BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('attendance_event', NEW.id, 'upsert', NEW.created_at); END;
CREATE TRIGGER attendance_cd AFTER DELETE ON attendance_events BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('attendance_event', OLD.id, 'delete', CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER face_embeddings_ci AFTER INSERT ON face_embeddings BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('face_embedding', NEW.id, 'upsert', NEW.created_at); END;
CREATE TRIGGER face_embeddings_cd AFTER DELETE ON face_embeddings BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('face_embedding', OLD.id, 'delete', CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER face_images_cd AFTER DELETE ON face_images BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('face_image', OLD.id, 'delete', CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER audit_ci AFTER INSERT ON audit_log BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('audit', NEW.id, 'upsert', NEW.at); END;
CREATE TRIGGER settings_ci AFTER INSERT ON settings BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('setting', CAST(NEW.scope || ':' || NEW.key AS BLOB), 'upsert', NEW.updated_at); END;
CREATE TRIGGER settings_cu AFTER UPDATE ON settings BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('setting', CAST(NEW.scope || ':' || NEW.key AS BLOB), 'upsert', NEW.updated_at); END;
CREATE TRIGGER review_events_ci AFTER INSERT ON review_events BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('review_event', NEW.id, 'upsert', NEW.created_at); END;
CREATE TRIGGER host_notifications_ci AFTER INSERT ON host_notifications BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('host_notification', NEW.id, 'upsert', NEW.updated_at); END;
CREATE TRIGGER host_notifications_cu AFTER UPDATE ON host_notifications BEGIN INSERT INTO change_log(entity, entity_id, op, at) VALUES ('host_notification', NEW.id, 'upsert', NEW.updated_at); END;
