//! What every Interview Coach service shares: configuration from the environment,
//! telemetry, the gRPC server scaffold (health, reflection, graceful drain) and the shell a
//! service runs in (server, routes, background tasks), database pool
//! and migrations, access-token verification, the service credential, status helpers and
//! the interview vocabulary, what counts as blank text, paging.

#![warn(missing_docs)]

pub mod auth;
pub mod batch;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod message_limit;
pub mod observability;
pub mod paging;
pub mod probe;
pub mod server;
pub mod service_auth;
pub mod shutdown;
pub mod startup;
pub mod status;
pub mod telemetry;
pub mod text;
pub mod time;
