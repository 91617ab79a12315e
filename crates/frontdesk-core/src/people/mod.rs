//! People: the employee directory and its CSV import, staff accounts (and their administration), roles, sign-in and the console session.

pub(crate) mod auth;
pub mod employees;
pub mod import;
pub mod staff;
pub mod staff_admin;
