//! Integration tests with the real models. Tests that need the shared development photos look
//! for `shared/` beside the repository (or `FRONTDESK_SHARED`) and skip with a note without it;
//! tests that compare with dlib or OpenCV skip with a note when the Python packages are missing.

mod antispoof;
mod bad_input;
mod common;
mod detection;
mod engine;
mod reference;
