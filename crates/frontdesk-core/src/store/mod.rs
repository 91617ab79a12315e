//! Storage: the SQLite pool and its migrations, and the data directory's paths.

pub(crate) mod db;
pub mod paths;
