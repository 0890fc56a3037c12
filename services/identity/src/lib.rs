//! identity-service (under construction).
