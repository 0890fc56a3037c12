//! The services this one calls: identity (signing keys to verify access tokens locally,
//! and the feed of revoked tokens) and evaluation (questions and scores, with a cache of
//! evaluations, which never change once stored).

pub mod evaluation;
pub mod evaluation_cache;
pub mod identity_keys;
pub mod revocations;
