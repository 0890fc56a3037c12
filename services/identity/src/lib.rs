//! identity-service: accounts, passwords and the tokens that prove who a caller is.
//!
//! Layers, top to bottom: [`grpc`] (handlers; messages ↔ domain values) → [`app`] (what
//! each RPC does, in domain types) → [`repo`] (SQL, one module per table), over [`domain`]
//! (values that validate on construction). [`error`] maps every failure to a status in one
//! place; [`startup`] wires it all into an [`Application`]; [`settings`] reads the
//! environment.

pub mod app;
pub mod domain;
pub mod error;
pub mod grpc;
pub mod repo;
pub mod settings;
pub mod startup;

pub use error::IdentityError;
pub use settings::Settings;
pub use startup::{Application, ApplicationError};
