//! What the reliability tests share: the real binaries as child processes with captured
//! logs, a private Postgres cluster that a test may stop and start, an evaluation service
//! that stalls on demand, forged access tokens, and database fingerprints.

use std::{
    fs::File,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{
        Arc, OnceLock,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use interview_coach_proto::{
    common::v1::{Difficulty, InterviewType},
    evaluation::v1::{
        self as eval_pb,
        evaluation_service_client::EvaluationServiceClient,
        evaluation_service_server::{EvaluationService, EvaluationServiceServer},
    },
    session::v1::{self as session_pb, session_service_client::SessionServiceClient},
};
use interview_coach_testkit::{self as testkit, Stack, User};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sqlx::PgPool;
use tokio::task::JoinHandle;
use tonic::{Request, Response, Status, transport::Channel};

/// A free TCP port on 127.0.0.1 (bound and released; a tiny race is acceptable in tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The URL of the `#[sqlx::test]` database behind `pool`, for a child process.
pub fn database_url(pool: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let database = pool.connect_options().get_database().unwrap().to_owned();
    let (server, _) = base.rsplit_once('/').unwrap();
    format!("{server}/{database}")
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

/// An EvaluationService in front of the real one: forwards every call (with the caller's
/// credential), but holds each EvaluateAnswer for the current stall first. Counts the
/// EvaluateAnswer calls it received.
#[derive(Clone)]
pub struct StallingEvaluation {
    upstream: EvaluationServiceClient<Channel>,
    stall_ms: Arc<AtomicU64>,
    evaluate_calls: Arc<AtomicUsize>,
}

/// The running [`StallingEvaluation`]; stops when dropped.
pub struct StallingServer {
    pub port: u16,
    stall_ms: Arc<AtomicU64>,
    evaluate_calls: Arc<AtomicUsize>,
    handle: JoinHandle<()>,
}

impl StallingServer {
    /// Serves on a free port of 127.0.0.1, forwarding to `upstream_url`.
    pub async fn start(upstream_url: &str, stall: Duration) -> Self {
        let upstream = EvaluationServiceClient::new(
            tonic::transport::Endpoint::from_shared(upstream_url.to_owned())
                .unwrap()
                .connect_lazy(),
        );
        let stall_ms = Arc::new(AtomicU64::new(stall.as_millis() as u64));
        let evaluate_calls = Arc::new(AtomicUsize::new(0));
        let service = StallingEvaluation {
            upstream,
            stall_ms: stall_ms.clone(),
            evaluate_calls: evaluate_calls.clone(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = tokio::spawn(async move {
            let _ = tonic::transport::Server::builder()
                .add_service(EvaluationServiceServer::new(service))
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
                .await;
        });
        Self {
            port,
            stall_ms,
            evaluate_calls,
            handle,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Changes the stall of the EvaluateAnswer calls that arrive from now on.
    pub fn set_stall(&self, stall: Duration) {
        self.stall_ms
            .store(stall.as_millis() as u64, Ordering::SeqCst);
    }

    /// EvaluateAnswer calls received so far.
    pub fn evaluate_calls(&self) -> usize {
        self.evaluate_calls.load(Ordering::SeqCst)
    }
}

impl Drop for StallingServer {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

fn forward<T>(request: Request<T>) -> Request<T> {
    let metadata = request.metadata().clone();
    let mut forwarded = Request::new(request.into_inner());
    if let Some(authorization) = metadata.get("authorization") {
        forwarded
            .metadata_mut()
            .insert("authorization", authorization.clone());
    }
    forwarded
}

#[tonic::async_trait]
impl EvaluationService for StallingEvaluation {
    async fn generate_questions(
        &self,
        request: Request<eval_pb::GenerateQuestionsRequest>,
    ) -> Result<Response<eval_pb::GenerateQuestionsResponse>, Status> {
        self.upstream
            .clone()
            .generate_questions(forward(request))
            .await
    }

    async fn evaluate_answer(
        &self,
        request: Request<eval_pb::EvaluateAnswerRequest>,
    ) -> Result<Response<eval_pb::EvaluateAnswerResponse>, Status> {
        self.evaluate_calls.fetch_add(1, Ordering::SeqCst);
        let stall = self.stall_ms.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(stall)).await;
        self.upstream
            .clone()
            .evaluate_answer(forward(request))
            .await
    }

    async fn get_evaluation(
        &self,
        request: Request<eval_pb::GetEvaluationRequest>,
    ) -> Result<Response<eval_pb::GetEvaluationResponse>, Status> {
        self.upstream.clone().get_evaluation(forward(request)).await
    }

    async fn list_evaluations(
        &self,
        request: Request<eval_pb::ListEvaluationsRequest>,
    ) -> Result<Response<eval_pb::ListEvaluationsResponse>, Status> {
        self.upstream
            .clone()
            .list_evaluations(forward(request))
            .await
    }

    async fn summarize_evaluations(
        &self,
        request: Request<eval_pb::SummarizeEvaluationsRequest>,
    ) -> Result<Response<eval_pb::SummarizeEvaluationsResponse>, Status> {
        self.upstream
            .clone()
            .summarize_evaluations(forward(request))
            .await
    }
}

/// Claims of an access token, as identity issues them.
pub fn claims(user_id: &str) -> interview_coach_common::auth::AccessClaims {
    let now = chrono::Utc::now().timestamp();
    interview_coach_common::auth::AccessClaims {
        sub: user_id.to_owned(),
        iss: "interview-coach-identity".into(),
        aud: "interview-coach".into(),
        iat: now,
        nbf: now,
        exp: now + 600,
        jti: uuid::Uuid::new_v4().to_string(),
    }
}

/// An EdDSA token signed with the PKCS#8 `pem` under `kid`.
pub fn sign(pem: &str, kid: &str, claims: &interview_coach_common::auth::AccessClaims) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_ed_pem(pem.as_bytes()).unwrap(),
    )
    .unwrap()
}

/// One row count and content digest per table of the system: equal fingerprints mean
/// nothing was written.
pub async fn fingerprint(pool: &PgPool) -> Vec<(String, i64, String)> {
    let mut tables = Vec::new();
    for table in [
        "users",
        "refresh_tokens",
        "interview_sessions",
        "interview_questions",
        "interview_answers",
        "answer_evaluations",
    ] {
        let (count, digest): (i64, Option<String>) = sqlx::query_as(&format!(
            "SELECT COUNT(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM {table} t"
        ))
        .fetch_one(pool)
        .await
        .unwrap();
        tables.push((table.to_owned(), count, digest.unwrap_or_default()));
    }
    tables
}

/// `SELECT COUNT(*)`-style scalar.
pub async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// The median of `samples`.
pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// A fresh Ed25519 private key as PKCS#8 PEM.
pub fn new_private_key_pem() -> String {
    use ed25519_dalek::pkcs8::{EncodePrivateKey, spki::der::pem::LineEnding};
    use rand::RngCore;
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    ed25519_dalek::SigningKey::from_bytes(&secret)
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap()
        .to_string()
}

/// The whole stack in-process, with the session service calling evaluation through a
/// [`StallingServer`] (no stall to begin with); `adjust` tunes the session settings.
pub async fn stack_behind_proxy(
    pool: PgPool,
    adjust: impl FnOnce(&mut session_service::Settings),
) -> (Stack, StallingServer) {
    let key_pem = new_private_key_pem();
    let identity = testkit::start_identity(&pool, 0, &key_pem).await;
    let evaluation = testkit::start_evaluation(&pool, 0).await;
    let proxy = StallingServer::start(&evaluation.url(), Duration::ZERO).await;
    let mut settings =
        session_service::Settings::for_tests(identity.url(), proxy.url(), testkit::SERVICE_TOKEN);
    settings.database.migrate = false;
    adjust(&mut settings);
    let session = testkit::start_session(&pool, settings).await;
    (
        Stack {
            pool,
            identity,
            evaluation,
            session,
            key_pem,
        },
        proxy,
    )
}

/// Registers a user with a unique email at the identity service at `url`.
pub async fn register(url: &str, name: &str) -> User {
    use interview_coach_proto::identity::v1::{
        RegisterRequest, identity_service_client::IdentityServiceClient,
    };
    let email = format!("{name}-{}@example.com", uuid::Uuid::new_v4().simple());
    let response = IdentityServiceClient::connect(url.to_owned())
        .await
        .unwrap()
        .register(RegisterRequest {
            email: email.clone(),
            password: testkit::PASSWORD.into(),
            name: name.into(),
        })
        .await
        .unwrap()
        .into_inner();
    User {
        id: response.user.unwrap().id,
        email,
        access_token: response.tokens.unwrap().access_token,
    }
}

/// A CreateSession request for `count` technical questions of 60 minutes.
pub fn new_session(count: i32) -> session_pb::CreateSessionRequest {
    session_pb::CreateSessionRequest {
        interview_type: InterviewType::Technical as i32,
        duration_minutes: 60,
        difficulty: Difficulty::Medium as i32,
        question_count: Some(count),
    }
}

/// Creates a session of `count` questions for `user` at the session service at `url`.
pub async fn create_session(url: &str, user: &User, count: i32) -> session_pb::Session {
    SessionServiceClient::connect(url.to_owned())
        .await
        .unwrap()
        .create_session(testkit::authed(user, new_session(count)))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap()
}

/// The SubmitAnswer of a decent answer to question `index` of `session`.
pub fn answer(session: &session_pb::Session, index: usize) -> session_pb::SubmitAnswerRequest {
    session_pb::SubmitAnswerRequest {
        session_id: session.id.clone(),
        question_id: session.questions[index].id.clone(),
        answer_text: testkit::answer_for(&session.questions[index]),
    }
}
