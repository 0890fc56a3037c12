//! The only place the evaluation contract's messages meet domain values: every request
//! becomes a command of checked domain values, or INVALID_ARGUMENT with one field violation
//! per bad field (nothing below trusts raw input); results become messages.

use interview_coach_common::{
    domain::{AnswerText, Difficulty, InterviewType},
    paging::Cursor,
    status::FieldViolations,
    text::is_blank,
    time::timestamp,
};
use interview_coach_proto::{common::v1 as common_pb, evaluation::v1 as pb};
use rust_decimal::prelude::ToPrimitive;
use uuid::Uuid;

use crate::{
    app::questions::Generated,
    domain::{
        commands::{
            COUNT_RANGE, EVALUATION_PAGES, EvaluateAnswer, GenerateQuestions, ListEvaluations,
            MAX_EXCLUSIONS, MAX_HINT_CHARS, MAX_HINTS, MAX_KEY_BYTES, MAX_KEY_POINTS, MAX_SESSIONS,
            QuestionText,
        },
        provenance::Provenance,
        rubric::{
            Confidence, KeyPoint, KeyPointSource, MAX_RED_FLAGS, MAX_REFERENCE_CHARS, RedFlag,
            RedFlagSource, RubricDigest, SentRubric, Severity, Topic,
        },
    },
    repo::evaluations::{Evaluation, SessionSummary},
};

fn interview_type(violations: &mut FieldViolations, value: i32) -> Option<InterviewType> {
    violations.check(
        "interview_type",
        InterviewType::from_proto(value).ok_or("must be TECHNICAL, BEHAVIORAL or SYSTEM_DESIGN"),
    )
}

fn difficulty(violations: &mut FieldViolations, value: i32) -> Option<Difficulty> {
    violations.check(
        "difficulty",
        Difficulty::from_proto(value).ok_or("must be EASY, MEDIUM or HARD"),
    )
}

impl TryFrom<pb::GenerateQuestionsRequest> for GenerateQuestions {
    type Error = FieldViolations;

    fn try_from(request: pb::GenerateQuestionsRequest) -> Result<Self, FieldViolations> {
        let mut v = FieldViolations::new();
        let interview_type = interview_type(&mut v, request.interview_type);
        let difficulty = difficulty(&mut v, request.difficulty);
        let count = v.check(
            "count",
            COUNT_RANGE
                .contains(&request.count)
                .then_some(request.count as usize)
                .ok_or("must be from 1 to 10"),
        );
        if request.exclude_keys.len() > MAX_EXCLUSIONS {
            v.add("exclude_keys", format!("at most {MAX_EXCLUSIONS} keys"));
        }
        for (i, key) in request.exclude_keys.iter().enumerate() {
            if key.len() > MAX_KEY_BYTES {
                v.add(
                    format!("exclude_keys[{i}]"),
                    format!("must be at most {MAX_KEY_BYTES} bytes"),
                );
            }
        }
        match (interview_type, difficulty, count) {
            (Some(interview_type), Some(difficulty), Some(count)) if v.is_empty() => Ok(Self {
                interview_type,
                difficulty,
                count,
                exclude_keys: request.exclude_keys,
            }),
            _ => Err(v),
        }
    }
}

fn key_points(v: &mut FieldViolations, points: &[common_pb::KeyPoint]) -> Vec<KeyPoint> {
    if points.len() > MAX_KEY_POINTS {
        v.add("key_points", format!("at most {MAX_KEY_POINTS} key points"));
        return Vec::new();
    }
    points
        .iter()
        .enumerate()
        .filter_map(|(i, k)| {
            let field = format!("key_points[{i}]");
            if [&k.point, &k.idea, &k.follow_up]
                .into_iter()
                .chain(&k.terms)
                .any(|t| t.contains('\0'))
            {
                v.add(field, "must not contain NUL characters");
                return None;
            }
            v.check(
                &field,
                KeyPoint::from_source(KeyPointSource {
                    point: k.point.clone(),
                    terms: k.terms.clone(),
                    idea: k.idea.clone(),
                    weight: u32::try_from(k.weight).unwrap_or(u32::MAX),
                    follow_up: k.follow_up.clone(),
                }),
            )
        })
        .collect()
}

fn red_flags(v: &mut FieldViolations, flags: &[common_pb::RedFlag]) -> Vec<RedFlag> {
    if flags.len() > MAX_RED_FLAGS {
        v.add("red_flags", format!("at most {MAX_RED_FLAGS} red flags"));
        return Vec::new();
    }
    flags
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let field = format!("red_flags[{i}]");
            if [&f.claim, &f.correction]
                .into_iter()
                .chain(&f.patterns)
                .any(|t| t.contains('\0'))
            {
                v.add(field, "must not contain NUL characters");
                return None;
            }
            let severity = match common_pb::RedFlagSeverity::try_from(f.severity) {
                Ok(common_pb::RedFlagSeverity::Major) => Severity::Major,
                Ok(common_pb::RedFlagSeverity::Minor) => Severity::Minor,
                _ => {
                    v.add(format!("{field}.severity"), "must be MINOR or MAJOR");
                    return None;
                }
            };
            v.check(
                &field,
                RedFlag::from_source(RedFlagSource {
                    claim: f.claim.clone(),
                    correction: f.correction.clone(),
                    patterns: f.patterns.clone(),
                    severity,
                }),
            )
        })
        .collect()
}

fn rubric(v: &mut FieldViolations, request: &pb::EvaluateAnswerRequest) -> SentRubric {
    let reference = request.reference_answer.trim();
    if reference.chars().count() > MAX_REFERENCE_CHARS || reference.contains('\0') {
        v.add(
            "reference_answer",
            format!("must be at most {MAX_REFERENCE_CHARS} characters, without NUL"),
        );
    }
    let topic = request.topic.as_ref().and_then(|t| {
        if t.about.contains('\0') || t.terms.iter().any(|x| x.contains('\0')) {
            v.add("topic", "must not contain NUL characters");
            return None;
        }
        v.check("topic", Topic::new(&t.about, &t.terms))
    });
    SentRubric {
        points: key_points(v, &request.key_points),
        reference_answer: (!reference.is_empty()).then(|| reference.to_owned()),
        red_flags: red_flags(v, &request.red_flags),
        topic,
    }
}

impl TryFrom<pb::EvaluateAnswerRequest> for EvaluateAnswer {
    type Error = FieldViolations;

    fn try_from(request: pb::EvaluateAnswerRequest) -> Result<Self, FieldViolations> {
        let mut v = FieldViolations::new();
        let session_id = v.uuid("session_id", &request.session_id);
        let question_id = v.uuid("question_id", &request.question_id);
        let answer_id = v.uuid("answer_id", &request.answer_id);
        let question_text = v.check(
            "question_text",
            QuestionText::new(request.question_text.clone()),
        );
        let interview_type = interview_type(&mut v, request.interview_type);
        let difficulty = difficulty(&mut v, request.difficulty);
        let answer_text = v.check("answer_text", AnswerText::new(request.answer_text.clone()));
        let question_key = request.question_key.trim();
        if question_key.len() > MAX_KEY_BYTES {
            v.add(
                "question_key",
                format!("must be at most {MAX_KEY_BYTES} bytes"),
            );
        }
        if request.hints.len() > MAX_HINTS {
            v.add("hints", format!("at most {MAX_HINTS} hints"));
        } else {
            for (i, hint) in request.hints.iter().enumerate() {
                if is_blank(hint) || hint.chars().count() > MAX_HINT_CHARS || hint.contains('\0') {
                    v.add(
                        format!("hints[{i}]"),
                        format!("must be 1 to {MAX_HINT_CHARS} characters, without NUL"),
                    );
                }
            }
        }
        let rubric = rubric(&mut v, &request);
        let rubric_digest = match request.rubric_digest.trim() {
            "" => None,
            digest => {
                let parsed = RubricDigest::parse(digest);
                if parsed.is_none() {
                    v.add(
                        "rubric_digest",
                        "must be a GeneratedQuestion.rubric_digest (r1- and 32 hex digits)",
                    );
                }
                parsed
            }
        };
        match (
            session_id,
            question_id,
            answer_id,
            question_text,
            interview_type,
            difficulty,
            answer_text,
        ) {
            (
                Some(session_id),
                Some(question_id),
                Some(answer_id),
                Some(question_text),
                Some(interview_type),
                Some(difficulty),
                Some(answer_text),
            ) if v.is_empty() => Ok(Self {
                session_id,
                question_id,
                answer_id,
                question_text,
                interview_type,
                difficulty,
                answer_text,
                question_key: (!question_key.is_empty()).then(|| question_key.to_owned()),
                hints: request.hints,
                rubric,
                rubric_digest,
            }),
            _ => Err(v),
        }
    }
}

/// A checked answer id (GetEvaluation).
pub fn answer_id(request: &pb::GetEvaluationRequest) -> Result<Uuid, FieldViolations> {
    let mut v = FieldViolations::new();
    match v.uuid("answer_id", &request.answer_id) {
        Some(id) => Ok(id),
        None => Err(v),
    }
}

/// 1 to [`MAX_SESSIONS`] session ids, distinct and sorted.
fn session_ids(v: &mut FieldViolations, ids: &[String]) -> Vec<Uuid> {
    if ids.is_empty() || ids.len() > MAX_SESSIONS {
        v.add(
            "session_ids",
            format!("must hold 1 to {MAX_SESSIONS} session ids"),
        );
    }
    let mut session_ids: Vec<Uuid> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| v.uuid(&format!("session_ids[{i}]"), id))
        .collect();
    session_ids.sort_unstable();
    session_ids.dedup();
    session_ids
}

/// The sessions of a checked SummarizeEvaluations request.
pub fn summarized_sessions(
    request: &pb::SummarizeEvaluationsRequest,
) -> Result<Vec<Uuid>, FieldViolations> {
    let mut v = FieldViolations::new();
    let ids = session_ids(&mut v, &request.session_ids);
    if v.is_empty() { Ok(ids) } else { Err(v) }
}

impl TryFrom<pb::ListEvaluationsRequest> for ListEvaluations {
    type Error = FieldViolations;

    fn try_from(request: pb::ListEvaluationsRequest) -> Result<Self, FieldViolations> {
        let mut v = FieldViolations::new();
        let session_ids = session_ids(&mut v, &request.session_ids);
        let page_size = v.check("page_size", EVALUATION_PAGES.parse(request.page_size));
        let basic = v.check(
            "view",
            match pb::EvaluationView::try_from(request.view) {
                Ok(pb::EvaluationView::Basic) => Ok(true),
                Ok(pb::EvaluationView::Unspecified | pb::EvaluationView::Full) => Ok(false),
                Err(_) => Err("must be EVALUATION_VIEW_BASIC or EVALUATION_VIEW_FULL"),
            },
        );
        let after = v.check(
            "page_token",
            Cursor::decode_optional(&request.page_token, ""),
        );
        match (page_size, after, basic) {
            (Some(page_size), Some(after), Some(basic)) if v.is_empty() => Ok(Self {
                session_ids,
                page_size,
                after,
                basic,
            }),
            _ => Err(v),
        }
    }
}

fn key_point_to_proto(k: &KeyPoint) -> common_pb::KeyPoint {
    let source = k.source();
    common_pb::KeyPoint {
        point: source.point.clone(),
        terms: source.terms.clone(),
        idea: source.idea.clone(),
        weight: i32::try_from(source.weight).unwrap_or(1),
        follow_up: source.follow_up.clone(),
    }
}

fn red_flag_to_proto(f: &RedFlag) -> common_pb::RedFlag {
    let source = f.source();
    common_pb::RedFlag {
        claim: source.claim.clone(),
        correction: source.correction.clone(),
        patterns: source.patterns.clone(),
        severity: match source.severity {
            Severity::Major => common_pb::RedFlagSeverity::Major,
            Severity::Minor => common_pb::RedFlagSeverity::Minor,
        } as i32,
    }
}

fn provenance_to_proto(p: &Provenance) -> common_pb::Provenance {
    common_pb::Provenance {
        source: p.source.clone(),
        is_fallback: p.is_fallback,
        fallback_reason: p.fallback_reason.clone().unwrap_or_default(),
        rubric_version: p.rubric_version.clone(),
        rubric_origin: match p.rubric_origin.as_deref() {
            Some("bank") => common_pb::RubricOrigin::Bank,
            Some("question") => common_pb::RubricOrigin::Question,
            Some("key_points") => common_pb::RubricOrigin::KeyPoints,
            Some("derived") => common_pb::RubricOrigin::Derived,
            _ => common_pb::RubricOrigin::Unspecified,
        } as i32,
        disagreement: p.disagreement,
    }
}

/// A generated question with its whole rubric and the rubric's digest.
pub fn question_to_proto(q: Generated) -> pb::GeneratedQuestion {
    let rubric = q.rubric;
    pb::GeneratedQuestion {
        key: q.key,
        text: q.text,
        hints: q.hints,
        examples: q.examples,
        key_points: rubric.points.iter().map(key_point_to_proto).collect(),
        provenance: Some(provenance_to_proto(&q.provenance)),
        generate_time: Some(timestamp(q.generated_at)),
        reference_answer: rubric.reference_answer.unwrap_or_default(),
        red_flags: rubric.red_flags.iter().map(red_flag_to_proto).collect(),
        topic: rubric.topic.map(|t| common_pb::StoryTopic {
            about: t.about().to_owned(),
            terms: t.terms().to_vec(),
        }),
        rubric_digest: q.digest.to_string(),
    }
}

fn confidence_to_proto(c: Option<Confidence>) -> i32 {
    (match c {
        None => common_pb::Confidence::Unspecified,
        Some(Confidence::Low) => common_pb::Confidence::Low,
        Some(Confidence::Medium) => common_pb::Confidence::Medium,
        Some(Confidence::High) => common_pb::Confidence::High,
    }) as i32
}

/// A stored evaluation.
pub fn evaluation_to_proto(e: Evaluation) -> pb::Evaluation {
    pb::Evaluation {
        id: e.id.to_string(),
        session_id: e.session_id.to_string(),
        question_id: e.question_id.to_string(),
        answer_id: e.answer_id.to_string(),
        score: e.verdict.score.as_f64(),
        feedback: e.verdict.feedback,
        strengths: e.verdict.strengths,
        improvements: e.verdict.improvements,
        provenance: Some(provenance_to_proto(&e.provenance)),
        create_time: Some(timestamp(e.created_at)),
        confidence: confidence_to_proto(e.confidence),
        red_flags: e.red_flags,
    }
}

/// An evaluation in a list; EVALUATION_VIEW_BASIC leaves out its provenance.
pub fn listed_evaluation(e: Evaluation, basic: bool) -> pb::Evaluation {
    let mut evaluation = evaluation_to_proto(e);
    if basic {
        evaluation.provenance = None;
    }
    evaluation
}

/// Per session, its evaluation count and score sum.
pub fn summary_to_proto(s: SessionSummary) -> pb::SessionEvaluationSummary {
    pb::SessionEvaluationSummary {
        session_id: s.session_id.to_string(),
        evaluation_count: i32::try_from(s.count).unwrap_or(i32::MAX),
        score_sum: s.score_sum.to_f64().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interview_coach_testkit::uuid_or_text;
    use proptest::prelude::*;

    fn key_point() -> impl Strategy<Value = common_pb::KeyPoint> {
        (
            any::<String>(),
            proptest::collection::vec(any::<String>(), 0..3),
        )
            .prop_map(|(point, terms)| common_pb::KeyPoint {
                point,
                terms,
                ..Default::default()
            })
    }

    proptest! {
        #[test]
        fn generate_never_panics_and_keeps_its_bounds(
            interview_type in any::<i32>(),
            difficulty in any::<i32>(),
            count in prop_oneof![any::<i32>(), -1..12],
            exclude_keys in proptest::collection::vec(any::<String>(), 0..4),
        ) {
            if let Ok(command) = GenerateQuestions::try_from(pb::GenerateQuestionsRequest {
                interview_type,
                difficulty,
                count,
                exclude_keys,
            }) {
                prop_assert!(COUNT_RANGE.contains(&(command.count as i32)));
            }
        }

        #[test]
        fn evaluate_never_panics_and_never_passes_a_nul(
            ids in (uuid_or_text(), uuid_or_text(), uuid_or_text()),
            question_text in any::<String>(),
            answer_text in prop_oneof![any::<String>(), "[a-z \\x00]{1,20}"],
            enums in (any::<i32>(), any::<i32>()),
            question_key in any::<String>(),
            hints in proptest::collection::vec(any::<String>(), 0..12),
            key_points in proptest::collection::vec(key_point(), 0..3),
        ) {
            let nul = answer_text.contains('\0') || question_text.contains('\0');
            let result = EvaluateAnswer::try_from(pb::EvaluateAnswerRequest {
                session_id: ids.0,
                question_id: ids.1,
                answer_id: ids.2,
                question_text,
                interview_type: enums.0,
                difficulty: enums.1,
                answer_text,
                question_key,
                hints,
                key_points,
                ..Default::default()
            });
            prop_assert!(!(nul && result.is_ok()));
        }

        #[test]
        fn list_never_panics_and_keeps_its_bounds(
            session_ids in proptest::collection::vec(uuid_or_text(), 0..4),
            page_size in any::<i32>(),
            page_token in any::<String>(),
            view in any::<i32>(),
        ) {
            if let Ok(query) = ListEvaluations::try_from(pb::ListEvaluationsRequest {
                session_ids,
                page_size,
                page_token,
                view,
            }) {
                prop_assert!((0..=2).contains(&view));
                prop_assert_eq!(query.basic, view == 1);
                prop_assert!((1..=1000).contains(&query.page_size.get()));
                prop_assert!(!query.session_ids.is_empty());
            }
        }
    }

    #[test]
    fn nul_is_refused_in_every_text() {
        assert!(AnswerText::new("an\0answer".into()).is_err());
        assert!(QuestionText::new("what\0?".into()).is_err());
        let request = |hint: &str, point: &str| pb::EvaluateAnswerRequest {
            session_id: Uuid::nil().to_string(),
            question_id: Uuid::nil().to_string(),
            answer_id: Uuid::nil().to_string(),
            question_text: "Explain a hash map.".into(),
            interview_type: 1,
            difficulty: 1,
            answer_text: "Buckets and hashing.".into(),
            question_key: String::new(),
            hints: vec![hint.into()],
            key_points: vec![common_pb::KeyPoint {
                point: point.into(),
                terms: vec!["hash".into()],
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(EvaluateAnswer::try_from(request("a hint", "hashing")).is_ok());
        assert!(EvaluateAnswer::try_from(request("a\0hint", "hashing")).is_err());
        assert!(EvaluateAnswer::try_from(request("a hint", "hash\0ing")).is_err());
    }
}
