//! The Windows spooler through PowerShell's print-management cmdlets.
//!
//! Compiled and unit-tested on every platform (command building and output parsing); it has not run on
//! Windows in CI. Known limits: a PDF is handed to the spooler with the `PrintTo` verb of the registered
//! PDF application, so the media size comes from the printer's default preferences (set the label size
//! there); the job is found by its document name in the queue. Values reach PowerShell only through
//! environment variables, never spliced into the script.

use std::process::Command;

use super::{JobId, JobState, PrintOptions, PrintSystem, PrinterInfo, PrinterState};
use crate::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct WindowsSpooler;

const LIST_SCRIPT: &str = "Get-CimInstance Win32_Printer | Select-Object Name,Comment,Default,WorkOffline,PrinterStatus | ConvertTo-Csv -NoTypeInformation";

const SUBMIT_SCRIPT: &str = "$p = Start-Process -FilePath $env:FD_FILE -Verb PrintTo -ArgumentList ('\"' + $env:FD_PRINTER + '\"') -PassThru -WindowStyle Hidden; \
Start-Sleep -Seconds 2; \
Get-PrintJob -PrinterName $env:FD_PRINTER | Where-Object { $_.DocumentName -like ('*' + $env:FD_DOC + '*') } | Select-Object Id,JobStatus | ConvertTo-Csv -NoTypeInformation";

const JOB_SCRIPT: &str = "Get-PrintJob -PrinterName $env:FD_PRINTER -ID ([int]$env:FD_JOB) -ErrorAction SilentlyContinue | Select-Object Id,JobStatus | ConvertTo-Csv -NoTypeInformation";

const CANCEL_SCRIPT: &str = "Remove-PrintJob -PrinterName $env:FD_PRINTER -ID ([int]$env:FD_JOB)";

fn powershell(script: &str, env: &[(&str, &str)]) -> Result<String> {
    let mut c = Command::new("powershell");
    c.args(["-NoProfile", "-NonInteractive", "-Command", script]);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c
        .output()
        .map_err(|e| Error::Print(format!("running PowerShell: {e}")))?;
    if !out.status.success() {
        return Err(Error::Print(format!(
            "PowerShell failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn csv_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(_) => return Vec::new(),
    };
    reader
        .records()
        .filter_map(|r| r.ok())
        .map(|r| {
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Parses the `Win32_Printer` CSV.
pub(crate) fn parse_printers(text: &str) -> Vec<PrinterInfo> {
    csv_rows(text)
        .into_iter()
        .filter_map(|row| {
            let name = row.get("Name")?.clone();
            let offline = row
                .get("WorkOffline")
                .is_some_and(|v| v.eq_ignore_ascii_case("true"));
            // Win32_Printer.PrinterStatus: 3 idle, 4 printing, 5 warming up, 6 stopped, 7 offline.
            let status = row.get("PrinterStatus").map(String::as_str).unwrap_or("");
            let state = match status {
                _ if offline => PrinterState::Offline,
                "6" | "7" => PrinterState::Offline,
                "4" | "5" => PrinterState::Printing,
                _ => PrinterState::Idle,
            };
            Some(PrinterInfo {
                description: row.get("Comment").cloned().unwrap_or_default(),
                is_default: row
                    .get("Default")
                    .is_some_and(|v| v.eq_ignore_ascii_case("true")),
                message: if state == PrinterState::Offline {
                    "printer is offline".into()
                } else {
                    String::new()
                },
                name,
                state,
            })
        })
        .collect()
}

/// Maps `Get-PrintJob`'s CSV to a state; no row means the spooler finished and dropped the job.
pub(crate) fn parse_job(text: &str) -> JobState {
    let rows = csv_rows(text);
    let Some(status) = rows.first().and_then(|r| r.get("JobStatus")) else {
        return JobState::Done;
    };
    let s = status.to_ascii_lowercase();
    if s.contains("offline")
        || s.contains("paperout")
        || s.contains("paused")
        || s.contains("blocked")
    {
        JobState::Offline(status.clone())
    } else if s.contains("error") || s.contains("deleted") || s.contains("deleting") {
        JobState::Failed(status.clone())
    } else if s.contains("printed") || s.contains("complete") {
        JobState::Done
    } else if s.contains("printing") || s.contains("spooling") {
        JobState::Printing
    } else {
        JobState::Pending
    }
}

impl PrintSystem for WindowsSpooler {
    fn list_printers(&self) -> Result<Vec<PrinterInfo>> {
        Ok(parse_printers(&powershell(LIST_SCRIPT, &[])?))
    }

    fn submit(&self, printer: &str, pdf: &[u8], options: &PrintOptions) -> Result<JobId> {
        if !pdf.starts_with(b"%PDF-") {
            return Err(Error::InvalidInput(
                "only PDF documents can be printed".into(),
            ));
        }
        let doc: String = crate::text::sanitize(&options.title)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(40)
            .collect();
        let doc = format!("frontdesk-{}-{doc}", std::process::id());
        let path = std::env::temp_dir().join(format!("{doc}.pdf"));
        std::fs::write(&path, pdf)?;
        let file = path.to_string_lossy().into_owned();
        let result = powershell(
            SUBMIT_SCRIPT,
            &[
                ("FD_FILE", &file),
                ("FD_PRINTER", printer),
                ("FD_DOC", &doc),
            ],
        );
        let rows = csv_rows(&result?);
        let id = rows
            .first()
            .and_then(|r| r.get("Id"))
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Error::Print("the spooler shows no job for the document".into()))?;
        Ok(JobId {
            printer: printer.into(),
            id,
        })
    }

    fn job_state(&self, job: &JobId) -> Result<JobState> {
        let id = job.id.to_string();
        Ok(parse_job(&powershell(
            JOB_SCRIPT,
            &[("FD_PRINTER", &job.printer), ("FD_JOB", &id)],
        )?))
    }

    fn cancel(&self, job: &JobId) -> Result<()> {
        let id = job.id.to_string();
        powershell(
            CANCEL_SCRIPT,
            &[("FD_PRINTER", &job.printer), ("FD_JOB", &id)],
        )
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_printer_list() {
        let csv = "\u{feff}\"Name\",\"Comment\",\"Default\",\"WorkOffline\",\"PrinterStatus\"\r\n\"Brother QL-820NWB\",\"Front desk\",\"True\",\"False\",\"3\"\r\n\"Old HP\",\"\",\"False\",\"True\",\"3\"\r\n";
        let p = parse_printers(csv);
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].name.as_str(), p[0].is_default, p[0].state),
            ("Brother QL-820NWB", true, PrinterState::Idle)
        );
        assert_eq!(
            p[1].state,
            PrinterState::Offline,
            "WorkOffline means offline"
        );
    }

    #[test]
    fn maps_job_status() {
        assert_eq!(
            parse_job(""),
            JobState::Done,
            "a finished job leaves the queue"
        );
        assert_eq!(
            parse_job("\"Id\",\"JobStatus\"\r\n\"4\",\"Printing\"\r\n"),
            JobState::Printing
        );
        assert!(matches!(
            parse_job("\"Id\",\"JobStatus\"\r\n\"4\",\"Error, Offline\"\r\n"),
            JobState::Offline(_)
        ));
        assert!(matches!(
            parse_job("\"Id\",\"JobStatus\"\r\n\"4\",\"Error\"\r\n"),
            JobState::Failed(_)
        ));
        assert_eq!(
            parse_job("\"Id\",\"JobStatus\"\r\n\"4\",\"Normal\"\r\n"),
            JobState::Pending
        );
    }
}
