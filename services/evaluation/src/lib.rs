//! evaluation-service: generates interview questions (LLM or the built-in bank) and scores
//! answers (LLM or the built-in rubric evaluator), storing one evaluation per answer.
//! Internal only: every RPC requires the service credential.

pub mod bank;
pub mod rubric;
pub mod score;
pub mod scoring;
