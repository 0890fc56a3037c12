//! session-service: mock interviews, their questions and answers, and the user's progress.
//!
//! It authenticates end users locally with identity's public keys, asks the evaluation
//! service for questions and scores, and keeps pending evaluations as a durable queue in
//! its own tables.

mod application;
mod auth;
mod config;
mod domain;
mod error;
mod evaluation_cache;
mod evaluation_client;
mod gauges;
mod interview;
mod page_token;
mod progress;
mod question_data;
mod queue;
mod quota;
mod repo;
mod revocations;
mod service;
mod sweeper;
mod views;

pub use application::Application;
pub use config::Settings;
pub use quota::QuotaSettings;
