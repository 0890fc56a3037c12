//! `loadgen`: see `BENCHMARKS.md` and `loadgen --help`.

use std::process::ExitCode;

use clap::Parser;
use interview_coach_bench::{options::Options, run};

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    let json_out = options.json_out.clone();
    let report = match run::run(options).await {
        Ok(report) => report,
        Err(err) => {
            eprintln!("loadgen: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", report.render());
    if let Some(path) = json_out {
        let written = serde_json::to_vec_pretty(&report)
            .map_err(std::io::Error::other)
            .and_then(|json| std::fs::write(&path, json));
        if let Err(err) = written {
            eprintln!("loadgen: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
