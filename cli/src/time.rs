//! Conversions from protobuf well-known types to chrono.

use chrono::{DateTime, TimeDelta, Utc};

/// The instant of a `google.protobuf.Timestamp`; `None` when it is out of range.
pub fn datetime(timestamp: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    let nanos = u32::try_from(timestamp.nanos).ok()?;
    DateTime::from_timestamp(timestamp.seconds, nanos)
}

/// The instant of an optional timestamp field.
pub fn optional_datetime(timestamp: Option<&prost_types::Timestamp>) -> Option<DateTime<Utc>> {
    timestamp.and_then(datetime)
}

/// Time left until `deadline`, never negative.
pub fn remaining(deadline: DateTime<Utc>, now: DateTime<Utc>) -> TimeDelta {
    (deadline - now).max(TimeDelta::zero())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_convert_and_bad_ones_are_refused() {
        let ts = prost_types::Timestamp {
            seconds: 1_700_000_000,
            nanos: 5,
        };
        let at = datetime(&ts).unwrap();
        assert_eq!(at.timestamp(), 1_700_000_000);
        assert_eq!(at.timestamp_subsec_nanos(), 5);
        let negative_nanos = prost_types::Timestamp {
            seconds: 0,
            nanos: -1,
        };
        assert_eq!(datetime(&negative_nanos), None);
        assert_eq!(optional_datetime(None), None);
    }

    #[test]
    fn remaining_time_stops_at_zero() {
        let now = Utc::now();
        assert_eq!(
            remaining(now - TimeDelta::minutes(1), now),
            TimeDelta::zero()
        );
        assert_eq!(
            remaining(now + TimeDelta::minutes(1), now),
            TimeDelta::minutes(1)
        );
    }
}
