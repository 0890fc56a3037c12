//! SQL on the session service's own tables, one module per table: `interview_sessions`,
//! `interview_questions`, `interview_answers`, and the `question_data` document stored with
//! each question. Nothing here reads another service's table. Functions return domain
//! values: stored states are parsed here, once.

pub mod answers;
pub mod question_data;
pub mod questions;
pub mod sessions;
