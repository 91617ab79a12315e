//! Printing through a real CUPS scheduler with a CUPS-PDF queue, started privately by the test: its own
//! config, spool, socket and output directory in a temp dir (an already running system cupsd is left
//! alone). Needs root and the Debian packages `cups` and `printer-driver-cups-pdf`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use frontdesk_docs::badge::BadgeSize;
use frontdesk_docs::print::{
    Cups, JobState, PrintOptions, PrintSystem, PrinterState, wait_for_job,
};
use frontdesk_docs::render_badge;

use crate::util::{pdf_page_size, render_png};

fn find_tool(name: &str) -> PathBuf {
    let dirs = std::env::var("PATH").unwrap_or_default();
    std::env::split_paths(&dirs)
        .chain(["/usr/sbin", "/usr/bin", "/sbin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("`{name}` not found: the printing test needs the Debian packages `cups` and `printer-driver-cups-pdf`"))
}

struct CupsFixture {
    dir: tempfile::TempDir,
    child: Child,
    socket: String,
    queue_confs: Vec<PathBuf>,
}

impl CupsFixture {
    fn start() -> CupsFixture {
        assert!(
            Path::new("/usr/lib/cups/backend/cups-pdf").exists(),
            "the CUPS-PDF backend is missing: apt-get install printer-driver-cups-pdf"
        );
        assert!(
            Path::new("/etc/cups").is_dir(),
            "/etc/cups is missing: apt-get install cups"
        );
        let dir = tempfile::Builder::new()
            .prefix("fdcups")
            .tempdir()
            .unwrap_or_else(|e| panic!("temp dir: {e}"));
        let root_buf = dir.path().to_path_buf();
        let root = root_buf.as_path();
        for sub in [
            "etc/ppd",
            "spool/tmp",
            "cache",
            "state",
            "log",
            "out",
            "bin/backend",
        ] {
            std::fs::create_dir_all(root.join(sub)).unwrap_or_else(|e| panic!("mkdir {sub}: {e}"));
        }
        let chmod = |p: &Path, mode: u32| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
                .unwrap_or_else(|e| panic!("chmod {}: {e}", p.display()));
        };
        chmod(root, 0o755);
        // A private ServerBin: the system's filters and backends, plus a backend that always fails.
        let sys_bin = Path::new("/usr/lib/cups");
        for entry in std::fs::read_dir(sys_bin)
            .unwrap_or_else(|e| panic!("{}: {e}", sys_bin.display()))
            .flatten()
        {
            if entry.file_name() != "backend" {
                let _ = std::os::unix::fs::symlink(
                    entry.path(),
                    root.join("bin").join(entry.file_name()),
                );
            }
        }
        for entry in std::fs::read_dir(sys_bin.join("backend"))
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            let _ = std::os::unix::fs::symlink(
                entry.path(),
                root.join("bin/backend").join(entry.file_name()),
            );
        }
        let failing = root.join("bin/backend/fdfail");
        std::fs::write(&failing, "#!/bin/sh\n[ $# -eq 0 ] && exit 0\necho 'ERROR: paper jam (test backend)' >&2\nexit 1\n")
            .unwrap_or_else(|e| panic!("{e}"));
        chmod(&failing, 0o700);
        chmod(&root.join("spool/tmp"), 0o1777);
        let socket = root.join("cups.sock").to_string_lossy().into_owned();
        let r = root.to_string_lossy().into_owned();
        std::fs::write(
            root.join("etc/cupsd.conf"),
            format!("Listen {socket}\nLogLevel warn\nWebInterface No\nBrowsing No\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            root.join("etc/cups-files.conf"),
            format!(
                "ServerRoot {r}/etc\nRequestRoot {r}/spool\nCacheDir {r}/cache\nStateDir {r}/state\nTempDir {r}/spool/tmp\nErrorLog {r}/log/error_log\nAccessLog {r}/log/access_log\nPageLog {r}/log/page_log\nServerBin {r}/bin\n"
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let child = Command::new(find_tool("cupsd"))
            .args(["-f", "-c"])
            .arg(root.join("etc/cupsd.conf"))
            .arg("-s")
            .arg(root.join("etc/cups-files.conf"))
            .spawn()
            .unwrap_or_else(|e| panic!("starting cupsd (needs root): {e}"));
        let fixture = CupsFixture {
            dir,
            child,
            socket,
            queue_confs: Vec::new(),
        };
        let start = Instant::now();
        while !Path::new(&fixture.socket).exists() {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "cupsd did not open its socket; see {}/log/error_log",
                r
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        fixture
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn admin(&self, tool: &str, args: &[&str]) {
        let out = Command::new(find_tool(tool))
            .env("CUPS_SERVER", &self.socket)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("running {tool}: {e}"));
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A CUPS-PDF queue writing into `out/<name>`. cups-pdf reads `/etc/cups/cups-pdf-<uri suffix>.conf`:
    /// a file private to this queue, removed again on drop.
    fn add_pdf_queue(&mut self, name: &str) -> PathBuf {
        let out = self.root().join("out").join(name);
        std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
        let conf = PathBuf::from(format!("/etc/cups/cups-pdf-{name}.conf"));
        std::fs::write(
            &conf,
            format!(
                "Out {}\nAnonDirName {}\nLog {}/log\nGrp root\n",
                out.display(),
                out.display(),
                self.root().display()
            ),
        )
        .unwrap_or_else(|e| panic!("writing {} (needs root): {e}", conf.display()));
        self.queue_confs.push(conf);
        self.admin(
            "lpadmin",
            &[
                "-p",
                name,
                "-E",
                "-v",
                &format!("cups-pdf:/{name}"),
                "-P",
                "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd",
            ],
        );
        out
    }
}

impl Drop for CupsFixture {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for c in &self.queue_confs {
            let _ = std::fs::remove_file(c);
        }
    }
}

fn wait_for_file(dir: &Path, timeout: Duration) -> Option<PathBuf> {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if let Ok(rd) = std::fs::read_dir(dir)
            && let Some(f) = rd
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|e| e == "pdf"))
            && std::fs::metadata(&f).is_ok_and(|m| m.len() > 0)
        {
            return Some(f);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

#[test]
fn badges_print_through_a_real_cups_pdf_queue() {
    let mut cups = CupsFixture::start();
    let pid = std::process::id();
    let queue = format!("fdtest_{pid}");
    let out = cups.add_pdf_queue(&queue);
    let sys = Cups::with_server(cups.socket.clone());

    // Listing.
    let printers = sys
        .list_printers()
        .unwrap_or_else(|e| panic!("listing: {e}"));
    let ours = printers
        .iter()
        .find(|p| p.name == queue)
        .unwrap_or_else(|| panic!("{queue} listed in {printers:?}"));
    assert_eq!(ours.state, PrinterState::Idle, "a fresh queue is idle");

    // A badge on 62×100 mm stock: done, and the printed file has the badge's page size.
    let size = BadgeSize::BrotherQl62x100;
    let badge =
        render_badge(&crate::badge::sample("Zoë Müller", size)).unwrap_or_else(|e| panic!("{e}"));
    let opts = PrintOptions {
        media: Some(size.cups_media()),
        copies: 1,
        title: "badge V-1234".into(),
    };
    let job = sys
        .submit(&queue, &badge.bytes, &opts)
        .unwrap_or_else(|e| panic!("submit: {e}"));
    let state = wait_for_job(
        &sys,
        &job,
        Duration::from_secs(60),
        Duration::from_millis(200),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(state, JobState::Done, "the job completes");
    let printed = wait_for_file(&out, Duration::from_secs(20))
        .unwrap_or_else(|| panic!("CUPS-PDF wrote no file into {}", out.display()));
    let (w, h) = pdf_page_size(&printed);
    assert!(
        (w - 283.5).abs() < 3.0 && (h - 175.7).abs() < 3.0,
        "printed on 100×62 mm media, got {w}×{h} pt"
    );
    let png = render_png(&printed, 50);
    // The visitor band (blue) survives printing at the bottom of the page.
    let img = image::open(&png[0])
        .unwrap_or_else(|e| panic!("{e}"))
        .to_rgb8();
    let p = img.get_pixel(4, img.height() - 4).0;
    assert!(p[2] > 150 && p[0] < 80, "blue band printed, got {p:?}");

    // Offline: a stopped queue holds the job and says so.
    cups.admin("cupsdisable", &[&queue]);
    let printers = sys.list_printers().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        printers
            .iter()
            .any(|p| p.name == queue && p.state == PrinterState::Offline),
        "stopped queue reads as offline"
    );
    let job2 = sys
        .submit(&queue, &badge.bytes, &opts)
        .unwrap_or_else(|e| panic!("{e}"));
    let state = wait_for_job(
        &sys,
        &job2,
        Duration::from_secs(10),
        Duration::from_millis(200),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(state, JobState::Offline(_)),
        "job on a stopped printer is reported offline, got {state:?}"
    );
    // Back online, the held job prints.
    cups.admin("cupsenable", &[&queue]);
    let state = wait_for_job(
        &sys,
        &job2,
        Duration::from_secs(60),
        Duration::from_millis(200),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        state,
        JobState::Done,
        "held job prints once the printer is back"
    );

    // Failed: a device whose backend fails, with the abort-job error policy.
    let broken = format!("fdbroken_{pid}");
    cups.admin(
        "lpadmin",
        &[
            "-p",
            &broken,
            "-E",
            "-v",
            "fdfail:/jam",
            "-o",
            "printer-error-policy=abort-job",
        ],
    );
    let job3 = sys
        .submit(&broken, &badge.bytes, &opts)
        .unwrap_or_else(|e| panic!("{e}"));
    let state = wait_for_job(
        &sys,
        &job3,
        Duration::from_secs(60),
        Duration::from_millis(200),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(state, JobState::Failed(_)),
        "a job the device refuses fails, got {state:?}"
    );

    // Bad requests are errors, not panics.
    assert!(
        sys.submit("no_such_queue", &badge.bytes, &opts).is_err(),
        "unknown printer"
    );
    assert!(
        sys.submit(&queue, b"not a pdf", &opts).is_err(),
        "non-PDF refused"
    );
    assert!(
        Cups::with_server(cups.root().join("nope.sock").to_string_lossy())
            .list_printers()
            .is_err(),
        "no scheduler"
    );
}
