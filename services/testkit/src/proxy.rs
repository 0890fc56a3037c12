//! An evaluation service that stalls on demand, in front of the real one.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    time::Duration,
};

use interview_coach_proto::evaluation::v1::{
    self as eval_pb,
    evaluation_service_client::EvaluationServiceClient,
    evaluation_service_server::{EvaluationService, EvaluationServiceServer},
};
use tokio::task::JoinHandle;
use tonic::{Request, Response, Status, transport::Channel};

/// An EvaluationService in front of the real one: forwards every call (with the caller's
/// credential), but holds each EvaluateAnswer for the current stall first. Counts the
/// EvaluateAnswer calls it received.
#[derive(Clone)]
pub struct StallingEvaluation {
    upstream: EvaluationServiceClient<Channel>,
    stall_ms: Arc<AtomicU64>,
    evaluate_calls: Arc<AtomicUsize>,
}

/// The running [`StallingEvaluation`]; stops when dropped.
pub struct StallingServer {
    pub port: u16,
    stall_ms: Arc<AtomicU64>,
    evaluate_calls: Arc<AtomicUsize>,
    handle: JoinHandle<()>,
}

impl StallingServer {
    /// Serves on a free port of 127.0.0.1, forwarding to `upstream_url`.
    pub async fn start(upstream_url: &str, stall: Duration) -> Self {
        let upstream = EvaluationServiceClient::new(
            tonic::transport::Endpoint::from_shared(upstream_url.to_owned())
                .unwrap()
                .connect_lazy(),
        );
        let stall_ms = Arc::new(AtomicU64::new(stall.as_millis() as u64));
        let evaluate_calls = Arc::new(AtomicUsize::new(0));
        let service = StallingEvaluation {
            upstream,
            stall_ms: stall_ms.clone(),
            evaluate_calls: evaluate_calls.clone(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = tokio::spawn(async move {
            let _ = tonic::transport::Server::builder()
                .add_service(EvaluationServiceServer::new(service))
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
                .await;
        });
        Self {
            port,
            stall_ms,
            evaluate_calls,
            handle,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Changes the stall of the EvaluateAnswer calls that arrive from now on.
    pub fn set_stall(&self, stall: Duration) {
        self.stall_ms
            .store(stall.as_millis() as u64, Ordering::SeqCst);
    }

    /// EvaluateAnswer calls received so far.
    pub fn evaluate_calls(&self) -> usize {
        self.evaluate_calls.load(Ordering::SeqCst)
    }
}

impl Drop for StallingServer {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

fn forward<T>(request: Request<T>) -> Request<T> {
    let metadata = request.metadata().clone();
    let mut forwarded = Request::new(request.into_inner());
    if let Some(authorization) = metadata.get("authorization") {
        forwarded
            .metadata_mut()
            .insert("authorization", authorization.clone());
    }
    forwarded
}

#[tonic::async_trait]
impl EvaluationService for StallingEvaluation {
    async fn generate_questions(
        &self,
        request: Request<eval_pb::GenerateQuestionsRequest>,
    ) -> Result<Response<eval_pb::GenerateQuestionsResponse>, Status> {
        self.upstream
            .clone()
            .generate_questions(forward(request))
            .await
    }

    async fn evaluate_answer(
        &self,
        request: Request<eval_pb::EvaluateAnswerRequest>,
    ) -> Result<Response<eval_pb::EvaluateAnswerResponse>, Status> {
        self.evaluate_calls.fetch_add(1, Ordering::SeqCst);
        let stall = self.stall_ms.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(stall)).await;
        self.upstream
            .clone()
            .evaluate_answer(forward(request))
            .await
    }

    async fn get_evaluation(
        &self,
        request: Request<eval_pb::GetEvaluationRequest>,
    ) -> Result<Response<eval_pb::GetEvaluationResponse>, Status> {
        self.upstream.clone().get_evaluation(forward(request)).await
    }

    async fn list_evaluations(
        &self,
        request: Request<eval_pb::ListEvaluationsRequest>,
    ) -> Result<Response<eval_pb::ListEvaluationsResponse>, Status> {
        self.upstream
            .clone()
            .list_evaluations(forward(request))
            .await
    }

    async fn summarize_evaluations(
        &self,
        request: Request<eval_pb::SummarizeEvaluationsRequest>,
    ) -> Result<Response<eval_pb::SummarizeEvaluationsResponse>, Status> {
        self.upstream
            .clone()
            .summarize_evaluations(forward(request))
            .await
    }
}
