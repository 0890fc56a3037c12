//! What the service does: interviews (create, read, answer, finish), progress, quotas, and
//! the background work (the pending-evaluation queue, the sweeper of expired sessions, the
//! gauges).

pub mod gauges;
pub mod interview;
pub mod progress;
pub mod queue;
pub mod quota;
pub mod sweeper;
