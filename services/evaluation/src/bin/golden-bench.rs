//! Golden-set benchmark of the built-in evaluator: scores every labelled answer of
//! `golden/original.json` (or the file given as the first argument) without gRPC or a
//! database, and prints N, the Spearman rank correlation between scores and labels
//! (poor=0 … excellent=3, average ranks for ties), the highest score of a poor answer, the
//! mean score per label and the worst outliers. Exits non-zero when a target is missed:
//! Spearman ≥ 0.75 and no poor answer above 3.

use std::{path::PathBuf, process::ExitCode};

use evaluation_service::{
    rubric::{KeyPoint, Rubric, RubricOrigin},
    scoring::{self, Question},
};
use interview_coach_common::domain::{Difficulty, InterviewType};
use serde::Deserialize;

const LABELS: [&str; 4] = ["poor", "fair", "good", "excellent"];
const MIN_SPEARMAN: f64 = 0.75;
const MAX_POOR: f64 = 3.0;

#[derive(Deserialize)]
struct Entry {
    id: String,
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
    why: String,
}

#[derive(Deserialize)]
struct RawKeyPoint {
    point: String,
    terms: Vec<String>,
}

struct Scored {
    id: String,
    label: usize,
    score: f64,
    gate: Option<&'static str>,
    why: String,
    breakdown: Option<scoring::Breakdown>,
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

/// Pearson correlation of the average ranks (Spearman's rho with ties).
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (average_ranks(x), average_ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    if vx == 0.0 || vy == 0.0 {
        return 0.0;
    }
    cov / (vx * vy).sqrt()
}

fn score(entry: &Entry) -> Result<Scored, String> {
    let kind = InterviewType::parse(&entry.interview_type)
        .ok_or_else(|| format!("{}: unknown type {:?}", entry.id, entry.interview_type))?;
    let difficulty = Difficulty::parse(&entry.difficulty)
        .ok_or_else(|| format!("{}: unknown difficulty {:?}", entry.id, entry.difficulty))?;
    let label = LABELS
        .iter()
        .position(|l| *l == entry.label)
        .ok_or_else(|| format!("{}: unknown label {:?}", entry.id, entry.label))?;
    let points = entry
        .key_points
        .iter()
        .map(|k| KeyPoint::new(&k.point, &k.terms).map_err(|e| format!("{}: {e}", entry.id)))
        .collect::<Result<Vec<_>, _>>()?;
    let rubric = if points.is_empty() {
        Rubric::derived(&entry.question, &entry.hints)
    } else {
        Rubric {
            points,
            origin: RubricOrigin::Request,
        }
    };
    let assessment = scoring::assess(
        &Question {
            interview_type: kind,
            difficulty,
            text: &entry.question,
            hints: &entry.hints,
            rubric: &rubric,
        },
        &entry.answer,
    );
    Ok(Scored {
        id: entry.id.clone(),
        label,
        score: assessment.score.as_f64(),
        gate: assessment.gate.map(|g| g.as_str()),
        why: entry.why.clone(),
        breakdown: assessment.breakdown,
    })
}

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden/original.json"));
    let entries: Vec<Entry> = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|s| serde_json::from_str(&s).map_err(|e| e.to_string()))
    {
        Ok(entries) => entries,
        Err(err) => {
            eprintln!("golden-bench: cannot read {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let scored = match entries.iter().map(score).collect::<Result<Vec<_>, _>>() {
        Ok(scored) => scored,
        Err(err) => {
            eprintln!("golden-bench: {err}");
            return ExitCode::FAILURE;
        }
    };
    let scores: Vec<f64> = scored.iter().map(|s| s.score).collect();
    let labels: Vec<f64> = scored.iter().map(|s| s.label as f64).collect();
    let rho = spearman(&scores, &labels);
    let max_poor = scored
        .iter()
        .filter(|s| s.label == 0)
        .map(|s| s.score)
        .fold(f64::NAN, f64::max);

    println!("golden set: {}", path.display());
    println!("N = {}", scored.len());
    println!("Spearman rho = {rho:.3} (target >= {MIN_SPEARMAN})");
    println!("max score of a poor answer = {max_poor:.2} (target <= {MAX_POOR})");
    for (i, label) in LABELS.iter().enumerate() {
        let of: Vec<f64> = scored
            .iter()
            .filter(|s| s.label == i)
            .map(|s| s.score)
            .collect();
        if of.is_empty() {
            continue;
        }
        let mean = of.iter().sum::<f64>() / of.len() as f64;
        let (min, max) = of
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
        println!(
            "  {label:<9} n={:<3} mean={mean:5.2} min={min:5.2} max={max:5.2}",
            of.len()
        );
    }
    // Outliers: furthest from the middle of their label's band.
    let centre = [1.5, 4.5, 6.75, 8.5];
    let mut outliers: Vec<&Scored> = scored.iter().collect();
    outliers.sort_by(|a, b| {
        let d = |s: &Scored| (s.score - centre[s.label]).abs();
        d(b).total_cmp(&d(a))
    });
    println!("worst outliers (score vs label band centre):");
    for s in outliers.iter().take(10) {
        println!(
            "  {:<28} {:<9} score={:5.2}{}  why: {}",
            s.id,
            LABELS[s.label],
            s.score,
            s.gate.map(|g| format!(" gate={g}")).unwrap_or_default(),
            s.why.chars().take(90).collect::<String>()
        );
    }
    // GOLDEN_VERBOSE=1 prints every entry's parts, for tuning.
    if std::env::var_os("GOLDEN_VERBOSE").is_some() {
        for s in &scored {
            let parts = s.breakdown.as_ref().map_or_else(
                || format!("gate={}", s.gate.unwrap_or("?")),
                |b| {
                    format!(
                        "cov={:.2} str={:.2} spec={:.2} clar={:.2} words={}/{} cap={:.1}",
                        b.coverage,
                        b.structure,
                        b.specificity,
                        b.clarity,
                        b.words,
                        b.target_words,
                        b.cap
                    )
                },
            );
            println!(
                "  {:<6} {:<9} {:5.2}  {parts}",
                s.id, LABELS[s.label], s.score
            );
        }
    }
    if rho >= MIN_SPEARMAN && max_poor <= MAX_POOR {
        println!("targets met");
        ExitCode::SUCCESS
    } else {
        println!("targets missed");
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties_and_spearman_is_one_for_same_order() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 20.0, 5.0]),
            [2.0, 3.5, 3.5, 1.0]
        );
        assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
    }
}
