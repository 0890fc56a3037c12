//! The binary's contract with scripts: a failure is one line on stderr and a non-zero exit.
//! (Runs against the real services are in the workspace's end-to-end tests.)

use std::{
    net::TcpListener,
    path::Path,
    process::{Command, Output},
};

/// Runs `coach args…` with its login in `config_dir`, both services at `url`, an empty
/// standard input and `password` as COACH_PASSWORD.
fn coach_with_password(
    config_dir: &Path,
    url: &str,
    password: Option<&str>,
    args: &[&str],
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coach"));
    command
        .args(args)
        .env("COACH_CONFIG_DIR", config_dir)
        .env("COACH_IDENTITY_URL", url)
        .env("COACH_SESSION_URL", url)
        .env_remove("COACH_PASSWORD");
    if let Some(password) = password {
        command.env("COACH_PASSWORD", password);
    }
    command.output().unwrap()
}

fn coach(config_dir: &Path, url: &str, args: &[&str]) -> Output {
    coach_with_password(config_dir, url, None, args)
}

/// A URL where nothing listens.
fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn commands_that_need_a_login_say_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["whoami", "history", "progress", "practice"] {
        let output = coach(dir.path(), &closed_port_url(), &[command]);
        assert!(!output.status.success(), "{command} succeeded");
        assert_eq!(
            stderr(&output),
            "coach: not logged in or session expired: run `coach login`\n",
            "{command}"
        );
    }
}

#[test]
fn a_missing_password_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["login", "--email", "ada@example.com"];
    let output = coach(dir.path(), &closed_port_url(), &args);
    assert!(!output.status.success());
    assert_eq!(stderr(&output), "coach: no password given\n");
}

#[test]
fn an_unreachable_service_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let url = closed_port_url();
    let args = ["login", "--email", "ada@example.com"];
    let output = coach_with_password(dir.path(), &url, Some("correct horse battery"), &args);
    assert!(!output.status.success());
    assert_eq!(
        stderr(&output),
        format!("coach: service unreachable at {url}\n")
    );
}

#[test]
fn a_bad_url_is_a_setting_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = coach(dir.path(), "localhost:50051", &["whoami"]);
    assert!(!output.status.success());
    assert_eq!(
        stderr(&output),
        "coach: COACH_IDENTITY_URL: \"localhost:50051\" must start with http://\n"
    );
}

#[test]
fn logout_without_a_login_is_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let output = coach(dir.path(), &closed_port_url(), &["logout"]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "Not logged in.\n"
    );
}
