//! Core API tests on real SQLite files, one fresh database per test.

mod fixtures;

mod access;
mod attendance;
mod audit_chain;
mod audit_log;
mod camera;
mod client_methods;
mod concurrency;
mod documents;
mod edge_input;
mod employees;
mod export_runs;
mod exports;
mod facade_map;
mod faces;
mod import;
mod kiosk;
mod kiosk_photo;
mod kiosk_station;
mod review;
mod settings;
mod staff;
mod visits;
mod walk_up;
