//! The reliability suite: the system keeps working under faults and hostile input and loses
//! nothing. Every test runs the real services over real gRPC and a real Postgres; see
//! RELIABILITY.md at the repository root for the families, counts and latest results.
// A test: a failed step is a failed test, so it may panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod abuse;
mod bad_input;
mod concurrency;
mod faults;
mod postgres_restart;
mod quotas;
mod secrets_in_logs;
mod shutdown;
