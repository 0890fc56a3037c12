//! The opaque page token of ListEvaluations: the keyset position (created_at, id) of the
//! last evaluation returned, base64url-encoded.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Where the next page starts (after this row).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Creation time of the last row returned.
    pub created_at: DateTime<Utc>,
    /// Its id.
    pub id: Uuid,
}

/// A token this service did not issue.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a page token from a previous response")]
pub struct InvalidPageToken;

impl Cursor {
    /// The token.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!(
            "v1:{}:{}",
            self.created_at.timestamp_micros(),
            self.id
        ))
    }

    /// Parses a token.
    pub fn decode(token: &str) -> Result<Self, InvalidPageToken> {
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| InvalidPageToken)?;
        let text = String::from_utf8(bytes).map_err(|_| InvalidPageToken)?;
        let mut parts = text.splitn(3, ':');
        let (Some("v1"), Some(micros), Some(id)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(InvalidPageToken);
        };
        let micros: i64 = micros.parse().map_err(|_| InvalidPageToken)?;
        Ok(Self {
            created_at: DateTime::from_timestamp_micros(micros).ok_or(InvalidPageToken)?,
            id: id.parse().map_err(|_| InvalidPageToken)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_garbage() {
        let cursor = Cursor {
            created_at: DateTime::from_timestamp_micros(1_767_225_600_123_456).unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
        for bad in ["", "!!", "djE6eA", &URL_SAFE_NO_PAD.encode("v2:1:x")] {
            assert_eq!(Cursor::decode(bad), Err(InvalidPageToken), "{bad}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_text_decodes_without_panicking(text in any::<String>()) {
                let _ = Cursor::decode(&text);
            }

            #[test]
            fn any_payload_behind_valid_base64_decodes_without_panicking(
                payload in prop_oneof![
                    any::<String>(),
                    "v1:-?[0-9]{0,25}:[0-9a-f-]{0,40}",
                ],
            ) {
                let _ = Cursor::decode(&URL_SAFE_NO_PAD.encode(payload));
            }

            #[test]
            fn every_issued_token_round_trips(
                micros in -62_135_596_800_000_000i64..253_402_300_799_000_000,
                id in any::<u128>(),
            ) {
                let cursor = Cursor {
                    created_at: DateTime::from_timestamp_micros(micros).unwrap(),
                    id: Uuid::from_u128(id),
                };
                prop_assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
            }
        }
    }
}
