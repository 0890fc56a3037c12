//! The `since` of ListTokenRevocations: a point in time the feed is read from.

use chrono::{DateTime, Utc};

/// Seconds of 0001-01-01T00:00:00Z, the earliest valid `google.protobuf.Timestamp`.
const MIN_SECONDS: i64 = -62_135_596_800;
/// Seconds of 9999-12-31T23:59:59Z, the latest valid `google.protobuf.Timestamp`.
pub const MAX_SECONDS: i64 = 253_402_300_799;

/// Why a `since` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SinceError {
    /// Outside 0001-01-01T00:00:00Z..=9999-12-31T23:59:59.999999999Z, or nanos outside
    /// 0..1e9 (the range of a valid `google.protobuf.Timestamp`).
    #[error("must be a valid timestamp between 0001-01-01 and 9999-12-31")]
    OutOfRange,
}

/// A valid point in time, within what both protobuf and Postgres can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Since(DateTime<Utc>);

impl Since {
    /// Checks the fields of a `google.protobuf.Timestamp`.
    pub fn from_timestamp(seconds: i64, nanos: i32) -> Result<Self, SinceError> {
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
            return Err(SinceError::OutOfRange);
        }
        let nanos = u32::try_from(nanos).map_err(|_| SinceError::OutOfRange)?;
        if nanos >= 1_000_000_000 {
            return Err(SinceError::OutOfRange);
        }
        DateTime::from_timestamp(seconds, nanos)
            .map(Self)
            .ok_or(SinceError::OutOfRange)
    }

    pub fn at(self) -> DateTime<Utc> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_protobuf_range() {
        assert_eq!(
            Since::from_timestamp(1_700_000_000, 5).unwrap().at(),
            DateTime::from_timestamp(1_700_000_000, 5).unwrap()
        );
        assert!(Since::from_timestamp(MIN_SECONDS, 0).is_ok());
        assert!(Since::from_timestamp(MAX_SECONDS, 999_999_999).is_ok());
    }

    #[test]
    fn refuses_what_is_not_a_valid_timestamp() {
        for (seconds, nanos) in [
            (MIN_SECONDS - 1, 0),
            (MAX_SECONDS + 1, 0),
            (i64::MAX, 0),
            (i64::MIN, 0),
            (0, -1),
            (0, 1_000_000_000),
        ] {
            assert_eq!(
                Since::from_timestamp(seconds, nanos),
                Err(SinceError::OutOfRange),
                "{seconds}.{nanos}"
            );
        }
    }
}
