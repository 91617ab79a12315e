//! Timesheets.
use crate::{Rendered, Result};
pub fn render_timesheet_csv() -> Result<Rendered> {
    todo_doc()
}
pub fn render_timesheet_pdf() -> Result<Rendered> {
    todo_doc()
}
pub fn render_timesheet_xlsx() -> Result<Rendered> {
    todo_doc()
}
fn todo_doc() -> Result<Rendered> {
    Err(crate::Error::InvalidInput("todo".into()))
}
