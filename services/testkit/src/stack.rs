//! session-service in-process and the whole stack; users and sessions made through it.

use std::time::Duration;

use interview_coach_proto::{
    common::v1::{Difficulty, InterviewType},
    identity::v1::{RegisterRequest, identity_service_client::IdentityServiceClient},
    session::v1::{self as pb, session_service_client::SessionServiceClient},
};
use sqlx::PgPool;
use tonic::transport::Channel;

use crate::{
    PASSWORD, Running, SERVICE_TOKEN, StallingServer, bearer, evaluation::start_evaluation,
    identity::start_identity, tokens::new_private_key_pem,
};

/// Test settings of a session service calling identity at `identity_url` and evaluation at
/// `evaluation_url`, on a database already migrated.
pub fn session_settings(identity_url: String, evaluation_url: String) -> session_service::Settings {
    let mut settings =
        session_service::Settings::for_tests(identity_url, evaluation_url, SERVICE_TOKEN);
    settings.database.migrate = false;
    settings
}

/// Starts session with `settings` over `pool`'s database, connected as its own role.
pub async fn start_session(pool: &PgPool, settings: session_service::Settings) -> Running {
    let app = session_service::Application::build_with_pool(
        settings,
        crate::db::as_role(pool, crate::db::SESSION_ROLE),
    )
    .await
    .expect("session builds");
    Running::start(app.port(), |stop| async move {
        let _ = app.run_until_stopped(stop).await;
    })
    .await
}

/// A registered user.
#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub email: String,
    pub access_token: String,
}

/// Registers a user with a unique email at the identity service at `url`.
pub async fn register(url: &str, name: &str) -> User {
    let email = format!("{name}-{}@example.com", uuid::Uuid::new_v4().simple());
    let response = IdentityServiceClient::connect(url.to_owned())
        .await
        .expect("connect identity")
        .register(RegisterRequest {
            email: email.clone(),
            password: PASSWORD.into(),
            name: name.into(),
        })
        .await
        .expect("register")
        .into_inner();
    User {
        id: response.user.expect("user").id,
        email,
        access_token: response.tokens.expect("tokens").access_token,
    }
}

/// A CreateSession request for `count` technical questions of 60 minutes.
pub fn new_session(count: i32) -> pb::CreateSessionRequest {
    pb::CreateSessionRequest {
        interview_type: InterviewType::Technical as i32,
        duration_minutes: 60,
        difficulty: Difficulty::Medium as i32,
        question_count: Some(count),
    }
}

/// Creates a session of `count` questions for `user` at the session service at `url`.
pub async fn create_session(url: &str, user: &User, count: i32) -> pb::Session {
    SessionServiceClient::connect(url.to_owned())
        .await
        .expect("connect session")
        .create_session(bearer(&user.access_token, new_session(count)))
        .await
        .expect("create session")
        .into_inner()
        .session
        .expect("session")
}

/// A decent answer for any question.
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

/// The SubmitAnswer of a decent answer to question `index` of `session`.
pub fn answer(session: &pb::Session, index: usize) -> pb::SubmitAnswerRequest {
    pb::SubmitAnswerRequest {
        session_id: session.id.clone(),
        question_id: session.questions[index].id.clone(),
        answer_text: answer_for(&session.questions[index]),
    }
}

/// The three services.
pub struct Stack {
    pub pool: PgPool,
    pub identity: Running,
    pub evaluation: Running,
    pub session: Running,
    pub key_pem: String,
}

impl Stack {
    /// Starts everything with the test defaults.
    pub async fn start(pool: PgPool) -> Self {
        Self::start_with(pool, |_| {}).await
    }

    /// Starts everything, letting the test adjust the session settings.
    pub async fn start_with(
        pool: PgPool,
        adjust: impl FnOnce(&mut session_service::Settings),
    ) -> Self {
        interview_coach_common::db::migrate(&pool)
            .await
            .expect("migrations");
        let key_pem = new_private_key_pem();
        let identity = start_identity(&pool, 0, &key_pem).await;
        let evaluation = start_evaluation(&pool, 0).await;
        let mut settings = session_settings(identity.url(), evaluation.url());
        adjust(&mut settings);
        let session = start_session(&pool, settings).await;
        Self {
            pool,
            identity,
            evaluation,
            session,
            key_pem,
        }
    }

    /// The whole stack, with the session service calling evaluation through a
    /// [`StallingServer`] (no stall to begin with); `adjust` tunes the session settings.
    pub async fn behind_proxy(
        pool: PgPool,
        adjust: impl FnOnce(&mut session_service::Settings),
    ) -> (Self, StallingServer) {
        let key_pem = new_private_key_pem();
        let identity = start_identity(&pool, 0, &key_pem).await;
        let evaluation = start_evaluation(&pool, 0).await;
        let proxy = StallingServer::start(&evaluation.url(), Duration::ZERO).await;
        let mut settings = session_settings(identity.url(), proxy.url());
        adjust(&mut settings);
        let session = start_session(&pool, settings).await;
        let stack = Self {
            pool,
            identity,
            evaluation,
            session,
            key_pem,
        };
        (stack, proxy)
    }

    /// Starts another session replica on this stack's database and services (its own
    /// caches), letting the test adjust its settings.
    pub async fn start_session_replica(
        &self,
        adjust: impl FnOnce(&mut session_service::Settings),
    ) -> Running {
        let mut settings = session_settings(self.identity.url(), self.evaluation.url());
        adjust(&mut settings);
        start_session(&self.pool, settings).await
    }

    pub async fn session_client(&self) -> SessionServiceClient<Channel> {
        SessionServiceClient::connect(self.session.url())
            .await
            .expect("connect session")
    }

    pub async fn identity_client(&self) -> IdentityServiceClient<Channel> {
        IdentityServiceClient::connect(self.identity.url())
            .await
            .expect("connect identity")
    }

    /// Registers a user with a unique email.
    pub async fn user(&self, name: &str) -> User {
        register(&self.identity.url(), name).await
    }

    /// Stops evaluation and starts it again on the same port.
    pub async fn restart_evaluation(&mut self) {
        let port = self.evaluation.port;
        self.evaluation.stop().await;
        self.evaluation = start_evaluation(&self.pool, port).await;
    }

    /// Creates a session for `user` and returns it.
    pub async fn create_session(
        &self,
        user: &User,
        interview_type: InterviewType,
        minutes: i32,
    ) -> pb::Session {
        self.session_client()
            .await
            .create_session(bearer(
                &user.access_token,
                pb::CreateSessionRequest {
                    interview_type: interview_type as i32,
                    duration_minutes: minutes,
                    difficulty: Difficulty::Medium as i32,
                    question_count: None,
                },
            ))
            .await
            .expect("create session")
            .into_inner()
            .session
            .expect("session")
    }

    /// `user`'s session `session_id`, read with GetSession.
    pub async fn get_session(&self, user: &User, session_id: &str) -> pb::Session {
        self.session_client()
            .await
            .get_session(bearer(
                &user.access_token,
                pb::GetSessionRequest {
                    session_id: session_id.to_owned(),
                },
            ))
            .await
            .expect("get session")
            .into_inner()
            .session
            .expect("session")
    }
}
