//! Generated gRPC contracts of Interview Coach.
//!
//! Packages follow the buf layout `interview_coach.<service>.v1`. Each server's reflection
//! serves its own descriptor set ([`IDENTITY_DESCRIPTOR_SET`], [`SESSION_DESCRIPTOR_SET`],
//! [`EVALUATION_DESCRIPTOR_SET`]); [`FILE_DESCRIPTOR_SET`] holds all of them.

/// Encoded `google.protobuf.FileDescriptorSet` of every contract.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/interview_coach_descriptor.bin"));

/// The descriptor set of `identity.v1` and what it imports, for the identity server's
/// reflection.
pub const IDENTITY_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/identity_descriptor.bin"));

/// The descriptor set of `session.v1` and what it imports (`common.v1`), for the session
/// server's reflection.
pub const SESSION_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/session_descriptor.bin"));

/// The descriptor set of `evaluation.v1` and what it imports (`common.v1`), for the
/// evaluation server's reflection.
pub const EVALUATION_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/evaluation_descriptor.bin"));

/// `interview_coach.common.v1`: vocabulary shared by session and evaluation.
pub mod common {
    pub mod v1 {
        tonic::include_proto!("interview_coach.common.v1");
    }
}

/// `interview_coach.identity.v1`: accounts and tokens.
pub mod identity {
    pub mod v1 {
        tonic::include_proto!("interview_coach.identity.v1");
    }
}

/// `interview_coach.session.v1`: interviews, answers and progress.
pub mod session {
    pub mod v1 {
        tonic::include_proto!("interview_coach.session.v1");
    }
}

/// `interview_coach.evaluation.v1`: question generation and answer scoring (internal).
pub mod evaluation {
    pub mod v1 {
        tonic::include_proto!("interview_coach.evaluation.v1");
    }
}
