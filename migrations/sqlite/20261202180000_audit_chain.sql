-- The audit log becomes tamper-evident: each row carries its place in its device's chain and a
-- SHA-256 over the previous row's hash and its own fields, so an edited, inserted or deleted row
-- breaks the chain (`frontdesk audit verify` finds the first broken link). A chain per device lets
-- offline PCs merge later. Rows written before this migration are sealed when the database opens.
ALTER TABLE audit_log ADD COLUMN chain_seq INTEGER;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_chain ON audit_log(device_id, chain_seq);

-- Append-only: a sealed row can be neither changed nor removed through SQLite.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN OLD.hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
