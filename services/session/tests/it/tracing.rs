//! One user request is one trace: a real OTLP/gRPC receiver collects the spans of a
//! SubmitAnswer that crosses session → evaluation, and the spans must share the trace id with
//! the right parents. Health checks are never traced.

use std::sync::{Arc, Mutex};

use interview_coach_proto::{common::v1::InterviewType, session::v1 as pb};
use interview_coach_testkit::{Stack, answer_for, bearer};
use opentelemetry_proto::tonic::{
    collector::trace::v1::{
        ExportTraceServiceRequest, ExportTraceServiceResponse,
        trace_service_server::{TraceService, TraceServiceServer},
    },
    trace::v1::{Span, span::SpanKind},
};
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{Request, Response, Status};

#[derive(Clone, Default)]
struct Receiver {
    spans: Arc<Mutex<Vec<Span>>>,
}

#[tonic::async_trait]
impl TraceService for Receiver {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        let mut spans = self.spans.lock().unwrap();
        for resource in request.into_inner().resource_spans {
            for scope in resource.scope_spans {
                spans.extend(scope.spans);
            }
        }
        Ok(Response::new(ExportTraceServiceResponse::default()))
    }
}

fn find<'a>(spans: &'a [Span], name: &str, kind: SpanKind) -> Vec<&'a Span> {
    spans
        .iter()
        .filter(|s| s.name == name && s.kind == kind as i32)
        .collect()
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn submit_answer_is_one_trace_across_session_and_evaluation(pool: sqlx::PgPool) {
    let receiver = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(receiver.clone()))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    let telemetry = interview_coach_common::telemetry::init_with(
        "interview-coach-test",
        Some(&endpoint),
        "json",
    )
    .unwrap();

    let stack = Stack::start(pool).await;
    let user = stack.user("traced").await;
    let session = stack
        .create_session(&user, InterviewType::Technical, 30)
        .await;
    let question = &session.questions[0];
    let response = stack
        .session_client()
        .await
        .submit_answer(bearer(
            &user.access_token,
            pb::SubmitAnswerRequest {
                session_id: session.id.clone(),
                question_id: question.id.clone(),
                answer_text: answer_for(question),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(response.evaluation.is_some(), "evaluated inline");

    telemetry.shutdown().await; // flushes every buffered span to the receiver
    let spans = receiver.spans.lock().unwrap().clone();
    server.abort();

    let submit = find(
        &spans,
        "interview_coach.session.v1.SessionService/SubmitAnswer",
        SpanKind::Server,
    );
    assert_eq!(submit.len(), 1, "one SubmitAnswer server span");
    let submit = submit[0];
    let client = find(
        &spans,
        "interview_coach.evaluation.v1.EvaluationService/EvaluateAnswer",
        SpanKind::Client,
    );
    let client: Vec<_> = client
        .into_iter()
        .filter(|s| s.trace_id == submit.trace_id)
        .collect();
    assert_eq!(
        client.len(),
        1,
        "session called EvaluateAnswer once in this trace"
    );
    assert_eq!(
        client[0].parent_span_id, submit.span_id,
        "client span under SubmitAnswer"
    );

    let evaluate = find(
        &spans,
        "interview_coach.evaluation.v1.EvaluationService/EvaluateAnswer",
        SpanKind::Server,
    );
    let evaluate: Vec<_> = evaluate
        .into_iter()
        .filter(|s| s.trace_id == submit.trace_id)
        .collect();
    assert_eq!(
        evaluate.len(),
        1,
        "the evaluation server span joined the trace"
    );
    assert_eq!(
        evaluate[0].parent_span_id, client[0].span_id,
        "its parent is the session's client span (W3C traceparent crossed the hop)"
    );
    assert_ne!(submit.trace_id, vec![0u8; 16]);

    // CreateSession → GenerateQuestions is another trace of its own.
    let create = find(
        &spans,
        "interview_coach.session.v1.SessionService/CreateSession",
        SpanKind::Server,
    );
    assert_eq!(create.len(), 1);
    assert_ne!(create[0].trace_id, submit.trace_id);
    assert!(
        spans
            .iter()
            .any(|s| s.name.ends_with("EvaluationService/GenerateQuestions")
                && s.kind == SpanKind::Server as i32
                && s.trace_id == create[0].trace_id)
    );

    // The harness polled health many times: none of it was traced.
    assert!(
        spans.iter().all(|s| !s.name.contains("grpc.health")),
        "health checks must not be traced"
    );
}
