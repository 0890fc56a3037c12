//! The use cases, in domain types: [`evaluations`] (evaluate an answer, read and summarize
//! evaluations) over [`evaluator`] (the LLM or the built-in engine), [`questions`]
//! (GenerateQuestions), [`rubrics`] (the rubrics questions were handed out with, by
//! digest), and the service's [`metrics`].

pub mod evaluations;
pub mod evaluator;
pub mod metrics;
pub mod questions;
pub mod rubrics;
