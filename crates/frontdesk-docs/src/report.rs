//! Reports.
use crate::{Rendered, Result};
pub fn render_daily_report() -> Result<Rendered> {
    todo_doc()
}
pub fn render_evacuation_list() -> Result<Rendered> {
    todo_doc()
}
pub fn render_visit_log_csv() -> Result<Rendered> {
    todo_doc()
}
pub fn render_visit_log_pdf() -> Result<Rendered> {
    todo_doc()
}
fn todo_doc() -> Result<Rendered> {
    Err(crate::Error::InvalidInput("todo".into()))
}
