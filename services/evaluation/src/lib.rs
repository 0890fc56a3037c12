//! evaluation-service: generates interview questions (LLM or the built-in bank) and scores
//! answers (LLM or the built-in rubric evaluator), storing one evaluation per answer.
//! Internal only: every RPC requires the service credential.

pub mod application;
pub mod bank;
pub mod counters;
pub mod error;
pub mod evaluator;
pub mod grpc;
pub mod llm;
pub mod provenance;
pub mod questions;
pub mod request;
pub mod rubric;
pub mod score;
pub mod scoring;
pub mod settings;
pub mod store;

pub use application::{Application, ApplicationError};
pub use settings::Settings;
