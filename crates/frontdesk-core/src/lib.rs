//! Frontdesk core.
