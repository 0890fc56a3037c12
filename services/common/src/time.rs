//! Conversions between chrono and protobuf well-known types.

use chrono::{DateTime, Utc};

/// A `google.protobuf.Timestamp` for `at`.
pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// A `google.protobuf.Duration` for a non-negative chrono duration (negative becomes zero).
pub fn duration(d: chrono::TimeDelta) -> prost_types::Duration {
    let d = d.max(chrono::TimeDelta::zero());
    prost_types::Duration {
        seconds: d.num_seconds(),
        nanos: d.subsec_nanos(),
    }
}
