//! Validated input: every request field is parsed into one of these types at the gRPC edge,
//! and the code below trusts them.

pub mod email;
pub mod password;
pub mod since;
pub mod user_name;

pub use email::{Email, EmailError};
pub use password::{Password, PasswordAttempt, PasswordAttemptError, PasswordError};
pub use since::{Since, SinceError};
pub use user_name::{UserName, UserNameError};
