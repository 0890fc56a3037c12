//! SQL, one module per table this service owns: [`evaluations`] (`answer_evaluations`),
//! [`rubrics`] (`question_rubrics`).

pub mod evaluations;
pub mod rubrics;
