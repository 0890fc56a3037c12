//! Golden-set benchmark of the built-in evaluator: scores the labelled answers of
//! `golden/` without gRPC or a database and prints, per set (tuning, held-out, original):
//! Spearman and Kendall tau against the labels (poor=0 … excellent=3) overall and per
//! interview type, beside the trivial baseline (word count's Spearman with the labels); the
//! mean score per label; the highest poor and lowest excellent score; the mean score per
//! category; the figures on questions without a rubric; and the built-in engine's CPU per
//! answer. Outliers are listed for the tuning and original sets only: the held-out set is
//! never looked into, only measured.
//!
//! ```text
//! golden-bench [--json] [--verbose] [--golden-dir DIR] [--explain ID]
//! ```
//!
//! `--explain ID` prints the whole evaluation (feedback, strengths, improvements) of one
//! tuning or original answer; held-out answers are refused.
//!
//! Exits non-zero when a target is missed (see [`TARGETS`]).

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::ExitCode,
    time::Instant,
};

use evaluation_service::{
    bank::Bank,
    domain::rubric::{KeyPoint, Rubric, RubricOrigin, SentRubric},
    scoring::{self, Question},
};
use interview_coach_common::domain::{Difficulty, InterviewType};
use serde::{Deserialize, Serialize};

const LABELS: [&str; 4] = ["poor", "fair", "good", "excellent"];

/// What the built-in engine must reach. The held-out set is the one that counts; the
/// original set's easy cases must keep passing.
struct Targets {
    held_out_spearman: f64,
    above_baseline: f64,
    max_poor: f64,
    min_excellent: f64,
    min_good_mean: f64,
    no_rubric_spearman: f64,
    original_spearman: f64,
    original_max_poor: f64,
}

const TARGETS: Targets = Targets {
    held_out_spearman: 0.80,
    above_baseline: 0.25,
    max_poor: 3.0,
    min_excellent: 6.0,
    min_good_mean: 5.0,
    no_rubric_spearman: 0.60,
    original_spearman: 0.75,
    original_max_poor: 3.0,
};

#[derive(Deserialize)]
struct Entry {
    id: String,
    #[serde(default)]
    question_key: Option<String>,
    interview_type: String,
    difficulty: String,
    question: String,
    #[serde(default)]
    hints: Vec<String>,
    #[serde(default)]
    key_points: Vec<RawKeyPoint>,
    answer: String,
    label: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    why: String,
}

#[derive(Deserialize)]
struct RawKeyPoint {
    point: String,
    terms: Vec<String>,
}

struct Scored {
    assessment: scoring::Assessment,
    id: String,
    kind: InterviewType,
    label: usize,
    category: String,
    words: usize,
    score: f64,
    no_rubric: bool,
    why: String,
    detail: String,
}

/// Ranks from 1, ties sharing the average of their positions.
fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    if x.len() < 2 {
        return 0.0;
    }
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    if vx == 0.0 || vy == 0.0 {
        return 0.0;
    }
    cov / (vx * vy).sqrt()
}

/// Spearman's rho with ties (Pearson correlation of the average ranks).
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&average_ranks(x), &average_ranks(y))
}

/// Kendall's tau-b (ties in either variable accounted for).
fn kendall(x: &[f64], y: &[f64]) -> f64 {
    let (mut concordant, mut discordant, mut ties_x, mut ties_y) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            let dx = x[i].total_cmp(&x[j]) as i64;
            let dy = y[i].total_cmp(&y[j]) as i64;
            match (dx, dy) {
                (0, 0) => {}
                (0, _) => ties_x += 1,
                (_, 0) => ties_y += 1,
                _ if dx == dy => concordant += 1,
                _ => discordant += 1,
            }
        }
    }
    let n1 = (concordant + discordant + ties_x) as f64;
    let n2 = (concordant + discordant + ties_y) as f64;
    if n1 == 0.0 || n2 == 0.0 {
        return 0.0;
    }
    (concordant - discordant) as f64 / (n1 * n2).sqrt()
}

fn score(entry: &Entry, bank: &Bank) -> Result<(Scored, Rubric), String> {
    let kind = InterviewType::parse(&entry.interview_type)
        .ok_or_else(|| format!("{}: unknown type {:?}", entry.id, entry.interview_type))?;
    let difficulty = Difficulty::parse(&entry.difficulty)
        .ok_or_else(|| format!("{}: unknown difficulty {:?}", entry.id, entry.difficulty))?;
    let label = LABELS
        .iter()
        .position(|l| *l == entry.label)
        .ok_or_else(|| format!("{}: unknown label {:?}", entry.id, entry.label))?;
    let rubric = match &entry.question_key {
        Some(key) => bank
            .by_key(key)
            .ok_or_else(|| format!("{}: no bank question {key}", entry.id))?
            .rubric(),
        None if entry.key_points.is_empty() => bank.rubric_for(
            SentRubric::default(),
            None,
            &entry.question,
            &entry.hints,
            kind,
        ),
        None => Rubric::from_points(
            entry
                .key_points
                .iter()
                .map(|k| {
                    KeyPoint::new(&k.point, &k.terms).map_err(|e| format!("{}: {e}", entry.id))
                })
                .collect::<Result<Vec<_>, _>>()?,
            RubricOrigin::Request,
        ),
    };
    let question = Question {
        interview_type: kind,
        difficulty,
        text: &entry.question,
        hints: &entry.hints,
        rubric: &rubric,
    };
    let assessment = scoring::assess(&question, &entry.answer);
    let detail = match (&assessment.gate, &assessment.breakdown) {
        (Some(gate), _) => format!("gate={}", gate.as_str()),
        (None, Some(b)) => {
            format!(
                "cov={:.2} str={:.2} spec={:.2} clar={:.2} filler={:.2} frag={:.2} subst={:.2} past={} raw={:.2} cap={:.1}({:?}) flags={:?}",
                b.coverage,
                b.structure,
                b.specificity,
                b.clarity,
                b.filler_share,
                b.fragment_share,
                b.substance_density,
                b.past_actions,
                b.raw,
                b.cap,
                b.capped_by,
                assessment.red_flags
            ) + &format!(
                " ev={:?}",
                b.evidence
                    .iter()
                    .map(|(c, e)| format!("{c}:{}", e.as_deref().unwrap_or("-")))
                    .collect::<Vec<_>>()
            )
        }
        (None, None) => String::new(),
    };
    Ok((
        Scored {
            assessment: assessment.clone(),
            id: entry.id.clone(),
            kind,
            label,
            category: entry.category.clone().unwrap_or_else(|| "-".to_owned()),
            words: entry.answer.split_whitespace().count(),
            score: assessment.verdict.score.as_f64(),
            no_rubric: rubric.origin == RubricOrigin::Derived,
            why: entry.why.clone(),
            detail,
        },
        rubric,
    ))
}

#[derive(Serialize)]
struct Correlation {
    n: usize,
    spearman: f64,
    kendall: f64,
    length_spearman: f64,
}

fn correlation(scored: &[&Scored]) -> Correlation {
    let labels: Vec<f64> = scored.iter().map(|s| s.label as f64).collect();
    let scores: Vec<f64> = scored.iter().map(|s| s.score).collect();
    let words: Vec<f64> = scored.iter().map(|s| s.words as f64).collect();
    Correlation {
        n: scored.len(),
        spearman: spearman(&scores, &labels),
        kendall: kendall(&scores, &labels),
        length_spearman: spearman(&words, &labels),
    }
}

#[derive(Serialize)]
struct Band {
    n: usize,
    mean: f64,
    min: f64,
    max: f64,
}

fn band(scores: impl Iterator<Item = f64>) -> Option<Band> {
    let scores: Vec<f64> = scores.collect();
    if scores.is_empty() {
        return None;
    }
    Some(Band {
        n: scores.len(),
        mean: scores.iter().sum::<f64>() / scores.len() as f64,
        min: scores.iter().copied().fold(f64::INFINITY, f64::min),
        max: scores.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    })
}

#[derive(Serialize)]
struct Report {
    set: String,
    overall: Correlation,
    by_type: BTreeMap<String, Correlation>,
    no_rubric: Option<Correlation>,
    by_label: BTreeMap<String, Band>,
    by_category: BTreeMap<String, Band>,
    highest_poor: Option<f64>,
    lowest_excellent: Option<f64>,
    good_mean: Option<f64>,
}

fn report(set: &str, scored: &[Scored]) -> Report {
    let all: Vec<&Scored> = scored.iter().collect();
    let mut by_type = BTreeMap::new();
    for kind in InterviewType::ALL {
        let of_kind: Vec<&Scored> = scored.iter().filter(|s| s.kind == kind).collect();
        if !of_kind.is_empty() {
            by_type.insert(kind.to_string(), correlation(&of_kind));
        }
    }
    let no_rubric: Vec<&Scored> = scored.iter().filter(|s| s.no_rubric).collect();
    let mut by_label = BTreeMap::new();
    for (i, label) in LABELS.iter().enumerate() {
        if let Some(b) = band(scored.iter().filter(|s| s.label == i).map(|s| s.score)) {
            by_label.insert(format!("{i}-{label}"), b);
        }
    }
    let mut by_category = BTreeMap::new();
    for s in scored {
        by_category
            .entry(s.category.clone())
            .or_insert_with(Vec::new)
            .push(s.score);
    }
    let by_category = by_category
        .into_iter()
        .filter_map(|(k, v)| band(v.into_iter()).map(|b| (k, b)))
        .collect();
    let of_label = |i: usize| scored.iter().filter(move |s| s.label == i).map(|s| s.score);
    Report {
        set: set.to_owned(),
        overall: correlation(&all),
        by_type,
        no_rubric: (!no_rubric.is_empty()).then(|| correlation(&no_rubric)),
        by_label,
        by_category,
        highest_poor: of_label(0).reduce(f64::max),
        lowest_excellent: of_label(3).reduce(f64::min),
        good_mean: band(of_label(2)).map(|b| b.mean),
    }
}

fn print_report(r: &Report) {
    let c = &r.overall;
    println!(
        "== {} (N = {}): Spearman {:.3}, Kendall tau {:.3}; length baseline Spearman {:.3} (margin {:+.3})",
        r.set,
        c.n,
        c.spearman,
        c.kendall,
        c.length_spearman,
        c.spearman - c.length_spearman
    );
    for (kind, c) in &r.by_type {
        println!(
            "  {kind:<14} N={:<3} Spearman {:.3}  Kendall {:.3}  length {:.3}",
            c.n, c.spearman, c.kendall, c.length_spearman
        );
    }
    if let Some(c) = &r.no_rubric {
        println!(
            "  {:<14} N={:<3} Spearman {:.3}  Kendall {:.3}  length {:.3}",
            "no rubric", c.n, c.spearman, c.kendall, c.length_spearman
        );
    }
    for (label, b) in &r.by_label {
        println!(
            "  label {:<12} n={:<3} mean {:5.2}  min {:5.2}  max {:5.2}",
            &label[2..],
            b.n,
            b.mean,
            b.min,
            b.max
        );
    }
    for (category, b) in &r.by_category {
        println!(
            "  category {:<18} n={:<3} mean {:5.2}  min {:5.2}  max {:5.2}",
            category, b.n, b.mean, b.min, b.max
        );
    }
    println!(
        "  highest poor {}  lowest excellent {}  mean good {}",
        r.highest_poor.map_or("-".into(), |v| format!("{v:.2}")),
        r.lowest_excellent.map_or("-".into(), |v| format!("{v:.2}")),
        r.good_mean.map_or("-".into(), |v| format!("{v:.2}")),
    );
}

/// Centre of the score band a label should fall in.
fn band_centre(label: usize) -> f64 {
    [1.5, 4.0, 6.5, 8.5][label]
}

fn print_outliers(scored: &[Scored], verbose: bool) {
    let mut order: Vec<&Scored> = scored.iter().collect();
    order.sort_by(|a, b| {
        let gap = |s: &Scored| (s.score - band_centre(s.label)).abs();
        gap(b).total_cmp(&gap(a))
    });
    let shown = if verbose { order.len() } else { 12 };
    println!("  worst outliers (score vs label band centre):");
    for s in order.into_iter().take(shown) {
        println!(
            "    {:<18} {:<9} {:<18} {:>4}w score {:5.2}  {}",
            s.id, LABELS[s.label], s.category, s.words, s.score, s.detail
        );
        if verbose {
            println!("      why: {}", s.why);
        }
    }
}

fn load(path: &Path) -> Result<Vec<Entry>, String> {
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_owned()]
    };
    let mut entries = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let mut more: Vec<Entry> =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        entries.append(&mut more);
    }
    Ok(entries)
}

/// The built-in engine's CPU per answer over `entries`, single-threaded (µs).
fn cpu_per_answer(entries: &[(Entry, Rubric)]) -> f64 {
    const ROUNDS: usize = 20;
    let started = Instant::now();
    for _ in 0..ROUNDS {
        for (entry, rubric) in entries {
            let question = Question {
                interview_type: InterviewType::parse(&entry.interview_type)
                    .unwrap_or(InterviewType::Technical),
                difficulty: Difficulty::parse(&entry.difficulty).unwrap_or(Difficulty::Medium),
                text: &entry.question,
                hints: &entry.hints,
                rubric,
            };
            std::hint::black_box(scoring::assess(&question, &entry.answer));
        }
    }
    started.elapsed().as_secs_f64() * 1e6 / (ROUNDS * entries.len().max(1)) as f64
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let verbose =
        args.iter().any(|a| a == "--verbose") || std::env::var_os("GOLDEN_VERBOSE").is_some();
    let dir = args
        .iter()
        .position(|a| a == "--golden-dir")
        .and_then(|i| args.get(i + 1))
        .map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden"),
            PathBuf::from,
        );
    let explain = args
        .iter()
        .position(|a| a == "--explain")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let bank = match Bank::builtin() {
        Ok(bank) => bank,
        Err(err) => {
            eprintln!("golden-bench: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut reports = Vec::new();
    let mut scored_sets = Vec::new();
    let mut timed = Vec::new();
    for set in ["tuning", "held-out", "original"] {
        let path = if set == "original" {
            dir.join("original.json")
        } else {
            dir.join(set)
        };
        let entries = match load(&path) {
            Ok(entries) => entries,
            Err(err) => {
                eprintln!("golden-bench: {err}");
                return ExitCode::FAILURE;
            }
        };
        let mut scored = Vec::new();
        for entry in entries {
            match score(&entry, &bank) {
                Ok((s, rubric)) => {
                    scored.push(s);
                    timed.push((entry, rubric));
                }
                Err(err) => {
                    eprintln!("golden-bench: {err}");
                    return ExitCode::FAILURE;
                }
            }
        }
        reports.push(report(set, &scored));
        scored_sets.push((set, scored));
    }
    if let Some(id) = explain {
        for (set, scored) in &scored_sets {
            if let Some(s) = scored.iter().find(|s| s.id == id) {
                if *set == "held-out" {
                    eprintln!("golden-bench: {id} is held out: it is measured, never read");
                    return ExitCode::FAILURE;
                }
                let a = &s.assessment;
                println!(
                    "{id} ({set}, {}, {}): {:.2}",
                    LABELS[s.label], s.category, s.score
                );
                println!("feedback: {}", a.verdict.feedback);
                println!("strengths:");
                a.verdict.strengths.iter().for_each(|x| println!("  - {x}"));
                println!("improvements:");
                a.verdict
                    .improvements
                    .iter()
                    .for_each(|x| println!("  - {x}"));
                println!(
                    "red flags: {:?}; confidence {:?}",
                    a.red_flags, a.confidence
                );
                return ExitCode::SUCCESS;
            }
        }
        eprintln!("golden-bench: no entry {id}");
        return ExitCode::FAILURE;
    }
    let no_rubric: Vec<&Scored> = scored_sets
        .iter()
        .filter(|(set, _)| *set != "original")
        .flat_map(|(_, s)| s.iter())
        .filter(|s| s.no_rubric)
        .collect();
    let no_rubric = correlation(&no_rubric);
    let cpu = cpu_per_answer(&timed);

    let held_out = &reports[1];
    let original = &reports[2];
    let mut missed = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            missed.push(what);
        }
    };
    let t = &TARGETS;
    check(
        held_out.overall.spearman >= t.held_out_spearman,
        format!(
            "held-out Spearman {:.3} < {}",
            held_out.overall.spearman, t.held_out_spearman
        ),
    );
    check(
        held_out.overall.spearman - held_out.overall.length_spearman >= t.above_baseline,
        format!(
            "held-out margin over the length baseline < {}",
            t.above_baseline
        ),
    );
    check(
        held_out.highest_poor.is_none_or(|p| p <= t.max_poor),
        format!("a held-out poor answer above {}", t.max_poor),
    );
    check(
        held_out
            .lowest_excellent
            .is_none_or(|e| e >= t.min_excellent),
        format!("a held-out excellent answer below {}", t.min_excellent),
    );
    check(
        held_out.good_mean.is_none_or(|g| g >= t.min_good_mean),
        format!("held-out good answers' mean below {}", t.min_good_mean),
    );
    check(
        no_rubric.spearman >= t.no_rubric_spearman,
        format!(
            "no-rubric Spearman {:.3} < {}",
            no_rubric.spearman, t.no_rubric_spearman
        ),
    );
    check(
        original.overall.spearman >= t.original_spearman
            && original
                .highest_poor
                .is_none_or(|p| p <= t.original_max_poor),
        "the original set's targets".to_owned(),
    );

    if json {
        let out = serde_json::json!({
            "reports": reports,
            "no_rubric_tuning_and_held_out": no_rubric,
            "cpu_us_per_answer": cpu,
            "targets_missed": missed,
        });
        println!("{out:#}");
    } else {
        for (r, (set, scored)) in reports.iter().zip(&scored_sets) {
            print_report(r);
            if *set != "held-out" {
                print_outliers(scored, verbose);
            }
        }
        println!(
            "no rubric (tuning + held-out): N={} Spearman {:.3} Kendall {:.3} length {:.3}",
            no_rubric.n, no_rubric.spearman, no_rubric.kendall, no_rubric.length_spearman
        );
        println!("built-in engine CPU per answer: {cpu:.0} µs (one thread)");
        if missed.is_empty() {
            println!("targets met");
        } else {
            println!("targets missed: {}", missed.join("; "));
        }
    }
    if missed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
