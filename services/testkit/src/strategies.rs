//! Inputs for the property tests of the gRPC edges, shared by the services' `convert.rs`
//! tests.

use proptest::prelude::*;
use uuid::Uuid;

/// Any string, or a well-formed UUID as text: an id field's inputs, valid and not.
pub fn uuid_or_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        any::<u128>().prop_map(|i| Uuid::from_u128(i).to_string()),
    ]
}
