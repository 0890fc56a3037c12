//! SQL, one module per table this service owns: `users`, `refresh_tokens`,
//! `token_revocations`.

pub mod refresh_tokens;
pub mod token_revocations;
pub mod users;
