//! evaluation-service (under construction).
