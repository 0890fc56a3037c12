//! Compiles the contracts with protox (pure Rust, no system `protoc`) and keeps the encoded
//! descriptor set in OUT_DIR for gRPC server reflection.

use std::{env, fs, path::PathBuf};

use prost::Message;

const PROTOS: &[&str] = &[
    "interview_coach/common/v1/interview.proto",
    "interview_coach/identity/v1/identity.proto",
    "interview_coach/session/v1/session.proto",
    "interview_coach/evaluation/v1/evaluation.proto",
];

const SERVICES: &[(&str, &str)] = &[
    ("identity", "interview_coach/identity/v1/identity.proto"),
    ("session", "interview_coach/session/v1/session.proto"),
    (
        "evaluation",
        "interview_coach/evaluation/v1/evaluation.proto",
    ),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The build crates do not watch the .proto files themselves.
    println!("cargo:rerun-if-changed=interview_coach");

    let file_descriptors = protox::compile(PROTOS, ["."])?;
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(
        out_dir.join("interview_coach_descriptor.bin"),
        file_descriptors.encode_to_vec(),
    )?;
    // One set per service (its file and what it imports): a server's reflection describes
    // what it serves and nothing else.
    for (service, proto) in SERVICES {
        fs::write(
            out_dir.join(format!("{service}_descriptor.bin")),
            protox::compile([proto], ["."])?.encode_to_vec(),
        )?;
    }

    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(file_descriptors)?;
    Ok(())
}
