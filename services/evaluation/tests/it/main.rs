//! evaluation-service integration tests, one binary: the service in-process on port 0 over a fresh database per test, called over real gRPC (and a fake OpenAI-compatible server for the LLM paths).
// A test: a failed step is a failed test, so it may panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod evaluate_answer;
mod fixtures;
mod generate_questions;
mod golden;
mod llm;
mod rubric;
