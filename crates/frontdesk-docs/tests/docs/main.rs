//! Integration tests for frontdesk-docs: every PDF is checked with `qpdf --check`, read back with
//! `pdftotext` and rendered with `pdftoppm` (PNGs land in the target dir's `shots/` for eyeballing).
//! Needs poppler-utils and qpdf; the printing test also needs cups and printer-driver-cups-pdf.

mod badge;
mod printing;
mod report;
mod timesheet;
mod util;
