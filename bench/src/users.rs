//! What one virtual user does in each scenario. Every user records into its own
//! [`Recorder`]; a failed call is recorded and the user carries on (a failed step of the
//! journey restarts the journey), so errors show in the report instead of ending the run.

use std::time::Duration;

use interview_coach_proto::{
    common::v1::{Difficulty, InterviewType},
    identity::v1::identity_service_client::IdentityServiceClient,
    session::v1::{self as pb, EvaluationState, session_service_client::SessionServiceClient},
};
use tonic::{
    metadata::{Ascii, MetadataValue},
    transport::Channel,
};

use crate::{
    clients::{Account, authed, bearer, login_request},
    recorder::Recorder,
};

/// Pause after a failed call, so a broken service is not hammered in a tight loop.
const BACKOFF: Duration = Duration::from_millis(50);

const TYPES: [InterviewType; 3] = [
    InterviewType::Technical,
    InterviewType::Behavioral,
    InterviewType::SystemDesign,
];

/// A realistic, decent answer to `question` (about 500 characters, the evaluator's typical
/// input).
pub fn answer_for(question: &pb::Question) -> String {
    format!(
        "My approach: first I clarify the requirements and constraints of \"{}\". \
         Then I would design the solution step by step, for example using a hash map or a \
         queue where it fits, and analyse the time complexity (O(n log n)) and space. \
         I would cover edge cases such as empty input, duplicates and failures, and test it \
         with unit tests. In my last project this approach reduced latency by 30%.",
        question.text.chars().take(80).collect::<String>()
    )
}

/// Questions per session in the `submit` mix (the most a session may have).
const SUBMIT_QUESTIONS: i32 = 10;

fn create_request(iteration: usize) -> pb::CreateSessionRequest {
    pb::CreateSessionRequest {
        interview_type: TYPES[iteration % TYPES.len()] as i32,
        duration_minutes: 30,
        difficulty: Difficulty::Medium as i32,
        question_count: None,
    }
}

/// Logs in until it works or the window ends; the bearer value of the new access token.
async fn login(
    recorder: &mut Recorder,
    identity: &mut IdentityServiceClient<Channel>,
    account: &Account,
) -> Option<MetadataValue<Ascii>> {
    while !recorder.window().is_over() {
        match recorder
            .time("Login", identity.login(login_request(account)))
            .await
        {
            Ok(response) => {
                if let Some(token) = response
                    .tokens
                    .and_then(|tokens| bearer(&tokens.access_token).ok())
                {
                    return Some(token);
                }
            }
            Err(_) => tokio::time::sleep(BACKOFF).await,
        }
    }
    None
}

/// The journey: loop create → submit every answer → get → complete → progress until the
/// window ends, with the access token the account got at registration, or logging in at
/// the start of every loop with `relogin` (then bcrypt bounds the loop).
pub async fn journey(
    mut recorder: Recorder,
    mut identity: IdentityServiceClient<Channel>,
    mut session: SessionServiceClient<Channel>,
    account: Account,
    first_iteration: usize,
    relogin: bool,
) -> Recorder {
    let mut token = bearer(&account.access_token).ok();
    let mut iteration = first_iteration;
    while !recorder.window().is_over() {
        if relogin {
            token = login(&mut recorder, &mut identity, &account).await;
        }
        let Some(bearer) = &token else { break };
        if one_journey(&mut recorder, &mut session, bearer, iteration)
            .await
            .is_none()
        {
            tokio::time::sleep(BACKOFF).await;
        }
        iteration += 1;
    }
    recorder
}

/// Loop: create a session of [`SUBMIT_QUESTIONS`] questions and answer them all.
pub async fn submit_answers(
    mut recorder: Recorder,
    mut session: SessionServiceClient<Channel>,
    account: Account,
    first_iteration: usize,
) -> Recorder {
    let Ok(bearer) = bearer(&account.access_token) else {
        return recorder;
    };
    let mut iteration = first_iteration;
    while !recorder.window().is_over() {
        let request = pb::CreateSessionRequest {
            duration_minutes: 60,
            question_count: Some(SUBMIT_QUESTIONS),
            ..create_request(iteration)
        };
        iteration += 1;
        let created = recorder
            .time(
                "CreateSession",
                session.create_session(authed(&bearer, request)),
            )
            .await;
        let Some(created) = created.ok().and_then(|r| r.session) else {
            tokio::time::sleep(BACKOFF).await;
            continue;
        };
        for question in &created.questions {
            if !submit(&mut recorder, &mut session, &bearer, &created.id, question).await {
                tokio::time::sleep(BACKOFF).await;
                break;
            }
        }
    }
    recorder
}

/// Submits an answer to `question`; false when the call failed.
async fn submit(
    recorder: &mut Recorder,
    session: &mut SessionServiceClient<Channel>,
    bearer: &MetadataValue<Ascii>,
    session_id: &str,
    question: &pb::Question,
) -> bool {
    let request = pb::SubmitAnswerRequest {
        session_id: session_id.to_owned(),
        question_id: question.id.clone(),
        answer_text: answer_for(question),
    };
    match recorder
        .time(
            "SubmitAnswer",
            session.submit_answer(authed(bearer, request)),
        )
        .await
    {
        Ok(submitted) => {
            if submitted.evaluation_state != EvaluationState::Evaluated as i32 {
                // Not an error, but the bench wants inline evaluations: count it apart.
                recorder.note("SubmitAnswer answered PENDING");
            }
            true
        }
        Err(_) => false,
    }
}

async fn one_journey(
    recorder: &mut Recorder,
    session: &mut SessionServiceClient<Channel>,
    bearer: &MetadataValue<Ascii>,
    iteration: usize,
) -> Option<()> {
    let created = recorder
        .time(
            "CreateSession",
            session.create_session(authed(bearer, create_request(iteration))),
        )
        .await
        .ok()?
        .session?;
    for question in &created.questions {
        if !submit(recorder, session, bearer, &created.id, question).await {
            return None;
        }
    }
    let get = pb::GetSessionRequest {
        session_id: created.id.clone(),
    };
    recorder
        .time("GetSession", session.get_session(authed(bearer, get)))
        .await
        .ok()?;
    let complete = pb::CompleteSessionRequest {
        session_id: created.id,
    };
    recorder
        .time(
            "CompleteSession",
            session.complete_session(authed(bearer, complete)),
        )
        .await
        .ok()?;
    recorder
        .time(
            "GetProgress",
            session.get_progress(authed(bearer, pb::GetProgressRequest {})),
        )
        .await
        .ok()?;
    Some(())
}

/// Creates a session for `account` and answers every question (so GetSession has
/// evaluations to fetch); the session id.
pub async fn answered_session(
    session: &mut SessionServiceClient<Channel>,
    access_token: &str,
) -> anyhow::Result<String> {
    let bearer = bearer(access_token)?;
    let created = session
        .create_session(authed(&bearer, create_request(0)))
        .await?
        .into_inner()
        .session
        .ok_or_else(|| anyhow::anyhow!("CreateSession returned no session"))?;
    for question in &created.questions {
        session
            .submit_answer(authed(
                &bearer,
                pb::SubmitAnswerRequest {
                    session_id: created.id.clone(),
                    question_id: question.id.clone(),
                    answer_text: answer_for(question),
                },
            ))
            .await?;
    }
    Ok(created.id)
}

/// Reads `session_id` over and over; with `pace`, once per `pace.every`, starting after
/// `pace.offset` (users are staggered so that their calls arrive evenly, not in bursts).
pub async fn read_session(
    mut recorder: Recorder,
    mut session: SessionServiceClient<Channel>,
    bearer: MetadataValue<Ascii>,
    session_id: String,
    pace: Option<Pace>,
) -> Recorder {
    let mut ticker = pace.map(|pace| {
        let start = tokio::time::Instant::now() + pace.offset;
        let mut ticker = tokio::time::interval_at(start, pace.every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker
    });
    while !recorder.window().is_over() {
        if let Some(ticker) = &mut ticker {
            ticker.tick().await;
        }
        let request = pb::GetSessionRequest {
            session_id: session_id.clone(),
        };
        if recorder
            .time("GetSession", session.get_session(authed(&bearer, request)))
            .await
            .is_err()
        {
            tokio::time::sleep(BACKOFF).await;
        }
    }
    recorder
}

/// One call per `every`, the first after `offset`.
#[derive(Clone, Copy, Debug)]
pub struct Pace {
    /// Time between calls.
    pub every: Duration,
    /// Delay of the first call.
    pub offset: Duration,
}

impl Pace {
    /// The pace of user `index` of `users` sharing `per_second` calls per second evenly.
    pub fn share(per_second: u32, users: usize, index: usize) -> Option<Self> {
        if per_second == 0 || users == 0 {
            return None;
        }
        let every = Duration::from_secs_f64(users as f64 / f64::from(per_second));
        Some(Self {
            every,
            offset: every.mul_f64(index as f64 / users as f64),
        })
    }
}

/// Logs in over and over.
pub async fn log_in_repeatedly(
    mut recorder: Recorder,
    mut identity: IdentityServiceClient<Channel>,
    account: Account,
) -> Recorder {
    while !recorder.window().is_over() {
        if recorder
            .time("Login", identity.login(login_request(&account)))
            .await
            .is_err()
        {
            tokio::time::sleep(BACKOFF).await;
        }
    }
    recorder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paces_spread_users_evenly() {
        assert!(Pace::share(0, 4, 0).is_none());
        let first = Pace::share(100, 4, 0).unwrap();
        let third = Pace::share(100, 4, 2).unwrap();
        assert_eq!(first.every, Duration::from_millis(40));
        assert_eq!(first.offset, Duration::ZERO);
        assert_eq!(third.offset, Duration::from_millis(20));
    }
}
