//! session-service (under construction).
