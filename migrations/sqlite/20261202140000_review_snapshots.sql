-- Review events keep the face they are about (a re-encoded head-and-shoulders crop, no EXIF), so
-- staff can see who was at the clock-in camera; the crop is cleared after 30 days by retention.
ALTER TABLE review_events ADD COLUMN snapshot BLOB;
ALTER TABLE review_events ADD COLUMN snapshot_expires_at INTEGER;
CREATE INDEX review_events_snapshot_expiry ON review_events(snapshot_expires_at)
    WHERE snapshot_expires_at IS NOT NULL;
