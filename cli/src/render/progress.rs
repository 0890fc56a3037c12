//! The progress report of `coach progress`.

use interview_coach_common::domain::InterviewType;
use interview_coach_proto::session::v1::GetProgressResponse;

use super::{interview_type, score};

/// Bars from lowest to highest, for scores 0 to 10.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Sessions completed, mean score, averages per type, the recent trend and what to
/// practise next.
pub fn progress(progress: &GetProgressResponse) -> String {
    if progress.sessions_completed == 0 && progress.by_type.is_empty() {
        return "No completed sessions yet: start one with `coach practice`.".to_owned();
    }
    let mut lines = vec![format!(
        "Sessions completed: {}",
        progress.sessions_completed
    )];
    if let Some(mean) = progress.mean_overall_score {
        lines.push(format!("Mean overall score: {}", score(mean)));
    }
    if !progress.by_type.is_empty() {
        lines.push(String::new());
        lines.push(format!(
            "{:<13}  {:>7}  {:>7}",
            "Type", "Average", "Answers"
        ));
        lines.extend(progress.by_type.iter().map(|row| {
            format!(
                "{:<13}  {:>7}  {:>7}",
                interview_type(row.interview_type),
                format!("{:.1}", row.average_score),
                row.answer_count,
            )
        }));
    }
    let recent: Vec<f64> = progress
        .recent_scores
        .iter()
        .map(|s| s.overall_score)
        .collect();
    if let (Some(first), Some(last)) = (recent.first(), recent.last()) {
        lines.push(String::new());
        lines.push(format!(
            "Last {} scores, oldest first: {}  ({first:.1} → {last:.1})",
            recent.len(),
            sparkline(&recent),
        ));
    }
    if let Some(weakest) = InterviewType::from_proto(progress.weakest_type) {
        lines.push(format!("Weakest: {weakest}. {}", suggestion(weakest)));
        lines.push(format!("Practise it: coach practice --type {weakest}"));
    }
    lines.join("\n")
}

/// One bar per score, 0 to 10.
pub fn sparkline(scores: &[f64]) -> String {
    let top = (BARS.len() - 1) as f64;
    scores
        .iter()
        .map(|score| {
            let level = (score.clamp(0.0, 10.0) / 10.0 * top).round() as usize;
            BARS[level.min(BARS.len() - 1)]
        })
        .collect()
}

/// What to work on for a type.
fn suggestion(weakest: InterviewType) -> &'static str {
    match weakest {
        InterviewType::Technical => {
            "Solve problems out loud: state the approach, its time and space complexity, \
             and the edge cases."
        }
        InterviewType::Behavioral => {
            "Prepare a few STAR stories (situation, task, action, result) with measurable \
             results."
        }
        InterviewType::SystemDesign => {
            "Walk through requirements, estimates, components, data and scaling, and name \
             the trade-offs."
        }
    }
}

#[cfg(test)]
mod tests {
    use interview_coach_proto::session::v1::{SessionScore, TypeProgress};

    use super::*;

    #[test]
    fn the_sparkline_spans_zero_to_ten() {
        assert_eq!(sparkline(&[0.0, 5.0, 10.0, 12.0, -1.0]), "▁▅██▁");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn the_report_has_a_table_a_trend_and_a_suggestion() {
        let report = progress(&GetProgressResponse {
            by_type: vec![
                TypeProgress {
                    interview_type: 1,
                    average_score: 7.25,
                    answer_count: 6,
                },
                TypeProgress {
                    interview_type: 2,
                    average_score: 4.5,
                    answer_count: 3,
                },
            ],
            sessions_completed: 3,
            mean_overall_score: Some(6.5),
            recent_scores: [5.0, 6.0, 8.5]
                .map(|overall_score| SessionScore {
                    overall_score,
                    ..SessionScore::default()
                })
                .to_vec(),
            weakest_type: 2,
        });
        assert_eq!(
            report,
            "Sessions completed: 3\n\
             Mean overall score: 6.5/10\n\
             \n\
             Type           Average  Answers\n\
             technical          7.2        6\n\
             behavioral         4.5        3\n\
             \n\
             Last 3 scores, oldest first: ▅▅▇  (5.0 → 8.5)\n\
             Weakest: behavioral. Prepare a few STAR stories (situation, task, action, \
             result) with measurable results.\n\
             Practise it: coach practice --type behavioral"
        );
    }

    #[test]
    fn no_sessions_points_to_practice() {
        assert_eq!(
            progress(&GetProgressResponse::default()),
            "No completed sessions yet: start one with `coach practice`."
        );
    }
}
