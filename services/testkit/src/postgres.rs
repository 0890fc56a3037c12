//! A Postgres cluster of one test alone, which it may stop and start.

use std::{path::PathBuf, process::Command};

use crate::free_port;

/// A Postgres 15 cluster of this test alone, in a temporary directory, on its own port:
/// the test may stop and start it without touching the shared server. Postgres refuses
/// to run as root, so as root it runs as the `postgres` user.
pub struct PrivatePostgres {
    dir: tempfile::TempDir,
    pub port: u16,
    as_postgres: bool,
}

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

impl PrivatePostgres {
    /// Creates and starts the cluster.
    pub fn start() -> Self {
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        // As root, under /tmp: the postgres user must be able to reach the directory.
        let parent = if as_postgres {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let dir = tempfile::Builder::new()
            .prefix("reliability-pg-")
            .tempdir_in(parent)
            .unwrap();
        if as_postgres {
            let status = Command::new("chown")
                .args(["postgres:"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown the cluster directory");
        }
        let cluster = Self {
            port: free_port(),
            dir,
            as_postgres,
        };
        let data = cluster.data_dir();
        cluster.pg(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        cluster.start_server();
        cluster
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn pg(&self, tool: &str, args: &[&str]) {
        let program = format!("{PG_BIN}/{tool}");
        let output = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--", &program])
                .args(args)
                .output()
        } else {
            Command::new(&program).args(args).output()
        }
        .unwrap_or_else(|err| panic!("{tool}: {err}"));
        assert!(
            output.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("postgres.log");
        self.pg(
            "pg_ctl",
            &[
                "-D",
                self.data_dir().to_str().unwrap(),
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
    }

    /// Stops the server (`-m fast`: open sessions are terminated), waiting until it is down.
    pub fn stop_server(&self) {
        self.pg(
            "pg_ctl",
            &[
                "-D",
                self.data_dir().to_str().unwrap(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        );
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.data_dir();
        let program = format!("{PG_BIN}/pg_ctl");
        let args = ["-D", data.to_str().unwrap(), "-m", "immediate", "stop"];
        let _ = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--", &program])
                .args(args)
                .output()
        } else {
            Command::new(&program).args(args).output()
        };
    }
}
