//! Calls to the session service; every one is authenticated.

use std::time::Duration;

use interview_coach_proto::session::v1::{
    AbandonSessionRequest, CompleteSessionRequest, CreateSessionRequest, GetProgressRequest,
    GetProgressResponse, GetSessionRequest, ListSessionsRequest, ListSessionsResponse, Session,
    SubmitAnswerRequest, SubmitAnswerResponse, session_service_client::SessionServiceClient,
};
use tonic::{Request, Status, transport::Channel};

use super::{Authenticator, CALL_DEADLINE, SLOW_CALL_DEADLINE, ServiceAddress, request};
use crate::errors::Error;

/// The session service, connected and signed in.
pub struct SessionApi {
    client: SessionServiceClient<Channel>,
    url: String,
    auth: Authenticator,
}

impl SessionApi {
    /// Connects to the session service at `address`, calling it as `auth`'s user.
    pub async fn connect(address: &ServiceAddress, auth: Authenticator) -> Result<Self, Error> {
        Ok(Self {
            client: SessionServiceClient::new(address.connect().await?),
            url: address.url().to_owned(),
            auth,
        })
    }

    /// Starts an interview; the session comes back with its questions.
    pub async fn create_session(
        &mut self,
        message: CreateSessionRequest,
    ) -> Result<Session, Error> {
        let call = self.authorized(message, SLOW_CALL_DEADLINE).await?;
        let response = self.client.create_session(call).await;
        self.session(response.map(|r| r.into_inner().session))
    }

    /// A session with its questions, answers and evaluations.
    pub async fn get_session(&mut self, session_id: &str) -> Result<Session, Error> {
        let message = GetSessionRequest {
            session_id: session_id.to_owned(),
        };
        let call = self.authorized(message, CALL_DEADLINE).await?;
        let response = self.client.get_session(call).await;
        self.session(response.map(|r| r.into_inner().session))
    }

    /// One page of the user's sessions, newest first.
    pub async fn list_sessions(
        &mut self,
        message: ListSessionsRequest,
    ) -> Result<ListSessionsResponse, Error> {
        let call = self.authorized(message, CALL_DEADLINE).await?;
        let response = self.client.list_sessions(call).await;
        self.inner(response)
    }

    /// Answers one question; the evaluation comes back when it was ready in time.
    pub async fn submit_answer(
        &mut self,
        session_id: &str,
        question_id: &str,
        answer_text: String,
    ) -> Result<SubmitAnswerResponse, Error> {
        let message = SubmitAnswerRequest {
            session_id: session_id.to_owned(),
            question_id: question_id.to_owned(),
            answer_text,
        };
        let call = self.authorized(message, SLOW_CALL_DEADLINE).await?;
        let response = self.client.submit_answer(call).await;
        self.inner(response)
    }

    /// Finishes a session once its pending evaluations are done.
    pub async fn complete_session(&mut self, session_id: &str) -> Result<Session, Error> {
        let message = CompleteSessionRequest {
            session_id: session_id.to_owned(),
        };
        let call = self.authorized(message, SLOW_CALL_DEADLINE).await?;
        let response = self.client.complete_session(call).await;
        self.session(response.map(|r| r.into_inner().session))
    }

    /// Gives a session up.
    pub async fn abandon_session(&mut self, session_id: &str) -> Result<Session, Error> {
        let message = AbandonSessionRequest {
            session_id: session_id.to_owned(),
        };
        let call = self.authorized(message, CALL_DEADLINE).await?;
        let response = self.client.abandon_session(call).await;
        self.session(response.map(|r| r.into_inner().session))
    }

    /// The user's progress.
    pub async fn progress(&mut self) -> Result<GetProgressResponse, Error> {
        let call = self
            .authorized(GetProgressRequest {}, CALL_DEADLINE)
            .await?;
        let response = self.client.get_progress(call).await;
        self.inner(response)
    }

    async fn authorized<T>(&mut self, message: T, deadline: Duration) -> Result<Request<T>, Error> {
        let mut call = request(message, deadline);
        self.auth.authorize(&mut call).await?;
        Ok(call)
    }

    fn inner<T>(&self, response: Result<tonic::Response<T>, Status>) -> Result<T, Error> {
        response
            .map(tonic::Response::into_inner)
            .map_err(|status| Error::rpc(&self.url, status))
    }

    fn session(&self, response: Result<Option<Session>, Status>) -> Result<Session, Error> {
        response
            .map_err(|status| Error::rpc(&self.url, status))?
            .ok_or_else(|| Error::IncompleteResponse {
                url: self.url.clone(),
                field: "session",
            })
    }
}
