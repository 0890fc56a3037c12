//! identity-service: accounts, passwords and the tokens that prove who a caller is.
//!
//! Layers, top to bottom: [`grpc`] (messages ↔ domain values) → [`accounts`] (what each RPC
//! does) → [`users_repo`] / [`refresh_tokens_repo`] (SQL), with [`tokens`] (JWT signing,
//! refresh-token rotation), [`password_hasher`] (bcrypt off the runtime),
//! [`login_throttle`] (failed-attempt limits) and [`revocations`] (access tokens revoked by
//! account deletion or password change, over [`token_revocations_repo`]) beside them.
//! [`Application`] wires it all.

pub mod accounts;
pub mod application;
pub mod config;
pub mod domain;
pub mod error;
pub mod grpc;
pub mod login_throttle;
pub mod password_hasher;
pub mod refresh_tokens_repo;
pub mod revocations;
pub mod token_revocations_repo;
pub mod tokens;
pub mod users_repo;

pub use application::{Application, ApplicationError};
pub use config::Settings;
pub use error::IdentityError;
