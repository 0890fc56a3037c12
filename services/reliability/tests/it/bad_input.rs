//! Bad input over all three services, table-driven: malformed and foreign UUIDs, enums out
//! of range or UNSPECIFIED, empty, whitespace, huge and NUL-containing strings, durations 29
//! and 61, page sizes 0, -1 and 10^6, forged page tokens, messages beyond the configured
//! maximum, and calls without metadata. Every case must get its expected code (never
//! INTERNAL) with a clear message that echoes nothing, and nothing may be written.
//! SQL-looking text is then shown to be stored verbatim.
//!
//! The cases are data: `tests/data/bad_input.json` (its `about` says how a case reads); this
//! file builds each request, calls it and judges the outcome.

use std::{collections::BTreeMap, future::Future, pin::Pin, time::Duration};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use interview_coach_proto::{
    common::v1::KeyPoint,
    evaluation::v1::{self as eval_pb, evaluation_service_client::EvaluationServiceClient},
    identity::v1::{self as id_pb},
    session::v1 as pb,
};
use interview_coach_testkit::{self as testkit, Stack, bearer, fingerprint, maybe_bearer};
use serde::Deserialize;
use serde_json::{Map, Value};
use tonic::{Code, Status};
use tonic_types::StatusExt;

type Call = Pin<Box<dyn Future<Output = Result<(), Status>> + Send>>;

/// The cases and what they build on.
#[derive(Deserialize)]
struct Table {
    /// Request fields an RPC's cases start from, by RPC.
    bases: BTreeMap<String, Map<String, Value>>,
    cases: Vec<CaseData>,
}

/// One case as written in the table.
#[derive(Deserialize)]
struct CaseData {
    rpc: String,
    name: String,
    /// "user", "service", or absent: no metadata.
    auth: Option<String>,
    request: Map<String, Value>,
    /// The expected code, by its gRPC name.
    code: Option<String>,
    /// The codes the contract allows (instead of `code`).
    #[serde(default)]
    codes: Vec<String>,
    /// For INVALID_ARGUMENT: the fields that must be violated.
    #[serde(default)]
    fields: Vec<String>,
}

#[derive(Clone, Debug)]
enum Expect {
    /// Accepted (and, for these cases, writes nothing).
    Ok,
    /// This code; for INVALID_ARGUMENT a field violation for each field.
    Code(Code, Vec<String>),
    /// One of these codes (where the contract allows either).
    OneOf(Vec<Code>),
}

fn code(name: &str) -> Code {
    match name {
        "OK" => Code::Ok,
        "INVALID_ARGUMENT" => Code::InvalidArgument,
        "UNAUTHENTICATED" => Code::Unauthenticated,
        "NOT_FOUND" => Code::NotFound,
        "FAILED_PRECONDITION" => Code::FailedPrecondition,
        "RESOURCE_EXHAUSTED" => Code::ResourceExhausted,
        other => panic!("unknown code {other}"),
    }
}

impl CaseData {
    fn expect(&self) -> Expect {
        match (&self.code, self.codes.is_empty()) {
            (Some(name), true) if name == "OK" => Expect::Ok,
            (Some(name), true) => Expect::Code(code(name), self.fields.clone()),
            (None, false) => Expect::OneOf(self.codes.iter().map(|c| code(c)).collect()),
            _ => panic!("{}: {}: give code or codes", self.rpc, self.name),
        }
    }
}

/// What a failing case got wrong, if anything.
fn judge(expect: &Expect, result: &Result<(), Status>) -> Option<String> {
    let status = match (expect, result) {
        (Expect::Ok, Ok(())) => return None,
        (_, Ok(())) => return Some(format!("expected {expect:?}, got OK")),
        (_, Err(status)) => status,
    };
    if status.code() == Code::Internal {
        return Some(format!("INTERNAL: {status:?}"));
    }
    match expect {
        Expect::Ok => return Some(format!("expected OK, got {status:?}")),
        Expect::Code(code, _) if status.code() != *code => {
            return Some(format!("expected {code:?}, got {status:?}"));
        }
        Expect::OneOf(codes) if !codes.contains(&status.code()) => {
            return Some(format!("expected one of {codes:?}, got {status:?}"));
        }
        Expect::Code(Code::InvalidArgument, fields) => {
            let violations: Vec<String> = status
                .get_details_bad_request()
                .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
                .unwrap_or_default();
            if let Some(missing) = fields.iter().find(|f| !violations.contains(f)) {
                return Some(format!(
                    "no violation for {missing}: {violations:?} in {status:?}"
                ));
            }
        }
        _ => {}
    }
    let message = status.message();
    let lower = message.to_lowercase();
    if message.trim().is_empty() {
        return Some("empty message".into());
    }
    if message.len() > 1000 {
        return Some(format!(
            "message of {} bytes echoes the input",
            message.len()
        ));
    }
    if ["sqlx", "sqlstate", "panick", "database error", "/src/"]
        .iter()
        .any(|leak| lower.contains(leak))
    {
        return Some(format!("internals in the message: {message}"));
    }
    None
}

/// The values a case's `$name` strings stand for.
struct Vars(BTreeMap<&'static str, String>);

impl Vars {
    /// The text `value` builds (see the table's `about`).
    fn text(&self, value: &Value) -> String {
        match value {
            Value::String(s) if s == "$uuid" => uuid::Uuid::new_v4().to_string(),
            Value::String(s) if s.starts_with('$') => self
                .0
                .get(&s[1..])
                .unwrap_or_else(|| panic!("unknown variable {s}"))
                .clone(),
            Value::String(s) => s.clone(),
            Value::Object(o) if o.contains_key("repeat") => {
                self.text(&o["repeat"]).repeat(times(o))
            }
            Value::Object(o) if o.contains_key("concat") => o["concat"]
                .as_array()
                .unwrap()
                .iter()
                .map(|part| self.text(part))
                .collect(),
            Value::Object(o) if o.contains_key("base64url") => {
                URL_SAFE_NO_PAD.encode(self.text(&o["base64url"]))
            }
            Value::Object(o) if o.contains_key("take") => self
                .text(&o["take"])
                .chars()
                .take(o["chars"].as_u64().unwrap() as usize)
                .collect(),
            other => panic!("not a text: {other}"),
        }
    }

    /// The list `value` builds with `item` for each element.
    fn list<T: Clone>(&self, value: &Value, item: impl Fn(&Value) -> T) -> Vec<T> {
        match value {
            Value::Array(items) => items.iter().map(item).collect(),
            Value::Object(o) if o.contains_key("repeat") => vec![item(&o["repeat"]); times(o)],
            other => panic!("not a list: {other}"),
        }
    }
}

fn times(o: &Map<String, Value>) -> usize {
    o["times"].as_u64().unwrap() as usize
}

/// The fields of one request, read with the table's defaults.
struct Fields<'a> {
    vars: &'a Vars,
    map: Map<String, Value>,
}

impl Fields<'_> {
    fn text(&self, key: &str) -> String {
        self.map
            .get(key)
            .map_or_else(String::new, |v| self.vars.text(v))
    }

    fn int(&self, key: &str) -> i32 {
        self.opt_int(key).unwrap_or_default()
    }

    fn opt_int(&self, key: &str) -> Option<i32> {
        self.map
            .get(key)
            .map(|v| i32::try_from(v.as_i64().expect("an integer")).expect("an i32"))
    }

    fn texts(&self, key: &str) -> Vec<String> {
        self.map
            .get(key)
            .map_or_else(Vec::new, |v| self.vars.list(v, |item| self.vars.text(item)))
    }

    fn key_points(&self, key: &str) -> Vec<KeyPoint> {
        self.map.get(key).map_or_else(Vec::new, |v| {
            self.vars.list(v, |item| KeyPoint {
                point: self.vars.text(&item["point"]),
                terms: self.vars.list(&item["terms"], |t| self.vars.text(t)),
                ..KeyPoint::default()
            })
        })
    }
}

/// The [`Call`] of the RPC named `$rpc`, from lines `"Name" => client.method(Message {
/// field: kind, ... })`: each listed field read from `$f` with the [`Fields`] method of
/// that kind, the others left at their defaults, with `$token` as bearer (or no metadata).
macro_rules! rpc {
    ($rpc:expr, $f:ident, $token:ident;
     $($name:literal => $client:ident.$method:ident($ty:path { $($field:ident: $kind:ident),* $(,)? }),)*) => {
        match $rpc {
            $($name => {
                #[allow(unused_mut, clippy::field_reassign_with_default)]
                let mut message = <$ty>::default();
                $(message.$field = $f.$kind(stringify!($field));)*
                let mut client = $client.clone();
                let request = maybe_bearer($token, message);
                Box::pin(async move { client.$method(request).await.map(drop) }) as Call
            })*
            other => panic!("unknown RPC {other}"),
        }
    };
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn bad_input_to_every_service_is_refused_cleanly_and_writes_nothing(pool: sqlx::PgPool) {
    // The answer below stays unevaluated (no inline wait, the worker idles), so an
    // EvaluateAnswer wrongly accepted would write.
    let stack = Stack::start_with(pool.clone(), |s| {
        s.submit_wait = Duration::ZERO;
        s.worker_interval = Duration::from_secs(3600);
    })
    .await;
    let user = stack.user("fuzzy").await;
    let interview = testkit::create_session(&stack.session.url(), &user, 3).await;
    let answered = stack
        .session_client()
        .await
        .submit_answer(bearer(&user.access_token, testkit::answer(&interview, 0)))
        .await
        .unwrap()
        .into_inner()
        .answer
        .unwrap();
    let identity = stack.identity_client().await;
    let session = stack.session_client().await;
    let evaluation = EvaluationServiceClient::connect(stack.evaluation.url())
        .await
        .unwrap();

    let vars = Vars(BTreeMap::from([
        ("password", testkit::PASSWORD.to_owned()),
        ("huge", "x".repeat(200 * 1024)),
        // Beyond GRPC_MAX_MESSAGE_BYTES (256 KiB).
        ("oversized", "x".repeat(300 * 1024)),
        ("nil_uuid", uuid::Uuid::nil().to_string()),
        ("nul_uuid", format!("{}\0", uuid::Uuid::new_v4())),
        ("session", interview.id.clone()),
        ("question0", interview.questions[0].id.clone()),
        ("question1", interview.questions[1].id.clone()),
        ("question0_text", interview.questions[0].text.clone()),
        ("answer", answered.id.clone()),
        ("answer_text", answered.text.clone()),
    ]));
    let table: Table = serde_json::from_str(include_str!("../data/bad_input.json")).unwrap();
    let mut cases: Vec<(String, Expect, Call)> = Vec::new();
    for case in &table.cases {
        let mut map = table.bases.get(&case.rpc).cloned().unwrap_or_default();
        map.extend(case.request.clone());
        let f = Fields { vars: &vars, map };
        let token = match case.auth.as_deref() {
            Some("user") => Some(user.access_token.as_str()),
            Some("service") => Some(testkit::SERVICE_TOKEN),
            None => None,
            Some(other) => panic!("unknown auth {other}"),
        };
        let call = rpc! { case.rpc.as_str(), f, token;
            "Register" => identity.register(id_pb::RegisterRequest { email: text, password: text, name: text }),
            "Login" => identity.login(id_pb::LoginRequest { email: text, password: text }),
            "RefreshToken" => identity.refresh_token(id_pb::RefreshTokenRequest { refresh_token: text }),
            "Logout" => identity.logout(id_pb::LogoutRequest { refresh_token: text }),
            "GetCurrentUser" => identity.get_current_user(id_pb::GetCurrentUserRequest {}),
            "UpdateCurrentUser" => identity.update_current_user(id_pb::UpdateCurrentUserRequest { name: text }),
            "ChangePassword" => identity.change_password(id_pb::ChangePasswordRequest { current_password: text, new_password: text }),
            "DeleteCurrentUser" => identity.delete_current_user(id_pb::DeleteCurrentUserRequest { password: text }),
            "CreateSession" => session.create_session(pb::CreateSessionRequest {
                interview_type: int, duration_minutes: int, difficulty: int, question_count: opt_int
            }),
            "GetSession" => session.get_session(pb::GetSessionRequest { session_id: text }),
            "CompleteSession" => session.complete_session(pb::CompleteSessionRequest { session_id: text }),
            "AbandonSession" => session.abandon_session(pb::AbandonSessionRequest { session_id: text }),
            "GetProgress" => session.get_progress(pb::GetProgressRequest {}),
            "ListSessions" => session.list_sessions(pb::ListSessionsRequest { page_size: int, page_token: text, status: int }),
            "SubmitAnswer" => session.submit_answer(pb::SubmitAnswerRequest { session_id: text, question_id: text, answer_text: text }),
            "GenerateQuestions" => evaluation.generate_questions(eval_pb::GenerateQuestionsRequest {
                interview_type: int, difficulty: int, count: int, exclude_keys: texts
            }),
            "EvaluateAnswer" => evaluation.evaluate_answer(eval_pb::EvaluateAnswerRequest {
                session_id: text, question_id: text, answer_id: text, question_text: text,
                interview_type: int, difficulty: int, answer_text: text, question_key: text,
                hints: texts, key_points: key_points
            }),
            "GetEvaluation" => evaluation.get_evaluation(eval_pb::GetEvaluationRequest { answer_id: text }),
            "ListEvaluations" => evaluation.list_evaluations(eval_pb::ListEvaluationsRequest {
                session_ids: texts, page_size: int, page_token: text, view: int
            }),
        };
        cases.push((format!("{}: {}", case.rpc, case.name), case.expect(), call));
    }

    // ---- run them all
    let before = fingerprint(&pool).await;
    let total = cases.len();
    let mut failures = Vec::new();
    let mut tally = BTreeMap::<String, usize>::new();
    for (name, expect, call) in cases {
        let result = call.await;
        let code = result.as_ref().map_or_else(|s| s.code(), |_| Code::Ok);
        *tally.entry(format!("{code:?}")).or_default() += 1;
        if let Some(problem) = judge(&expect, &result) {
            failures.push(format!("{name}: {problem}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        fingerprint(&pool).await,
        before,
        "bad input wrote something"
    );
    // The table held 150 cases when it moved out of the code: none may be lost.
    assert!(total >= 150, "only {total} cases");
    println!(
        "RESULT bad input: {total} cases over the three services, none INTERNAL, nothing written: {tally:?}"
    );
}
/// Text that looks like SQL is data: stored and returned verbatim, and harmless.
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn sql_looking_text_is_stored_verbatim(pool: sqlx::PgPool) {
    let stack = Stack::start(pool.clone()).await;
    let user = stack.user("bobby").await;
    let name = "Robert'); DROP TABLE users; --";
    let renamed = stack
        .identity_client()
        .await
        .update_current_user(bearer(
            &user.access_token,
            id_pb::UpdateCurrentUserRequest { name: name.into() },
        ))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(renamed.name, name);
    let interview = testkit::create_session(&stack.session.url(), &user, 2).await;
    let text = "1; DELETE FROM interview_sessions WHERE '1'='1'; SELECT pg_sleep(10); -- ünïcødé ✓";
    let mut client = stack.session_client().await;
    client
        .submit_answer(bearer(
            &user.access_token,
            pb::SubmitAnswerRequest {
                session_id: interview.id.clone(),
                question_id: interview.questions[0].id.clone(),
                answer_text: text.into(),
            },
        ))
        .await
        .unwrap();
    let shown = client
        .get_session(bearer(
            &user.access_token,
            pb::GetSessionRequest {
                session_id: interview.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!(shown.questions[0].answer.as_ref().unwrap().text, text);
    let stored: String = sqlx::query_scalar("SELECT answer_text FROM interview_answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, text);
    let stored_name: String = sqlx::query_scalar("SELECT name FROM users WHERE id = $1::uuid")
        .bind(&user.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored_name, name);
    assert_eq!(
        testkit::count(&pool, "SELECT COUNT(*) FROM interview_sessions").await,
        1
    );
}

/// The contract allows any character in a password, NUL included: such a password is one
/// password, not the part before the NUL (as C bcrypt implementations would read it).
#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_password_with_nul_is_not_cut_at_the_nul(pool: sqlx::PgPool) {
    let stack = Stack::start(pool).await;
    let mut identity = stack.identity_client().await;
    let password = "correct\0horse battery";
    identity
        .register(id_pb::RegisterRequest {
            email: "nul@example.com".into(),
            password: password.into(),
            name: "Nul".into(),
        })
        .await
        .unwrap();
    let login = |password: &str| id_pb::LoginRequest {
        email: "nul@example.com".into(),
        password: password.into(),
    };
    identity
        .login(login(password))
        .await
        .expect("the whole password signs in");
    for prefix in ["correct", "correct\0", "correct\0horse"] {
        let status = identity.login(login(prefix)).await.unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated, "{prefix:?}");
    }
}
