//! One module per subcommand. Each takes the [`Context`](crate::Context) and a
//! [`Console`](crate::Console), so that tests and scripts can drive it.

pub mod history;
pub mod login;
pub mod logout;
pub mod practice;
pub mod progress;
pub mod register;
pub mod whoami;
