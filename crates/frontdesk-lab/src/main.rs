//! `frontdesk-lab`: the face engine's evaluation harness, apart from the product. It measures the
//! engine on labelled photos (1:1 verification, 1:N identification), writes descriptors for analysis
//! elsewhere, checks detection and lists cameras. It needs no database and is not a client of the core:
//! it calls `frontdesk-vision` directly, with its `eval` feature (metrics and the dlib reference, whose
//! Python script lives in `crates/frontdesk-vision/tools`).

mod faces;
mod liveness;
mod scale;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "frontdesk-lab",
    version,
    about = "Frontdesk evaluation harness: the face engine on labelled photos"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Face engine: evaluation on labelled photos, descriptors, detection check, camera list.
    Faces {
        #[command(subcommand)]
        cmd: faces::FacesCommand,
    },
    /// The anti-spoof check on photos: live scores and refusals at a range of thresholds.
    Liveness(liveness::LivenessArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Faces { cmd } => faces::run(cmd),
        Command::Liveness(args) => liveness::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
