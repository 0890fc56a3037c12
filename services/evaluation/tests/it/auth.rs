//! Internal only: every RPC needs the service credential; health stays open.

use crate::fixtures::fixture;
use interview_coach_proto::evaluation::v1 as pb;
use interview_coach_testkit::{EvaluationApp, SERVICE_TOKEN, bearer, maybe_bearer};
use sqlx::PgPool;
use tonic::Code;

/// A well-formed end-user access token (EdDSA JWT shape); never a service credential.
const USER_JWT: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.\
    eyJzdWIiOiI1ZjFjMmQ0NC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEiLCJpc3MiOiJpbnRlcnZpZXctY29hY2gtaWRlbnRpdHkiLCJhdWQiOiJpbnRlcnZpZXctY29hY2giLCJleHAiOjQxMDI0NDQ4MDB9.\
    c2lnbmF0dXJlLWJ5dGVzLXNpZ25hdHVyZS1ieXRlcy1zaWduYXR1cmUtYnl0ZXM";

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn every_rpc_refuses_calls_without_the_service_credential(pool: PgPool) {
    let f = fixture(&pool).await;
    let app = EvaluationApp::spawn(pool).await;
    let generate = pb::GenerateQuestionsRequest {
        interview_type: 1,
        difficulty: 1,
        count: 1,
        exclude_keys: vec![],
    };
    let evaluate = crate::fixtures::evaluate_request(&f, crate::fixtures::STRONG_ANSWER);
    let get = pb::GetEvaluationRequest {
        answer_id: f.answer_id.to_string(),
    };
    let list = pb::ListEvaluationsRequest {
        session_ids: vec![f.session_id.to_string()],
        page_size: 0,
        page_token: String::new(),
        view: 0,
    };
    let summarize = pb::SummarizeEvaluationsRequest {
        session_ids: vec![f.session_id.to_string()],
    };
    let wrong_token = format!("{}x", SERVICE_TOKEN);
    for (name, token) in [
        ("missing", None),
        ("wrong", Some(wrong_token.as_str())),
        ("end-user JWT", Some(USER_JWT)),
        ("empty", Some("")),
    ] {
        let mut client = app.client.clone();
        let codes = [
            client
                .generate_questions(maybe_bearer(token, generate.clone()))
                .await
                .err()
                .map(|s| s.code()),
            client
                .evaluate_answer(maybe_bearer(token, evaluate.clone()))
                .await
                .err()
                .map(|s| s.code()),
            client
                .get_evaluation(maybe_bearer(token, get.clone()))
                .await
                .err()
                .map(|s| s.code()),
            client
                .list_evaluations(maybe_bearer(token, list.clone()))
                .await
                .err()
                .map(|s| s.code()),
            client
                .summarize_evaluations(maybe_bearer(token, summarize.clone()))
                .await
                .err()
                .map(|s| s.code()),
        ];
        assert_eq!(codes, [Some(Code::Unauthenticated); 5], "{name}");
    }
    // Nothing was written by the refused calls; the credential works.
    assert_eq!(
        crate::fixtures::evaluation_rows(&app.pool, f.answer_id).await,
        0
    );
    let mut client = app.client.clone();
    assert!(
        client
            .generate_questions(bearer(SERVICE_TOKEN, generate))
            .await
            .is_ok()
    );
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn health_needs_no_credential(pool: PgPool) {
    let app = EvaluationApp::spawn(pool).await;
    let channel = tonic::transport::Endpoint::from_shared(app.url.clone())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "interview_coach.evaluation.v1.EvaluationService".to_owned(),
        })
        .await
        .unwrap()
        .into_inner()
        .status();
    assert_eq!(
        status,
        tonic_health::pb::health_check_response::ServingStatus::Serving
    );
}
