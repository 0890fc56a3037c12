//! A bad configuration stops the binary with one clear line and a non-zero exit, without
//! echoing secrets.

use std::process::{Command, Output};

fn run_with(vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_identity-service"));
    for var in [
        "JWT_SIGNING_KEYS",
        "JWT_SIGNING_KEYS_FILE",
        "BCRYPT_COST",
        "BCRYPT_ALLOW_INSECURE_COST",
        "LISTEN_ADDR",
    ] {
        command.env_remove(var);
    }
    command
        .env(
            "DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/postgres",
        )
        .env("METRICS_ADDR", "off")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "off");
    for (var, value) in vars {
        command.env(var, value);
    }
    command.output().expect("the binary runs")
}

fn refused(vars: &[(&str, &str)]) -> String {
    let output = run_with(vars);
    assert!(!output.status.success(), "expected a non-zero exit");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    stderr
}

#[test]
fn an_insecure_bcrypt_cost_is_refused_unless_allowed() {
    let stderr = refused(&[("BCRYPT_COST", "5")]);
    assert!(stderr.contains("BCRYPT_COST"), "{stderr}");
    assert!(stderr.starts_with("identity-service: "), "{stderr}");
}

#[test]
fn unusable_signing_keys_are_refused_without_echoing_them() {
    let stderr = refused(&[(
        "JWT_SIGNING_KEYS",
        "-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----\n",
    )]);
    assert!(stderr.contains("JWT_SIGNING_KEYS"), "{stderr}");
    assert!(!stderr.contains("TOPSECRETMATERIAL"), "{stderr}");

    let stderr = refused(&[("JWT_SIGNING_KEYS_FILE", "/nonexistent/keys.pem")]);
    assert!(stderr.contains("JWT_SIGNING_KEYS_FILE"), "{stderr}");
}

#[test]
fn out_of_range_limits_are_refused() {
    for (var, value) in [
        ("ACCESS_TOKEN_TTL_SECS", "5"),
        ("REFRESH_TOKEN_TTL_DAYS", "0"),
        ("LOGIN_MAX_FAILURES_PER_EMAIL", "zero"),
        ("LOGIN_FAILURE_WINDOW_SECS", "0"),
        ("BCRYPT_MAX_CONCURRENCY", "0"),
    ] {
        let stderr = refused(&[(var, value)]);
        assert!(stderr.contains(var), "{var}: {stderr}");
    }
}

#[test]
fn a_missing_database_url_is_named() {
    let output = Command::new(env!("CARGO_BIN_EXE_identity-service"))
        .env_remove("DATABASE_URL")
        .env("METRICS_ADDR", "off")
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
}
