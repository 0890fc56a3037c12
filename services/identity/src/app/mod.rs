//! What the service does, in domain types: accounts and sign-in ([`accounts`]), the tokens
//! that prove who a caller is ([`tokens`]), bcrypt off the async runtime
//! ([`password_hasher`]), failed-login limits ([`login_throttle`]) and the feed of revoked
//! access tokens ([`revocations`]).

pub mod accounts;
pub mod login_throttle;
pub mod password_hasher;
pub mod revocations;
pub mod tokens;
