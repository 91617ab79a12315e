//! CUPS (Linux, macOS): `lp` submits, IPP answers questions.

use std::io::Write;
use std::process::{Command, Stdio};

use super::ipp::{
    self, Group, OP_CUPS_GET_DEFAULT, OP_CUPS_GET_PRINTERS, OP_GET_JOB_ATTRIBUTES, Request,
};
use super::{JobId, JobState, PrintOptions, PrintSystem, PrinterInfo, PrinterState};
use crate::{Error, Result};

/// The CUPS scheduler.
#[derive(Debug, Clone, Default)]
pub struct Cups {
    /// Socket path or `host[:port]`; `None` uses `CUPS_SERVER` or the platform's default socket.
    pub server: Option<String>,
}

const PRINTER_ATTRS: [&str; 6] = [
    "printer-name",
    "printer-info",
    "printer-state",
    "printer-state-reasons",
    "printer-state-message",
    "printer-is-accepting-jobs",
];

impl Cups {
    pub fn with_server(server: impl Into<String>) -> Cups {
        Cups {
            server: Some(server.into()),
        }
    }

    fn server(&self) -> String {
        if let Some(s) = &self.server {
            return s.clone();
        }
        if let Ok(s) = std::env::var("CUPS_SERVER")
            && !s.is_empty()
        {
            return s;
        }
        [
            "/run/cups/cups.sock",
            "/var/run/cups/cups.sock",
            "/private/var/run/cupsd",
            "/var/run/cupsd",
        ]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .map_or_else(|| "localhost:631".to_string(), str::to_string)
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("CUPS_SERVER", self.server());
        // Messages we parse must not be translated.
        c.env("LC_ALL", "C");
        c
    }

    fn ipp(&self, path: &str, request: Vec<u8>) -> Result<ipp::Response> {
        let r = ipp::post(&self.server(), path, &request)?;
        if r.status >= 0x0400 {
            return Err(Error::Print(format!(
                "print server refused the request (IPP status 0x{:04x})",
                r.status
            )));
        }
        Ok(r)
    }

    fn printer_state(g: &Group) -> (PrinterState, String) {
        let reasons = g.texts("printer-state-reasons");
        let message = g.text("printer-state-message");
        let accepting = g.bool("printer-is-accepting-jobs").unwrap_or(true);
        let offline_reason = reasons.iter().any(|r| {
            r.starts_with("offline")
                || r.starts_with("paused")
                || r.starts_with("shutdown")
                || r.starts_with("connecting-to-device")
        });
        let state = match g.int("printer-state") {
            Some(5) => PrinterState::Offline,
            _ if !accepting || offline_reason => PrinterState::Offline,
            Some(4) => PrinterState::Printing,
            _ => PrinterState::Idle,
        };
        let detail = if message.is_empty() {
            reasons
                .into_iter()
                .filter(|r| r != "none")
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            message
        };
        let detail = if state == PrinterState::Offline && !accepting && detail.is_empty() {
            "not accepting jobs".to_string()
        } else {
            detail
        };
        (state, detail)
    }

    fn printer(&self, name: &str) -> Result<PrinterInfo> {
        self.list_printers()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::Print(format!("no printer named {name}")))
    }
}

/// Queue names reach a command line and a URI: allow only what CUPS itself allows, minus surprises.
fn check_name(what: &str, s: &str) -> Result<()> {
    let ok = !s.is_empty()
        && s.len() <= 127
        && !s.starts_with('-')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "{what} {s:?} is not a valid CUPS name"
        )))
    }
}

fn check_media(s: &str) -> Result<()> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "media {s:?} is not a valid media name"
        )))
    }
}

/// Parses `request id is NAME-12 (1 file(s))`.
pub(crate) fn parse_request_id(stdout: &str, printer: &str) -> Option<u32> {
    let token = stdout
        .split_whitespace()
        .find(|t| t.starts_with(printer) && t.len() > printer.len())?;
    token.rsplit('-').next()?.parse().ok()
}

impl PrintSystem for Cups {
    fn list_printers(&self) -> Result<Vec<PrinterInfo>> {
        let default = self
            .ipp(
                "/",
                Request::new(OP_CUPS_GET_DEFAULT, 1)
                    .keywords("requested-attributes", &["printer-name"])
                    .finish(),
            )
            .ok()
            .and_then(|r| {
                r.groups
                    .iter()
                    .find(|g| g.tag == 0x04)
                    .map(|g| g.text("printer-name"))
            });
        let r = self.ipp(
            "/",
            Request::new(OP_CUPS_GET_PRINTERS, 2)
                .keywords("requested-attributes", &PRINTER_ATTRS)
                .finish(),
        )?;
        let mut printers: Vec<PrinterInfo> = r
            .groups
            .iter()
            .filter(|g| g.tag == 0x04)
            .map(|g| {
                let name = g.text("printer-name");
                let (state, message) = Cups::printer_state(g);
                PrinterInfo {
                    is_default: default.as_deref() == Some(name.as_str()),
                    description: g.text("printer-info"),
                    name,
                    state,
                    message,
                }
            })
            .filter(|p| !p.name.is_empty())
            .collect();
        printers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(printers)
    }

    fn submit(&self, printer: &str, pdf: &[u8], options: &PrintOptions) -> Result<JobId> {
        check_name("printer", printer)?;
        if !pdf.starts_with(b"%PDF-") {
            return Err(Error::InvalidInput(
                "only PDF documents can be printed".into(),
            ));
        }
        let mut cmd = self.command("lp");
        cmd.arg("-d").arg(printer);
        cmd.arg("-n").arg(options.copies.clamp(1, 99).to_string());
        let title: String = crate::text::sanitize(&options.title)
            .chars()
            .filter(|c| *c != '\'' && *c != '"')
            .take(60)
            .collect();
        if !title.is_empty() {
            cmd.arg("-t").arg(title);
        }
        if let Some(media) = &options.media {
            check_media(media)?;
            cmd.arg("-o").arg(format!("media={media}"));
        }
        cmd.arg("-o").arg("document-format=application/pdf");
        cmd.arg("--").arg("-");
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| {
            Error::Print(if e.kind() == std::io::ErrorKind::NotFound {
                "the `lp` command is missing: install CUPS client tools".to_string()
            } else {
                format!("starting lp: {e}")
            })
        })?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(pdf)
                .map_err(|e| Error::Print(format!("sending the document to lp: {e}")))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| Error::Print(format!("waiting for lp: {e}")))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(Error::Print(format!(
                "lp refused the job: {}",
                stderr.trim()
            )));
        }
        let id = parse_request_id(&stdout, printer)
            .ok_or_else(|| Error::Print(format!("lp gave no job id: {}", stdout.trim())))?;
        Ok(JobId {
            printer: printer.to_string(),
            id,
        })
    }

    fn job_state(&self, job: &JobId) -> Result<JobState> {
        check_name("printer", &job.printer)?;
        let uri = format!("ipp://localhost/printers/{}", job.printer);
        let req = Request::new(OP_GET_JOB_ATTRIBUTES, 3)
            .uri("printer-uri", &uri)
            .int("job-id", i32::try_from(job.id).unwrap_or(i32::MAX))
            .name("requesting-user-name", "frontdesk")
            .keywords(
                "requested-attributes",
                &[
                    "job-state",
                    "job-state-reasons",
                    "job-printer-state-message",
                ],
            )
            .finish();
        let r = self.ipp(&format!("/printers/{}", job.printer), req)?;
        let g =
            r.groups.iter().find(|g| g.tag == 0x02).ok_or_else(|| {
                Error::Print(format!("print server does not know job {}", job.id))
            })?;
        let reasons = g
            .texts("job-state-reasons")
            .into_iter()
            .filter(|r| r != "none")
            .collect::<Vec<_>>()
            .join(", ");
        let message = g.text("job-printer-state-message");
        let why = if message.is_empty() { reasons } else { message };
        Ok(match g.int("job-state") {
            Some(9) => JobState::Done,
            Some(7) => JobState::Failed(if why.is_empty() {
                "cancelled".into()
            } else {
                why
            }),
            Some(8) => JobState::Failed(if why.is_empty() {
                "aborted by the printer system".into()
            } else {
                why
            }),
            Some(5) => JobState::Printing,
            Some(3) | Some(4) | Some(6) => {
                let printer = self.printer(&job.printer)?;
                if printer.state == PrinterState::Offline {
                    JobState::Offline(if printer.message.is_empty() {
                        "printer is offline".into()
                    } else {
                        printer.message
                    })
                } else {
                    JobState::Pending
                }
            }
            other => JobState::Failed(format!("unknown job state {other:?}")),
        })
    }

    fn cancel(&self, job: &JobId) -> Result<()> {
        check_name("printer", &job.printer)?;
        let out = self
            .command("cancel")
            .arg(format!("{}-{}", job.printer, job.id))
            .output()
            .map_err(|e| Error::Print(format!("running cancel: {e}")))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(Error::Print(format!(
                "cancel failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lp_output_and_rejects_odd_names() {
        assert_eq!(
            parse_request_id("request id is Brother_QL-12 (1 file(s))\n", "Brother_QL"),
            Some(12)
        );
        assert_eq!(parse_request_id("nothing", "x"), None);
        assert!(check_name("printer", "-oevil").is_err());
        assert!(check_name("printer", "a b").is_err());
        assert!(check_name("printer", "Front_Desk-QL820").is_ok());
        assert!(check_media("Custom.100x62mm").is_ok());
        assert!(check_media("A4 -o x").is_err());
    }
}
