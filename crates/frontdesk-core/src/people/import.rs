//! Employee CSV import. Each row is checked on its own: valid rows are imported, invalid rows are
//! reported with their line number and every problem found, and a row is either written completely
//! or not at all. Re-importing a file updates employees by code instead of duplicating them; a
//! column the file does not have leaves that field as it was, an empty cell clears it (yes/no
//! columns keep their value when blank).

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use crate::people::employees::{
    EmployeeInput, Kept, Upserted, ValidEmployee, id_by_code, upsert, validate,
};
use crate::{Frontdesk, audit, store};

/// Larger files are refused outright; split them.
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

/// What an employee CSV import did.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct ImportReport {
    /// Rows that added a new employee.
    pub created: u32,
    /// Rows that updated the employee with the same code.
    pub updated: u32,
    /// Rows not imported, with their problems, in line order.
    pub rejected: Vec<RowError>,
    /// Columns that were present but not recognised (their values were ignored).
    pub ignored_columns: Vec<String>,
}

/// A CSV row that was not imported.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RowError {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    /// The row's employee code, when it could be read.
    pub code: Option<String>,
    /// Everything wrong with the row (at least one).
    pub problems: Vec<FieldProblem>,
}

/// One problem with a CSV row.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FieldProblem {
    /// The field at fault (e.g. `email`, `manager_code`), or `row` for the row as a whole.
    pub field: String,
    /// What is wrong, for staff to read (e.g. `is required`).
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Code,
    Name,
    Email,
    Phone,
    Department,
    Title,
    ManagerCode,
    Active,
    FaceConsent,
}

fn column(header: &str) -> Option<Column> {
    let h: String = header
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    Some(match h.as_str() {
        "code" | "employee_code" | "employee_id" | "employee_number" | "id" => Column::Code,
        "name" | "full_name" | "employee_name" => Column::Name,
        "email" | "email_address" | "e_mail" => Column::Email,
        "phone" | "phone_number" | "mobile" => Column::Phone,
        "department" | "dept" => Column::Department,
        "title" | "job_title" | "role" => Column::Title,
        "manager" | "manager_code" | "manager_id" => Column::ManagerCode,
        "active" | "status" => Column::Active,
        "face_consent" | "face_recognition_consent" | "consent" => Column::FaceConsent,
        _ => return None,
    })
}

fn parse_bool(field: &str, v: &str) -> std::result::Result<Option<bool>, FieldProblem> {
    match v.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "1" | "true" | "yes" | "y" | "active" => Ok(Some(true)),
        "0" | "false" | "no" | "n" | "inactive" => Ok(Some(false)),
        other => Err(FieldProblem {
            field: field.into(),
            message: format!("{other:?} is not yes/no"),
        }),
    }
}

fn problem(e: Error) -> FieldProblem {
    match e {
        Error::Validation { field, message, .. } => FieldProblem { field, message },
        other => FieldProblem {
            field: "row".into(),
            message: other.to_string(),
        },
    }
}

struct ParsedRow {
    line: u64,
    employee: ValidEmployee,
}

impl Frontdesk {
    /// Imports employees from a CSV file (UTF-8, header row naming at least `code` and `name`;
    /// needs [`Permission::ManageEmployees`]; audited as `employee.import`). Invalid rows are
    /// reported, not errors; a file over [`MAX_IMPORT_BYTES`] or without the required columns is
    /// a validation error.
    pub async fn import_employees_csv(&self, actor: &Actor, bytes: &[u8]) -> Result<ImportReport> {
        actor.require(Permission::ManageEmployees)?;
        if bytes.len() > MAX_IMPORT_BYTES {
            return Err(Error::validation(
                "file",
                format!(
                    "is {} MB; the limit is {} MB",
                    bytes.len() >> 20,
                    MAX_IMPORT_BYTES >> 20
                ),
            ));
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let headers = reader
            .byte_headers()
            .map_err(|e| Error::validation("file", format!("cannot read the header row: {e}")))?
            .clone();
        let mut columns: Vec<Option<Column>> = Vec::new();
        let mut report = ImportReport::default();
        for h in headers.iter() {
            let name = String::from_utf8_lossy(h).into_owned();
            let c = column(&name);
            if c.is_none() && !name.trim().is_empty() {
                report.ignored_columns.push(name);
            }
            columns.push(c);
        }
        let present: HashSet<Column> = columns.iter().flatten().copied().collect();
        let missing: Vec<&str> = [(Column::Code, "code"), (Column::Name, "name")]
            .into_iter()
            .filter(|(c, _)| !present.contains(c))
            .map(|(_, n)| n)
            .collect();
        if !missing.is_empty() {
            return Err(Error::validation(
                "header",
                format!(
                    "missing required column(s): {}; the header row must name at least code and name",
                    missing.join(", ")
                ),
            ));
        }

        // Pass 1: parse and validate every row on its own.
        let mut parsed: Vec<ParsedRow> = Vec::new();
        let mut first_line_of_code: HashMap<String, u64> = HashMap::new();
        for (i, record) in reader.byte_records().enumerate() {
            let fallback_line = i as u64 + 2;
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(fallback_line, |p| p.line());
                    report.rejected.push(RowError {
                        line,
                        code: None,
                        problems: vec![FieldProblem {
                            field: "row".into(),
                            message: format!("unreadable CSV: {e}"),
                        }],
                    });
                    continue;
                }
            };
            let line = record.position().map_or(fallback_line, |p| p.line());
            if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue; // blank line
            }
            let mut problems = Vec::new();
            if record.len() != headers.len() {
                problems.push(FieldProblem {
                    field: "row".into(),
                    message: format!(
                        "has {} fields but the header has {}",
                        record.len(),
                        headers.len()
                    ),
                });
            }
            let mut input = EmployeeInput::default();
            for (field, col) in record.iter().zip(&columns) {
                let Some(col) = col else { continue };
                let name = column_name(*col);
                let value = match std::str::from_utf8(field) {
                    Ok(v) => v,
                    Err(_) => {
                        problems.push(FieldProblem {
                            field: name.into(),
                            message: "is not valid UTF-8 text (save the file as CSV UTF-8)".into(),
                        });
                        continue;
                    }
                };
                let opt = Some(value.to_string());
                match col {
                    Column::Code => input.code = value.to_string(),
                    Column::Name => input.name = value.to_string(),
                    Column::Email => input.email = opt,
                    Column::Phone => input.phone = opt,
                    Column::Department => input.department = opt,
                    Column::Title => input.title = opt,
                    Column::ManagerCode => input.manager_code = opt,
                    Column::Active => match parse_bool(name, value) {
                        Ok(b) => input.active = b,
                        Err(p) => problems.push(p),
                    },
                    Column::FaceConsent => match parse_bool(name, value) {
                        Ok(b) => input.face_consent = b,
                        Err(p) => problems.push(p),
                    },
                }
            }
            let code = (!input.code.trim().is_empty()).then(|| input.code.trim().to_string());
            match validate(&input) {
                Ok(employee) if problems.is_empty() => {
                    if let Some(first) = first_line_of_code.get(&employee.code) {
                        problems.push(FieldProblem {
                            field: "code".into(),
                            message: format!(
                                "duplicate code {:?}; first used on line {first}",
                                employee.code
                            ),
                        });
                    } else {
                        first_line_of_code.insert(employee.code.clone(), line);
                        parsed.push(ParsedRow { line, employee });
                        continue;
                    }
                }
                Ok(_) => {}
                Err(errors) => problems.extend(errors.into_iter().map(problem)),
            }
            report.rejected.push(RowError {
                line,
                code,
                problems,
            });
        }

        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let org = actor.organisation_id;

        // Pass 2: a row whose manager is neither on file nor among the accepted rows is rejected;
        // repeat, since rejecting a manager can orphan the rows that report to them.
        loop {
            let accepted: HashSet<&str> = parsed.iter().map(|r| r.employee.code.as_str()).collect();
            let mut orphans = Vec::new();
            for (i, row) in parsed.iter().enumerate() {
                if let Some(m) = &row.employee.manager_code
                    && !accepted.contains(m.as_str())
                    && id_by_code(&mut tx, org, m).await?.is_none()
                {
                    orphans.push(i);
                }
            }
            if orphans.is_empty() {
                break;
            }
            for i in orphans.into_iter().rev() {
                let row = parsed.remove(i);
                let manager = row.employee.manager_code.unwrap_or_default();
                report.rejected.push(RowError {
                    line: row.line,
                    code: Some(row.employee.code),
                    problems: vec![FieldProblem {
                        field: "manager_code".into(),
                        message: format!("no employee has code {manager:?}"),
                    }],
                });
            }
        }

        // Pass 3: write rows without managers first, then link managers, so order in the file
        // does not matter.
        let kept = Kept {
            email: !present.contains(&Column::Email),
            phone: !present.contains(&Column::Phone),
            department: !present.contains(&Column::Department),
            title: !present.contains(&Column::Title),
            manager: !present.contains(&Column::ManagerCode),
        };
        for row in &mut parsed {
            row.employee.kept = kept;
        }
        let mut faces_erased = Vec::new();
        for row in &parsed {
            let without_manager = ValidEmployee {
                manager_code: None,
                ..row.employee.clone()
            };
            match upsert(&mut tx, org, &without_manager).await? {
                Upserted::Created(_) => report.created += 1,
                Upserted::Updated(id, dropped) => {
                    report.updated += 1;
                    if dropped > 0 {
                        faces_erased.push(id);
                    }
                }
            }
        }
        for row in parsed.iter().filter(|r| r.employee.manager_code.is_some()) {
            upsert(&mut tx, org, &row.employee).await?;
        }
        report.rejected.sort_by_key(|r| r.line);
        audit::record(
            &mut tx,
            actor,
            "employee.import",
            "employee",
            None,
            serde_json::json!({
                "created": report.created,
                "updated": report.updated,
                "rejected": report.rejected.len(),
                "rejected_lines": report.rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
            }),
        )
        .await?;
        for id in &faces_erased {
            // A row that withdrew consent (or marked a leaver) takes their face with it.
            let details =
                serde_json::json!({ "reason": "consent withdrawn or left", "via": "import" });
            audit::record(&mut tx, actor, "face.erase", "employee", Some(*id), details).await?;
        }
        tx.commit().await?;
        for id in faces_erased {
            self.forget_face_in_index(id);
        }
        Ok(report)
    }
}

fn column_name(c: Column) -> &'static str {
    match c {
        Column::Code => "code",
        Column::Name => "name",
        Column::Email => "email",
        Column::Phone => "phone",
        Column::Department => "department",
        Column::Title => "title",
        Column::ManagerCode => "manager_code",
        Column::Active => "active",
        Column::FaceConsent => "face_consent",
    }
}
