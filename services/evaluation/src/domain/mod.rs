//! The evaluation service's domain values: each validates on construction, so the code
//! below the gRPC edge trusts them.

pub mod commands;
pub mod provenance;
pub mod rubric;
pub mod score;
pub mod verdict;
