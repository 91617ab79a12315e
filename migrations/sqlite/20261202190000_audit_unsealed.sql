-- Rows not yet sealed into the audit chain (only from databases older than the chain): the check
-- every start makes reads this index, empty once they are sealed, instead of the whole log.
CREATE INDEX audit_log_unsealed ON audit_log(at) WHERE hash IS NULL;
