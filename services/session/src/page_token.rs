//! Opaque keyset page tokens for ListSessions: base64url of a small JSON document holding
//! the last row's `(created_at, id)` and the status filter the token was made for.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where the next page starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageToken {
    /// `created_at` of the last session of the previous page.
    #[serde(rename = "t")]
    pub created_at: DateTime<Utc>,
    /// Its id (ties on `created_at` are broken by id).
    #[serde(rename = "i")]
    pub id: Uuid,
    /// The status filter of the listing.
    #[serde(rename = "s")]
    pub status_filter: Option<String>,
}

impl PageToken {
    /// The token's text.
    pub fn encode(&self) -> String {
        // Serialising this plain struct cannot fail.
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Parses a token; `None` for anything that is not one of ours.
    pub fn decode(text: &str) -> Option<Self> {
        if text.len() > 512 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_forgeries() {
        let token = PageToken {
            created_at: Utc::now(),
            id: Uuid::new_v4(),
            status_filter: Some("completed".into()),
        };
        assert_eq!(PageToken::decode(&token.encode()), Some(token));
        for forged in ["", "!!!", "e30", "bm90IGpzb24", &"A".repeat(600)] {
            assert_eq!(PageToken::decode(forged), None, "{forged}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_text_decodes_without_panicking(text in any::<String>()) {
                let _ = PageToken::decode(&text);
            }

            #[test]
            fn any_bytes_behind_valid_base64_decode_without_panicking(
                bytes in proptest::collection::vec(any::<u8>(), 0..400),
            ) {
                let _ = PageToken::decode(&URL_SAFE_NO_PAD.encode(bytes));
            }

            #[test]
            fn every_issued_token_round_trips(
                seconds in 0i64..4_102_444_800,
                nanos in 0u32..1_000_000_000,
                id in any::<u128>(),
                status in proptest::option::of("in_progress|completed|abandoned"),
            ) {
                let token = PageToken {
                    created_at: DateTime::from_timestamp(seconds, nanos).unwrap(),
                    id: Uuid::from_u128(id),
                    status_filter: status,
                };
                prop_assert_eq!(PageToken::decode(&token.encode()), Some(token));
            }
        }
    }
}
