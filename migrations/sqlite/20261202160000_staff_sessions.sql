-- A staff account's sessions end when an administrator disables it or resets its password, or when
-- its user changes the password: each of those bumps the epoch, and a window whose session was opened
-- under an older epoch must sign in again.
ALTER TABLE staff_accounts ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
