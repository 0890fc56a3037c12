//! GetProgress: the "average score by question type" computed with the evaluation
//! service's per-session score sums over gRPC joined in memory with our own sessions
//! (types): one small row per answered session, however many answers there are.

use std::collections::BTreeMap;

use interview_coach_common::domain::InterviewType;
use rust_decimal::{
    Decimal,
    prelude::{FromPrimitive, ToPrimitive},
};
use uuid::Uuid;

use crate::{
    app::interview::round2,
    clients::evaluation::EvaluationClient,
    domain::{
        SessionStatus,
        progress::{Progress, ProgressSession, SessionScore, TypeProgress},
    },
    error::Result,
    repo::sessions,
};

/// How many recent completed sessions the trend shows.
const RECENT: usize = 10;

/// What GetProgress shows `user_id`: completed sessions and their scores, and the average
/// score per interview type from the evaluation service's sums.
pub async fn progress(
    pool: &sqlx::PgPool,
    evaluation: &EvaluationClient,
    user_id: Uuid,
) -> Result<Progress> {
    let sessions = sessions::for_progress(pool, user_id).await?;
    let answered: Vec<Uuid> = sessions
        .iter()
        .filter(|s| s.has_answers)
        .map(|s| s.id)
        .collect();
    let summaries = if answered.is_empty() {
        Vec::new()
    } else {
        evaluation.summarize(&answered).await?
    };
    let type_of: BTreeMap<Uuid, InterviewType> = sessions
        .iter()
        .filter_map(|s| s.interview_type.map(|t| (s.id, t)))
        .collect();

    let mut per_type: BTreeMap<InterviewType, (Decimal, i32)> = BTreeMap::new();
    for summary in &summaries {
        let Some(kind) = type_of.get(&summary.session_id) else {
            continue;
        };
        let entry = per_type.entry(*kind).or_default();
        // Scores have two decimals, so their sum has too.
        entry.0 += Decimal::from_f64(summary.score_sum)
            .unwrap_or_default()
            .round_dp(2);
        entry.1 += summary.count;
    }
    let by_type: Vec<TypeProgress> = per_type
        .iter()
        .map(|(kind, (sum, count))| TypeProgress {
            interview_type: *kind,
            average_score: round2(sum / Decimal::from(*count))
                .to_f64()
                .unwrap_or_default(),
            answer_count: *count,
        })
        .collect();
    let weakest_type = by_type
        .iter()
        .min_by(|a, b| a.average_score.total_cmp(&b.average_score))
        .map(|t| t.interview_type);

    Ok(Progress {
        sessions_completed: sessions
            .iter()
            .filter(|s| s.status == SessionStatus::Completed)
            .count() as i32,
        mean_overall_score: mean_overall(&sessions),
        recent_scores: recent_scores(&sessions),
        by_type,
        weakest_type,
    })
}

fn scored(sessions: &[ProgressSession]) -> impl Iterator<Item = (&ProgressSession, Decimal)> {
    sessions
        .iter()
        .filter(|s| s.status == SessionStatus::Completed)
        .filter_map(|s| s.overall_score.map(|score| (s, score)))
}

fn mean_overall(sessions: &[ProgressSession]) -> Option<f64> {
    let scores: Vec<Decimal> = scored(sessions).map(|(_, score)| score).collect();
    if scores.is_empty() {
        return None;
    }
    let mean = scores.iter().sum::<Decimal>() / Decimal::from(scores.len());
    round2(mean).to_f64()
}

fn recent_scores(sessions: &[ProgressSession]) -> Vec<SessionScore> {
    let mut done: Vec<_> = scored(sessions).collect();
    done.sort_by_key(|(s, _)| (s.completed_at, s.id));
    done.into_iter()
        .rev()
        .take(RECENT)
        .rev()
        .map(|(s, score)| SessionScore {
            session_id: s.id,
            interview_type: s.interview_type,
            overall_score: score.to_f64().unwrap_or_default(),
            completed_at: s.completed_at,
        })
        .collect()
}
