//! AIP-158 pagination, one way for every list RPC: page sizes (0 means the default) and
//! opaque keyset page tokens.
//!
//! A token is base64url of `v1:<created_at micros>:<id>:<scope>`: the position of the last
//! row returned, ordered by `(created_at, id)`, and the scope (the filter) the listing was
//! made for, so a token cannot be replayed against a different filter. Tokens are not
//! signed: a forged one can only move the caller's own keyset position, and every query is
//! still limited to the caller's rows.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Longest token accepted: a real one is under 100 characters; this bounds the decoding
/// work a caller can ask for.
const MAX_TOKEN_CHARS: usize = 512;

/// What a list RPC does with a page size above its maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AboveMax {
    /// Serve the maximum (AIP-158's advice, for public listings).
    Clamp,
    /// Refuse the request (for service-to-service calls, where a larger page is a bug).
    Refuse,
}

/// The page-size rule of one list RPC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageSizes {
    /// Served when the caller sends 0.
    pub default: u32,
    /// The largest page served.
    pub max: u32,
    /// What a larger request gets.
    pub above_max: AboveMax,
}

/// A checked page size, 1 to the RPC's maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageSize(u32);

impl PageSizes {
    /// Checks a requested size: negative is refused, 0 is the default.
    pub fn parse(self, requested: i32) -> Result<PageSize, String> {
        let refusal = || {
            format!(
                "must be from 0 (for {}) to {}",
                self.default,
                self.max_text()
            )
        };
        let requested = u32::try_from(requested).map_err(|_| refusal())?;
        match requested {
            0 => Ok(PageSize(self.default)),
            n if n <= self.max => Ok(PageSize(n)),
            _ if self.above_max == AboveMax::Clamp => Ok(PageSize(self.max)),
            _ => Err(refusal()),
        }
    }

    fn max_text(self) -> String {
        match self.above_max {
            AboveMax::Clamp => format!("{} (larger sizes get {})", self.max, self.max),
            AboveMax::Refuse => self.max.to_string(),
        }
    }
}

impl PageSize {
    /// Rows per page.
    pub fn get(self) -> usize {
        self.0 as usize
    }

    /// Rows to fetch: one more than a page, to know whether another page follows.
    pub fn fetch_limit(self) -> i64 {
        i64::from(self.0) + 1
    }
}

/// A keyset position: list after this row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Creation time of the last row returned (microsecond precision, as stored).
    pub created_at: DateTime<Utc>,
    /// Its id, which breaks ties on `created_at`.
    pub id: Uuid,
    /// The filter the listing was made for; empty for none.
    pub scope: String,
}

/// A token this service did not issue, or issued for another filter.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvalidPageToken {
    /// Not a token at all.
    #[error("is not a page token from a previous response")]
    Malformed,
    /// A token of a listing with another filter.
    #[error("was issued for a different filter")]
    OtherScope,
}

impl Cursor {
    /// The token text.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!(
            "v1:{}:{}:{}",
            self.created_at.timestamp_micros(),
            self.id,
            self.scope
        ))
    }

    /// Parses a token issued for a listing with this `scope`.
    pub fn decode(token: &str, scope: &str) -> Result<Self, InvalidPageToken> {
        use InvalidPageToken::Malformed;
        if token.len() > MAX_TOKEN_CHARS {
            return Err(Malformed);
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| Malformed)?;
        let text = String::from_utf8(bytes).map_err(|_| Malformed)?;
        let mut parts = text.splitn(4, ':');
        let (Some("v1"), Some(micros), Some(id), Some(token_scope)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Malformed);
        };
        let micros: i64 = micros.parse().map_err(|_| Malformed)?;
        let cursor = Self {
            created_at: DateTime::from_timestamp_micros(micros).ok_or(Malformed)?,
            id: id.parse().map_err(|_| Malformed)?,
            scope: token_scope.to_owned(),
        };
        if cursor.scope != scope {
            return Err(InvalidPageToken::OtherScope);
        }
        Ok(cursor)
    }

    /// Parses an optional token: the empty string is the first page.
    pub fn decode_optional(token: &str, scope: &str) -> Result<Option<Self>, InvalidPageToken> {
        if token.is_empty() {
            Ok(None)
        } else {
            Self::decode(token, scope).map(Some)
        }
    }
}

/// Cuts `rows` (fetched with [`PageSize::fetch_limit`]) to one page and returns the token of
/// the next page, empty when this is the last.
pub fn next_page<T>(rows: &mut Vec<T>, size: PageSize, cursor: impl Fn(&T) -> Cursor) -> String {
    if rows.len() <= size.get() {
        return String::new();
    }
    rows.truncate(size.get());
    rows.last()
        .map(|row| cursor(row).encode())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLIC: PageSizes = PageSizes {
        default: 20,
        max: 100,
        above_max: AboveMax::Clamp,
    };
    const INTERNAL: PageSizes = PageSizes {
        default: 100,
        max: 1000,
        above_max: AboveMax::Refuse,
    };

    fn cursor(scope: &str) -> Cursor {
        Cursor {
            created_at: DateTime::from_timestamp_micros(1_767_225_600_123_456).unwrap(),
            id: Uuid::from_u128(7),
            scope: scope.to_owned(),
        }
    }

    #[test]
    fn page_sizes_follow_aip_158() {
        assert_eq!(PUBLIC.parse(0), Ok(PageSize(20)));
        assert_eq!(PUBLIC.parse(7), Ok(PageSize(7)));
        assert_eq!(PUBLIC.parse(1_000_000), Ok(PageSize(100)));
        assert!(PUBLIC.parse(-1).is_err());
        assert!(PUBLIC.parse(i32::MIN).is_err());
        assert_eq!(INTERNAL.parse(1000), Ok(PageSize(1000)));
        assert!(INTERNAL.parse(1001).is_err());
        assert_eq!(PageSize(20).fetch_limit(), 21);
    }

    #[test]
    fn tokens_round_trip_within_their_scope_only() {
        let token = cursor("completed");
        assert_eq!(Cursor::decode(&token.encode(), "completed"), Ok(token));
        let unscoped = cursor("");
        assert_eq!(Cursor::decode(&unscoped.encode(), ""), Ok(unscoped));
        assert_eq!(
            Cursor::decode(&cursor("completed").encode(), ""),
            Err(InvalidPageToken::OtherScope)
        );
        assert_eq!(Cursor::decode_optional("", "x"), Ok(None));
    }

    #[test]
    fn forgeries_are_refused() {
        let v1_without_scope = URL_SAFE_NO_PAD.encode("v1:1:00000000-0000-0000-0000-000000000007");
        for forged in [
            "",
            "!!!",
            "e30",
            &URL_SAFE_NO_PAD.encode("v2:1:x:"),
            &v1_without_scope,
            &"A".repeat(600),
        ] {
            assert_eq!(
                Cursor::decode(forged, ""),
                Err(InvalidPageToken::Malformed),
                "{forged}"
            );
        }
    }

    #[test]
    fn next_page_cuts_and_points_at_the_last_row_served() {
        let mut rows: Vec<u128> = (1..=3).collect();
        let at = |id: &u128| Cursor {
            id: Uuid::from_u128(*id),
            ..cursor("")
        };
        let token = next_page(&mut rows, PageSize(2), at);
        assert_eq!(rows, [1, 2]);
        assert_eq!(
            Cursor::decode(&token, "").map(|c| c.id),
            Ok(Uuid::from_u128(2))
        );
        assert_eq!(next_page(&mut rows, PageSize(2), at), "");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_text_decodes_without_panicking(text in any::<String>()) {
                let _ = Cursor::decode(&text, "");
            }

            #[test]
            fn any_payload_behind_valid_base64_decodes_without_panicking(
                payload in prop_oneof![
                    any::<String>(),
                    "v1:-?[0-9]{0,25}:[0-9a-f-]{0,40}:[a-z_]{0,12}",
                ],
            ) {
                let _ = Cursor::decode(&URL_SAFE_NO_PAD.encode(payload), "");
            }

            #[test]
            fn every_issued_token_round_trips(
                micros in -62_135_596_800_000_000i64..253_402_300_799_000_000,
                id in any::<u128>(),
                scope in "[a-z_:]{0,20}",
            ) {
                let cursor = Cursor {
                    created_at: DateTime::from_timestamp_micros(micros).unwrap(),
                    id: Uuid::from_u128(id),
                    scope: scope.clone(),
                };
                prop_assert_eq!(Cursor::decode(&cursor.encode(), &scope), Ok(cursor));
            }

            #[test]
            fn every_page_size_is_refused_or_in_range(requested in any::<i32>()) {
                for sizes in [PUBLIC, INTERNAL] {
                    if let Ok(size) = sizes.parse(requested) {
                        prop_assert!((1..=sizes.max as usize).contains(&size.get()));
                    }
                }
            }
        }
    }
}
