//! Core API tests on real SQLite files, one fresh database per test.

mod fixtures;

mod access;
mod attendance;
mod documents;
mod employees;
mod export_runs;
mod exports;
mod facade_map;
mod faces;
mod import;
mod visits;
