//! Storage: the SQLite pool and its migrations, the data directory's paths and this PC's device id.

pub(crate) mod db;
pub(crate) mod device;
pub mod paths;
