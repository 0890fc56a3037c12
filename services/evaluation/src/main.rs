//! evaluation-service (under construction).
fn main() {}
