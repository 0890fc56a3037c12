//! GetProgress: the seed's "average score by question type" computed with the evaluation
//! service's per-session score sums over gRPC joined in memory with our own sessions
//! (types): one small row per answered session, however many answers there are.

use std::collections::BTreeMap;

use interview_coach_common::{domain::InterviewType, time::timestamp};
use interview_coach_proto::session::v1 as pb;
use rust_decimal::{
    Decimal,
    prelude::{FromPrimitive, ToPrimitive},
};
use uuid::Uuid;

use crate::{
    app::interview::round2,
    clients::evaluation::EvaluationClient,
    domain::SessionStatus,
    error::Result,
    repo::{self, ProgressRow},
};

/// How many recent completed sessions the trend shows.
const RECENT: usize = 10;

/// The user's progress.
pub async fn progress(
    pool: &sqlx::PgPool,
    evaluation: &EvaluationClient,
    user_id: Uuid,
) -> Result<pb::GetProgressResponse> {
    let sessions = repo::progress_rows(pool, user_id).await?;
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
        .filter_map(|s| InterviewType::parse(&s.interview_type).map(|t| (s.id, t)))
        .collect();

    let mut per_type: BTreeMap<InterviewType, (Decimal, i32)> = BTreeMap::new();
    for summary in &summaries {
        let Some(kind) = Uuid::parse_str(&summary.session_id)
            .ok()
            .and_then(|id| type_of.get(&id))
        else {
            continue;
        };
        let entry = per_type.entry(*kind).or_default();
        // Scores have two decimals, so their sum has too.
        entry.0 += Decimal::from_f64(summary.score_sum)
            .unwrap_or_default()
            .round_dp(2);
        entry.1 += summary.evaluation_count;
    }
    let by_type: Vec<pb::TypeProgress> = per_type
        .iter()
        .map(|(kind, (sum, count))| pb::TypeProgress {
            interview_type: kind.to_proto() as i32,
            average_score: round2(sum / Decimal::from(*count))
                .to_f64()
                .unwrap_or_default(),
            answer_count: *count,
        })
        .collect();
    let weakest_type = by_type
        .iter()
        .min_by(|a, b| a.average_score.total_cmp(&b.average_score))
        .map_or(0, |t| t.interview_type);

    Ok(pb::GetProgressResponse {
        sessions_completed: sessions
            .iter()
            .filter(|s| s.status == SessionStatus::Completed.as_str())
            .count() as i32,
        mean_overall_score: mean_overall(&sessions),
        recent_scores: recent_scores(&sessions),
        by_type,
        weakest_type,
    })
}

fn scored(sessions: &[ProgressRow]) -> impl Iterator<Item = (&ProgressRow, Decimal)> {
    sessions
        .iter()
        .filter(|s| s.status == SessionStatus::Completed.as_str())
        .filter_map(|s| s.overall_score.map(|score| (s, score)))
}

fn mean_overall(sessions: &[ProgressRow]) -> Option<f64> {
    let scores: Vec<Decimal> = scored(sessions).map(|(_, score)| score).collect();
    if scores.is_empty() {
        return None;
    }
    let mean = scores.iter().sum::<Decimal>() / Decimal::from(scores.len());
    round2(mean).to_f64()
}

fn recent_scores(sessions: &[ProgressRow]) -> Vec<pb::SessionScore> {
    let mut done: Vec<_> = scored(sessions).collect();
    done.sort_by_key(|(s, _)| (s.completed_at, s.id));
    done.into_iter()
        .rev()
        .take(RECENT)
        .rev()
        .map(|(s, score)| pb::SessionScore {
            session_id: s.id.to_string(),
            interview_type: InterviewType::parse(&s.interview_type)
                .map_or(0, |t| t.to_proto() as i32),
            overall_score: score.to_f64().unwrap_or_default(),
            complete_time: s.completed_at.map(timestamp),
        })
        .collect()
}
