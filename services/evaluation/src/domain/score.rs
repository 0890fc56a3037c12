//! The score of an answer: 0 to 10 with two decimals, as stored (DECIMAL(5,2)).

use rust_decimal::{Decimal, RoundingStrategy, prelude::ToPrimitive};

/// A score in `0.00..=10.00`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score(Decimal);

/// A number that is not a score.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("score must be a number from 0 to 10")]
pub struct InvalidScore;

impl Score {
    /// The highest score.
    pub const MAX: f64 = 10.0;

    /// A score from a number already known to be in range (e.g. from the built-in
    /// engine): clamped to 0..=10 and rounded half-up to two decimals; NaN is 0.
    pub fn clamped(value: f64) -> Self {
        let value = if value.is_nan() {
            0.0
        } else {
            value.clamp(0.0, Self::MAX)
        };
        Self::new(value).unwrap_or(Self(Decimal::ZERO))
    }

    /// A score from an untrusted number (e.g. an LLM's): refused outside 0..=10.
    pub fn new(value: f64) -> Result<Self, InvalidScore> {
        if !value.is_finite() || !(0.0..=Self::MAX).contains(&value) {
            return Err(InvalidScore);
        }
        let decimal = Decimal::from_f64_retain(value).ok_or(InvalidScore)?;
        Ok(Self(decimal.round_dp_with_strategy(
            2,
            RoundingStrategy::MidpointAwayFromZero,
        )))
    }

    /// From the stored column; refused outside 0..=10.
    pub fn from_decimal(value: Decimal) -> Result<Self, InvalidScore> {
        if value < Decimal::ZERO || value > Decimal::TEN {
            return Err(InvalidScore);
        }
        Ok(Self(value.round_dp(2)))
    }

    /// The stored value.
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// As a float, for the wire and for statistics.
    pub fn as_f64(self) -> f64 {
        self.0.to_f64().unwrap_or(0.0)
    }
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.1}", self.as_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_round_to_two_decimals_and_refuse_out_of_range() {
        assert_eq!(Score::new(7.256).unwrap().as_decimal().to_string(), "7.26");
        assert_eq!(Score::new(10.0).unwrap().as_f64(), 10.0);
        assert_eq!(Score::new(10.01), Err(InvalidScore));
        assert_eq!(Score::new(-0.5), Err(InvalidScore));
        assert_eq!(Score::new(f64::NAN), Err(InvalidScore));
        assert_eq!(Score::clamped(12.0).as_f64(), 10.0);
        assert_eq!(Score::clamped(f64::NAN).as_f64(), 0.0);
        assert!(Score::from_decimal(Decimal::new(1001, 2)).is_err());
    }
}
