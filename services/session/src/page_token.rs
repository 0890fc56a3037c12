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
}
