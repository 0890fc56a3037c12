//! SQL, one module per table this service owns: [`evaluations`] (`answer_evaluations`).

pub mod evaluations;
