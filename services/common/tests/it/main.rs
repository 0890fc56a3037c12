//! interview-coach-common integration tests, one binary: the migrations against a fresh database.
// A test: a failed step is a failed test, so it may panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod roles;
mod schema;
