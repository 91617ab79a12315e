//! Core API tests on real SQLite files, one fresh database per test.

mod fixtures;

mod access;
mod attendance;
mod client_methods;
mod documents;
mod employees;
mod exports;
mod faces;
mod import;
mod visits;
