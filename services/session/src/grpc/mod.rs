//! The gRPC adapter: authenticate, validate into domain types, call the use case, map the
//! error in one place (`From<SessionError> for Status`).

pub mod convert;

use std::sync::Arc;

use interview_coach_proto::session::v1::{self as pb, session_service_server::SessionService};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::{
    app::interview::Interviews, app::progress, app::quota::Quotas,
    clients::identity_keys::Authenticator,
};

/// The SessionService implementation.
pub struct SessionHandlers {
    auth: Arc<Authenticator>,
    interviews: Interviews,
    quotas: Quotas,
}

impl SessionHandlers {
    /// Wires the service.
    pub fn new(auth: Arc<Authenticator>, interviews: Interviews, quotas: Quotas) -> Self {
        Self {
            auth,
            interviews,
            quotas,
        }
    }

    async fn user<T>(&self, request: &Request<T>) -> Result<Uuid, Status> {
        Ok(self.auth.authenticate(request.metadata()).await?.0)
    }
}

#[tonic::async_trait]
impl SessionService for SessionHandlers {
    async fn create_session(
        &self,
        request: Request<pb::CreateSessionRequest>,
    ) -> Result<Response<pb::CreateSessionResponse>, Status> {
        let user = self.user(&request).await?;
        let new = convert::new_session(request.get_ref())?;
        self.quotas.check_create_session(user).await?;
        let session = self.interviews.create(user, new).await?;
        Ok(Response::new(pb::CreateSessionResponse {
            session: Some(convert::session(session)),
        }))
    }

    async fn get_session(
        &self,
        request: Request<pb::GetSessionRequest>,
    ) -> Result<Response<pb::GetSessionResponse>, Status> {
        let user = self.user(&request).await?;
        let session_id = convert::session_id(&request.get_ref().session_id)?;
        let session = self.interviews.get(user, session_id).await?;
        Ok(Response::new(pb::GetSessionResponse {
            session: Some(convert::session(session)),
        }))
    }

    async fn list_sessions(
        &self,
        request: Request<pb::ListSessionsRequest>,
    ) -> Result<Response<pb::ListSessionsResponse>, Status> {
        let user = self.user(&request).await?;
        let query = convert::list_query(request.get_ref())?;
        let (sessions, next_page_token) = self.interviews.list(user, query).await?;
        Ok(Response::new(pb::ListSessionsResponse {
            sessions: sessions.into_iter().map(convert::session).collect(),
            next_page_token,
        }))
    }

    async fn submit_answer(
        &self,
        request: Request<pb::SubmitAnswerRequest>,
    ) -> Result<Response<pb::SubmitAnswerResponse>, Status> {
        let user = self.user(&request).await?;
        let answer = convert::new_answer(request.into_inner())?;
        self.quotas.check_submit_answer(user).await?;
        Ok(Response::new(convert::submitted(
            self.interviews.submit(user, answer).await?,
        )))
    }

    async fn complete_session(
        &self,
        request: Request<pb::CompleteSessionRequest>,
    ) -> Result<Response<pb::CompleteSessionResponse>, Status> {
        let user = self.user(&request).await?;
        let session_id = convert::session_id(&request.get_ref().session_id)?;
        self.interviews.complete(Some(user), session_id).await?;
        let session = self.interviews.get(user, session_id).await?;
        Ok(Response::new(pb::CompleteSessionResponse {
            session: Some(convert::session(session)),
        }))
    }

    async fn abandon_session(
        &self,
        request: Request<pb::AbandonSessionRequest>,
    ) -> Result<Response<pb::AbandonSessionResponse>, Status> {
        let user = self.user(&request).await?;
        let session_id = convert::session_id(&request.get_ref().session_id)?;
        self.interviews.abandon(Some(user), session_id).await?;
        let session = self.interviews.get(user, session_id).await?;
        Ok(Response::new(pb::AbandonSessionResponse {
            session: Some(convert::session(session)),
        }))
    }

    async fn get_progress(
        &self,
        request: Request<pb::GetProgressRequest>,
    ) -> Result<Response<pb::GetProgressResponse>, Status> {
        let user = self.user(&request).await?;
        let progress =
            progress::progress(self.interviews.pool(), self.interviews.evaluation(), user).await?;
        Ok(Response::new(convert::progress(progress)))
    }
}
