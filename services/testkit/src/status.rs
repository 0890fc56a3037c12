//! What tests check of a failed call, and polling for what becomes true.

use std::{future::Future, time::Duration};

use tonic::{Code, Status};
use tonic_types::StatusExt;

/// Asserts the code of a failed call and returns the status.
pub fn expect_code<T: std::fmt::Debug>(result: Result<T, Status>, code: Code) -> Status {
    match result {
        Ok(value) => panic!("expected {code:?}, got OK: {value:?}"),
        Err(status) => {
            assert_eq!(status.code(), code, "unexpected status: {status:?}");
            status
        }
    }
}

/// The fields named by the INVALID_ARGUMENT `status`, sorted.
pub fn violated_fields(status: &Status) -> Vec<String> {
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let mut fields: Vec<String> = status
        .get_details_bad_request()
        .expect("INVALID_ARGUMENT carries google.rpc.BadRequest")
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect();
    fields.sort();
    fields
}

/// Asserts the code and, for INVALID_ARGUMENT, that `fields` are among the violations.
pub fn assert_status(status: &Status, code: Code, fields: &[&str]) {
    assert_eq!(status.code(), code, "unexpected status: {status:?}");
    if !fields.is_empty() {
        let violations: Vec<String> = status
            .get_details_bad_request()
            .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
            .unwrap_or_default();
        for field in fields {
            assert!(
                violations.iter().any(|v| v == field),
                "no violation for {field}: {violations:?}"
            );
        }
    }
}

/// Polls `check` until it returns true or `within` passes.
pub async fn eventually<F, Fut>(within: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The median of `samples`.
pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}
