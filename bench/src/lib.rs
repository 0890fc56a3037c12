//! `loadgen`: virtual users running the real Interview Coach journey over the project's own
//! gRPC clients, measured against the limits of the machine they run on (bcrypt, a
//! do-nothing RPC, the database), with per-service memory and CPU. See `BENCHMARKS.md`.

pub mod clients;
pub mod limits;
pub mod options;
pub mod processes;
pub mod recorder;
pub mod report;
pub mod run;
pub mod users;
