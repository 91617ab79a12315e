//! People: the employee directory and its CSV import, staff accounts, roles and sign-in.

pub(crate) mod auth;
pub mod employees;
pub mod import;
pub mod staff;
