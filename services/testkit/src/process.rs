//! The service binaries as child processes, their output captured in files.

use std::{
    fs::File,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::OnceLock,
    time::{Duration, Instant},
};

/// A free TCP port on 127.0.0.1 (bound and released; a tiny race is acceptable in tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The path of a service binary, built (once per test process) with the profile and
/// target directory of this test binary, so it is never stale.
pub fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let profile_dir = BUILT.get_or_init(|| {
        // …/target/<profile>/deps/reliability-<hash>
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().unwrap().parent().unwrap().to_owned();
        let target_dir = profile_dir.parent().unwrap().to_owned();
        let profile = match profile_dir.file_name().unwrap().to_str().unwrap() {
            "debug" => "dev".to_owned(),
            other => other.to_owned(),
        };
        let cargo = std::env::var("CARGO")
            .ok()
            .or_else(|| option_env!("CARGO").map(str::to_owned))
            .unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        // Without the variables cargo set for this test process: build scripts that watch
        // them (ring watches CARGO_MANIFEST_DIR) would otherwise rebuild, here and again in
        // the next ordinary build.
        for (var, _) in std::env::vars() {
            let set_for_tests = [
                "CARGO_MANIFEST_DIR",
                "CARGO_MANIFEST_PATH",
                "CARGO_CRATE_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
            ]
            .contains(&var.as_str())
                || var.starts_with("CARGO_PKG_")
                || var.starts_with("CARGO_BIN_")
                || var.starts_with("NEXTEST");
            if set_for_tests {
                command.env_remove(var);
            }
        }
        let status = command
            .current_dir(workspace_root())
            .args([
                "build",
                "--quiet",
                "--bin",
                "identity-service",
                "--bin",
                "evaluation-service",
                "--bin",
                "session-service",
                "--profile",
                &profile,
                "--target-dir",
            ])
            .arg(&target_dir)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the service binaries failed");
        profile_dir
    });
    profile_dir.join(name)
}

/// A service binary running as a child process; stdout and stderr go to files.
pub struct Process {
    pub name: &'static str,
    pub port: u16,
    child: Child,
    pub log_path: PathBuf,
}

impl Process {
    /// Starts `name` listening on `port` with `env` (plus `METRICS_ADDR=off`), its output
    /// appended to `<log_dir>/<name>.log`.
    pub fn spawn(name: &'static str, port: u16, env: &[(&str, String)], log_dir: &Path) -> Self {
        let log_path = log_dir.join(format!("{name}.log"));
        let log = File::options()
            .create(true)
            .append(true)
            .open(&log_path)
            .unwrap();
        let mut command = Command::new(binary(name));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .env("METRICS_ADDR", "off")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        for (var, value) in env {
            command.env(var, value);
        }
        let child = command.spawn().expect("the binary starts");
        Self {
            name,
            port,
            child,
            log_path,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub async fn wait_serving(&self) {
        assert!(
            interview_coach_common::probe::wait_until_serving(&self.url(), Duration::from_secs(30))
                .await,
            "{} never became SERVING; log:\n{}",
            self.name,
            std::fs::read_to_string(&self.log_path).unwrap_or_default()
        );
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        signal(self.pid(), "-TERM");
    }

    /// Sends SIGKILL and reaps the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits up to `within` for the process to exit.
    pub async fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn signal(pid: u32, which: &str) {
    let status = Command::new("kill")
        .args([which, &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {which} {pid}");
}
