//! The one test harness of Interview Coach. It starts any one service in-process
//! ([`IdentityApp`], [`EvaluationApp`], [`start_session`]), the whole stack ([`Stack`]), or
//! the real binaries as child processes ([`Process`]); each on 127.0.0.1 (port 0 unless a
//! test asks for one), over the fresh `#[sqlx::test]` database it is given, ready once
//! `grpc.health.v1` says SERVING (polled, never slept for). It also holds the helpers every
//! test crate shares: [`bearer`] to attach a token, [`violated_fields`], test keys and
//! tokens ([`new_private_key_pem`], [`claims`], [`sign`]), database fingerprints,
//! property-test inputs ([`uuid_or_text`]), and a private Postgres cluster or a stalling
//! evaluation proxy for the reliability suite.
// Test support: a failed set-up step is a failed test, so it may panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod db;
mod evaluation;
mod identity;
mod postgres;
mod process;
mod proxy;
mod running;
mod stack;
mod status;
mod strategies;
mod tokens;

pub use db::{
    EVALUATION_ROLE, IDENTITY_ROLE, SESSION_ROLE, as_role, count, database_url, fingerprint,
};
pub use evaluation::{EvaluationApp, evaluation_settings, start_evaluation, start_evaluation_with};
pub use identity::{IdentityApp, identity_settings, start_identity, start_identity_with};
pub use postgres::PrivatePostgres;
pub use process::{Process, binary, free_port};
pub use proxy::StallingServer;
pub use running::Running;
pub use stack::{
    Stack, User, answer, answer_for, create_session, new_session, register, session_settings,
    start_session,
};
pub use status::{assert_status, eventually, expect_code, median, violated_fields};
pub use strategies::uuid_or_text;
pub use tokens::{bearer, claims, maybe_bearer, new_private_key_pem, sign};

/// The service credential of every test service.
pub const SERVICE_TOKEN: &str = "test-only-service-token";
/// A password that satisfies the policy.
pub const PASSWORD: &str = "correct horse battery staple";
