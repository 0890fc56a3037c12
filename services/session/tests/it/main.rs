//! session-service integration tests, one binary: the whole stack in-process (testkit) over a fresh database per test, called over real gRPC.
// A test: a failed step is a failed test, so it may panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod journey;
mod outages;
mod revocations;
mod rules;
mod tracing;
