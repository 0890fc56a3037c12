//! identity-service integration tests, one binary: the service in-process on port 0 over a fresh database per test, called over real gRPC.
// A test: a failed step is a failed test, so it may panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_tokens;
mod account;
mod login_throttle;
mod refresh_tokens;
mod register_login;
mod startup_config;
mod token_revocations;
