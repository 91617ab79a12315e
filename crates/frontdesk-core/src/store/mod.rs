//! Storage: the SQLite pool and its migrations, the data directory's paths, this PC's device id and
//! the change signal the window listens to.

pub mod changes;
pub(crate) mod db;
pub(crate) mod device;
pub mod paths;
