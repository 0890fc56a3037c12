//! Checks the bank's rubrics with the real engine, for rubric authors:
//!
//! ```text
//! rubric-check [--bank-dir DIR] [--probe FILE]
//! ```
//!
//! Loads `technical.json`, `behavioral.json` and `system-design.json` from `DIR` (default:
//! the embedded bank's folder), validates them as start-up does, and prints every reference
//! answer that misses a key point, raises a red flag or is off its topic. With `--probe`, it
//! also runs sentences against one question's rubric — a JSON array of
//! `{"question": "<bank id>", "text": "...", "expect": ["<claim>", ...]}` — and prints which
//! red flags and key points each raises or covers, marking where `expect` (the claims that
//! should be raised) is not met; the bank's own probes are in `bank/probes/` (a test runs
//! them). Exits non-zero on any problem.

use std::{path::PathBuf, process::ExitCode};

use evaluation_service::{
    analysis::cues,
    authoring::{self, Probe},
    bank::Bank,
};
use interview_coach_common::domain::InterviewType;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    let dir =
        arg("--bank-dir").unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bank"));
    let mut sources = Vec::new();
    for kind in InterviewType::ALL {
        let path = dir.join(format!("{kind}.json"));
        match std::fs::read_to_string(&path) {
            Ok(json) => sources.push((kind, json)),
            Err(err) => {
                eprintln!("rubric-check: {}: {err}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    if let Err(err) = cues::validate() {
        eprintln!("rubric-check: {err}");
        return ExitCode::FAILURE;
    }
    let borrowed: Vec<(InterviewType, &str)> =
        sources.iter().map(|(k, j)| (*k, j.as_str())).collect();
    let bank = match Bank::parse(&borrowed, evaluation_service::bank::MIN_PER_CELL) {
        Ok(bank) => bank,
        Err(err) => {
            eprintln!("rubric-check: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut problems = authoring::check_bank(&bank);
    if let Some(probe) = arg("--probe") {
        let probes: Vec<Probe> = match std::fs::read_to_string(&probe)
            .map_err(|e| e.to_string())
            .and_then(|j| serde_json::from_str(&j).map_err(|e| e.to_string()))
        {
            Ok(probes) => probes,
            Err(err) => {
                eprintln!("rubric-check: {}: {err}", probe.display());
                return ExitCode::FAILURE;
            }
        };
        for p in probes {
            match authoring::check_probe(&bank, &p) {
                Err(problem) => problems.push(problem),
                Ok((raised, exact)) => {
                    println!(
                        "{} {}: {:?}\n    raises {:?}",
                        if exact { "ok  " } else { "MISS" },
                        p.question,
                        p.text,
                        raised
                    );
                    if !exact {
                        problems.push(format!(
                            "probe {}: expected {:?}, raised {:?}",
                            p.question, p.expect, raised
                        ));
                    }
                }
            }
        }
    }
    for problem in &problems {
        println!("{problem}");
    }
    println!(
        "{} questions, {} problems",
        bank.all().len(),
        problems.len()
    );
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
