//! evaluation-service: generates interview questions (LLM or the built-in bank) and scores
//! answers (LLM or the built-in rubric evaluator), storing one evaluation per answer.
//! Internal only: every RPC requires the service credential.
//!
//! Layers, top to bottom: [`grpc`] (handlers; messages ↔ domain values in `grpc::convert`)
//! → [`app`] (use cases, in domain types) → [`repo`] (SQL, one module per table), [`llm`]
//! (the model client), [`scoring`] (the built-in engine) and [`bank`] (the question bank,
//! which says which rubric applies) over [`domain`] (values that validate on construction)
//! and [`analysis`] (words, stems, term patterns, cue lists). [`error`] maps every failure
//! to a status in one place; [`startup`] wires it all; [`settings`] reads the environment.
//! [`authoring`] holds the checks rubric authors run (`rubric-check`).

pub mod analysis;
pub mod app;
pub mod authoring;
pub mod bank;
pub mod domain;
pub mod error;
pub mod grpc;
pub mod llm;
pub mod repo;
pub mod scoring;
pub mod settings;
pub mod startup;

pub use settings::Settings;
pub use startup::{Application, ApplicationError};
