//! Generated gRPC contracts of Interview Coach.
//!
//! Packages follow the buf layout `interview_coach.<service>.v1`; the encoded descriptor set
//! of all of them is [`FILE_DESCRIPTOR_SET`], for server reflection.

/// Encoded `google.protobuf.FileDescriptorSet` of every contract, for reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/interview_coach_descriptor.bin"));

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
