//! coach CLI integration tests, one binary: the binary run against the real services.
// A test: a failed step is a failed test, so it may panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod exit_status;
mod practice;
