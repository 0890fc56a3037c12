//! session-service: mock interviews, their questions and answers, and the user's progress.
//!
//! It authenticates end users locally with identity's public keys, asks the evaluation
//! service for questions and scores, and keeps pending evaluations as a durable queue in
//! its own tables.
//!
//! Layers, top to bottom: [`grpc`] (handlers; messages ↔ domain values in `grpc::convert`)
//! → [`app`] (use cases, in domain types) → [`repo`] (SQL, one module per table, stored
//! states parsed there) and [`clients`] (identity's keys and revocations, the evaluation
//! service; their contracts' messages stay inside them), over [`domain`] (values that
//! validate on construction, and what the use cases return). Only `grpc` and `clients`
//! touch protobuf messages. [`error`] maps every failure to a status in one place;
//! [`startup`] wires it all; [`settings`] reads the environment.

mod app;
mod clients;
mod domain;
mod error;
mod grpc;
mod repo;
pub mod settings;
mod startup;

pub use app::quota::QuotaSettings;
pub use settings::Settings;
pub use startup::Application;
