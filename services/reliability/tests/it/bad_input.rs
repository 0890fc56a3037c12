//! Bad input over all three services, table-driven: malformed and foreign UUIDs, enums out
//! of range or UNSPECIFIED, empty, whitespace, huge and NUL-containing strings, durations 29
//! and 61, page sizes 0, -1 and 10^6, forged page tokens, messages beyond the configured
//! maximum, and calls without metadata. Every case must get its expected code (never
//! INTERNAL) with a clear message that echoes nothing, and nothing may be written.
//! SQL-looking text is then shown to be stored verbatim.

use std::{future::Future, pin::Pin, time::Duration};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use interview_coach_proto::{
    common::v1::KeyPoint,
    evaluation::v1::{self as eval_pb, evaluation_service_client::EvaluationServiceClient},
    identity::v1::{self as id_pb},
    session::v1 as pb,
};
use interview_coach_testkit::{self as testkit, Stack, authed, with_token};
use tonic::{Code, Request, Status};
use tonic_types::StatusExt;

use crate::support::{self, fingerprint};

type Call = Pin<Box<dyn Future<Output = Result<(), Status>> + Send>>;

#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Accepted (and, for these cases, writes nothing).
    Ok,
    /// This code; for INVALID_ARGUMENT a field violation for each field.
    Code(Code, &'static [&'static str]),
    /// One of these codes (where the contract allows either).
    OneOf(&'static [Code]),
}

const fn invalid(fields: &'static [&'static str]) -> Expect {
    Expect::Code(Code::InvalidArgument, fields)
}
const UNAUTHENTICATED: Expect = Expect::Code(Code::Unauthenticated, &[]);
const NOT_FOUND: Expect = Expect::Code(Code::NotFound, &[]);
const TOO_LARGE: Expect = Expect::OneOf(&[Code::ResourceExhausted, Code::InvalidArgument]);

struct Case {
    name: String,
    expect: Expect,
    call: Call,
}

/// A call of `$method` on a clone of `$client` with `$request`, as a [`Call`].
macro_rules! call {
    ($client:expr, $method:ident, $request:expr) => {{
        let mut client = $client.clone();
        let request = $request;
        Box::pin(async move { client.$method(request).await.map(drop) }) as Call
    }};
}

/// What a failing case got wrong, if anything.
fn judge(expect: Expect, result: &Result<(), Status>) -> Option<String> {
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
        Expect::Code(code, _) if status.code() != code => {
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
            if let Some(missing) = fields.iter().find(|f| !violations.iter().any(|v| v == *f)) {
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

fn no_metadata<T>(message: T) -> Request<T> {
    Request::new(message)
}

fn service<T>(message: T) -> Request<T> {
    with_token(testkit::SERVICE_TOKEN, message)
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
    let interview = support::create_session(&stack.session.url(), &user, 3).await;
    let answered = stack
        .session_client()
        .await
        .submit_answer(authed(&user, support::answer(&interview, 0)))
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

    let uuid = || uuid::Uuid::new_v4().to_string();
    let huge = "x".repeat(200 * 1024);
    let oversized = "x".repeat(300 * 1024); // beyond GRPC_MAX_MESSAGE_BYTES (256 KiB)
    let nul_uuid = format!("{}\0", uuid());
    let password = testkit::PASSWORD.to_owned();
    let mut cases: Vec<Case> = Vec::new();
    let mut add = |name: &str, expect: Expect, call: Call| {
        cases.push(Case {
            name: name.to_owned(),
            expect,
            call,
        })
    };

    // ---- identity: Register
    let register = |email: &str, password: &str, name: &str| id_pb::RegisterRequest {
        email: email.into(),
        password: password.into(),
        name: name.into(),
    };
    for (name, request, fields) in [
        ("empty email", register("", &password, "N"), &["email"][..]),
        (
            "whitespace email",
            register("   ", &password, "N"),
            &["email"],
        ),
        (
            "email without @",
            register("not-an-email", &password, "N"),
            &["email"],
        ),
        (
            "256-character email",
            register(&format!("{}@example.com", "a".repeat(244)), &password, "N"),
            &["email"],
        ),
        (
            "email with NUL",
            register("a\0b@example.com", &password, "N"),
            &["email"],
        ),
        ("200 KiB email", register(&huge, &password, "N"), &["email"]),
        (
            "SQL-looking email",
            register("' OR 1=1 --", &password, "N"),
            &["email"],
        ),
        (
            "11-character password",
            register("new@example.com", "short-pass1", "N"),
            &["password"],
        ),
        (
            "129-character password",
            register("new@example.com", &"p".repeat(129), "N"),
            &["password"],
        ),
        (
            "73-byte password",
            register("new@example.com", &"é".repeat(37), "N"),
            &["password"],
        ),
        (
            "empty name",
            register("new@example.com", &password, ""),
            &["name"],
        ),
        (
            "whitespace name",
            register("new@example.com", &password, " \t "),
            &["name"],
        ),
        (
            "invisible name (zero-width space, joiner, BOM, Hangul filler)",
            register(
                "new@example.com",
                &password,
                "\u{200B}\u{200D}\u{FEFF}\u{3164}",
            ),
            &["name"],
        ),
        (
            "256-character name",
            register("new@example.com", &password, &"n".repeat(256)),
            &["name"],
        ),
        (
            "name with NUL",
            register("new@example.com", &password, "Ada\0Lovelace"),
            &["name"],
        ),
        (
            "everything empty",
            register("", "", ""),
            &["email", "password", "name"],
        ),
    ] {
        add(
            &format!("Register: {name}"),
            Expect::Code(Code::InvalidArgument, fields),
            call!(identity, register, request),
        );
    }
    add(
        "Register: oversized message",
        TOO_LARGE,
        call!(identity, register, register(&oversized, &password, "N")),
    );

    // ---- identity: Login, RefreshToken, Logout
    let login = |email: &str, password: &str| id_pb::LoginRequest {
        email: email.into(),
        password: password.into(),
    };
    add(
        "Login: everything empty",
        invalid(&["email", "password"]),
        call!(identity, login, login("", "")),
    );
    add(
        "Login: malformed email",
        invalid(&["email"]),
        call!(identity, login, login("nope", &password)),
    );
    add(
        "Login: email with NUL",
        invalid(&["email"]),
        call!(identity, login, login("a\0@example.com", &password)),
    );
    add(
        "Login: SQL-looking email",
        invalid(&["email"]),
        call!(identity, login, login("admin'--", &password)),
    );
    add(
        "Login: password with NUL",
        UNAUTHENTICATED,
        call!(
            identity,
            login,
            login("nobody@example.com", "pass\0word-long-enough")
        ),
    );
    add(
        "Login: 200 KiB password",
        UNAUTHENTICATED,
        call!(identity, login, login("nobody2@example.com", &huge)),
    );
    let refresh = |token: &str| id_pb::RefreshTokenRequest {
        refresh_token: token.into(),
    };
    add(
        "RefreshToken: empty",
        invalid(&["refresh_token"]),
        call!(identity, refresh_token, refresh("")),
    );
    add(
        "RefreshToken: whitespace",
        invalid(&["refresh_token"]),
        call!(identity, refresh_token, refresh("  \n")),
    );
    add(
        "RefreshToken: forged",
        UNAUTHENTICATED,
        call!(identity, refresh_token, refresh("forged-refresh-token")),
    );
    add(
        "RefreshToken: with NUL",
        UNAUTHENTICATED,
        call!(identity, refresh_token, refresh("abc\0def")),
    );
    add(
        "RefreshToken: 200 KiB",
        UNAUTHENTICATED,
        call!(identity, refresh_token, refresh(&huge)),
    );
    let logout = |token: &str| id_pb::LogoutRequest {
        refresh_token: token.into(),
    };
    add(
        "Logout: empty",
        invalid(&["refresh_token"]),
        call!(identity, logout, logout("")),
    );
    add(
        "Logout: forged (idempotent, writes nothing)",
        Expect::Ok,
        call!(identity, logout, logout("forged-refresh-token")),
    );

    // ---- identity: authenticated RPCs
    add(
        "GetCurrentUser: no metadata",
        UNAUTHENTICATED,
        call!(
            identity,
            get_current_user,
            no_metadata(id_pb::GetCurrentUserRequest {})
        ),
    );
    let rename = |name: &str| id_pb::UpdateCurrentUserRequest { name: name.into() };
    add(
        "UpdateCurrentUser: no metadata",
        UNAUTHENTICATED,
        call!(identity, update_current_user, no_metadata(rename("Eve"))),
    );
    add(
        "UpdateCurrentUser: empty name",
        invalid(&["name"]),
        call!(identity, update_current_user, authed(&user, rename(""))),
    );
    add(
        "UpdateCurrentUser: name with NUL",
        invalid(&["name"]),
        call!(identity, update_current_user, authed(&user, rename("a\0b"))),
    );
    add(
        "UpdateCurrentUser: 256-character name",
        invalid(&["name"]),
        call!(
            identity,
            update_current_user,
            authed(&user, rename(&"n".repeat(256)))
        ),
    );
    add(
        "UpdateCurrentUser: 200 KiB name",
        invalid(&["name"]),
        call!(identity, update_current_user, authed(&user, rename(&huge))),
    );
    let change = |current: &str, new: &str| id_pb::ChangePasswordRequest {
        current_password: current.into(),
        new_password: new.into(),
    };
    add(
        "ChangePassword: no metadata",
        UNAUTHENTICATED,
        call!(
            identity,
            change_password,
            no_metadata(change(&password, "another good password"))
        ),
    );
    add(
        "ChangePassword: everything empty",
        invalid(&["current_password", "new_password"]),
        call!(identity, change_password, authed(&user, change("", ""))),
    );
    add(
        "ChangePassword: new password too short",
        invalid(&["new_password"]),
        call!(
            identity,
            change_password,
            authed(&user, change(&password, "short"))
        ),
    );
    add(
        "ChangePassword: new password of 73 bytes",
        invalid(&["new_password"]),
        call!(
            identity,
            change_password,
            authed(&user, change(&password, &"é".repeat(37)))
        ),
    );
    add(
        "ChangePassword: wrong current password",
        UNAUTHENTICATED,
        call!(
            identity,
            change_password,
            authed(&user, change("not my password", "another good password"))
        ),
    );
    let delete = |password: &str| id_pb::DeleteCurrentUserRequest {
        password: password.into(),
    };
    add(
        "DeleteCurrentUser: no metadata",
        UNAUTHENTICATED,
        call!(
            identity,
            delete_current_user,
            no_metadata(delete(&password))
        ),
    );
    add(
        "DeleteCurrentUser: empty password",
        invalid(&["password"]),
        call!(identity, delete_current_user, authed(&user, delete(""))),
    );
    add(
        "DeleteCurrentUser: wrong password",
        UNAUTHENTICATED,
        call!(
            identity,
            delete_current_user,
            authed(&user, delete("not my password"))
        ),
    );

    // ---- session: CreateSession
    let create = |interview_type: i32, duration: i32, difficulty: i32, count: Option<i32>| {
        pb::CreateSessionRequest {
            interview_type,
            duration_minutes: duration,
            difficulty,
            question_count: count,
        }
    };
    for (name, request, fields) in [
        (
            "type UNSPECIFIED",
            create(0, 30, 1, None),
            &["interview_type"][..],
        ),
        ("type 4", create(4, 30, 1, None), &["interview_type"]),
        ("type -1", create(-1, 30, 1, None), &["interview_type"]),
        (
            "type i32::MAX",
            create(i32::MAX, 30, 1, None),
            &["interview_type"],
        ),
        (
            "difficulty UNSPECIFIED",
            create(1, 30, 0, None),
            &["difficulty"],
        ),
        ("difficulty 4", create(1, 30, 4, None), &["difficulty"]),
        (
            "difficulty i32::MIN",
            create(1, 30, i32::MIN, None),
            &["difficulty"],
        ),
        ("duration 29", create(1, 29, 1, None), &["duration_minutes"]),
        ("duration 61", create(1, 61, 1, None), &["duration_minutes"]),
        ("duration 0", create(1, 0, 1, None), &["duration_minutes"]),
        (
            "duration -30",
            create(1, -30, 1, None),
            &["duration_minutes"],
        ),
        (
            "duration i32::MAX",
            create(1, i32::MAX, 1, None),
            &["duration_minutes"],
        ),
        (
            "question count 11",
            create(1, 30, 1, Some(11)),
            &["question_count"],
        ),
        (
            "question count -1",
            create(1, 30, 1, Some(-1)),
            &["question_count"],
        ),
        (
            "everything wrong",
            create(9, 61, 9, Some(99)),
            &[
                "interview_type",
                "duration_minutes",
                "difficulty",
                "question_count",
            ],
        ),
    ] {
        add(
            &format!("CreateSession: {name}"),
            Expect::Code(Code::InvalidArgument, fields),
            call!(session, create_session, authed(&user, request)),
        );
    }
    add(
        "CreateSession: no metadata",
        UNAUTHENTICATED,
        call!(session, create_session, no_metadata(create(1, 30, 1, None))),
    );

    // ---- session: GetSession, CompleteSession, AbandonSession
    let get = |id: &str| pb::GetSessionRequest {
        session_id: id.into(),
    };
    for (name, id) in [
        ("empty id", String::new()),
        ("whitespace id", "   ".into()),
        ("malformed id", "not-a-uuid".into()),
        ("id with NUL", nul_uuid.clone()),
        ("truncated id", uuid()[..35].to_owned()),
        ("200 KiB id", huge.clone()),
        ("SQL-looking id", "' OR '1'='1".into()),
    ] {
        add(
            &format!("GetSession: {name}"),
            invalid(&["session_id"]),
            call!(session, get_session, authed(&user, get(&id))),
        );
    }
    add(
        "GetSession: unknown id",
        NOT_FOUND,
        call!(session, get_session, authed(&user, get(&uuid()))),
    );
    add(
        "GetSession: nil UUID",
        NOT_FOUND,
        call!(
            session,
            get_session,
            authed(&user, get(&uuid::Uuid::nil().to_string()))
        ),
    );
    add(
        "GetSession: a question's id",
        NOT_FOUND,
        call!(
            session,
            get_session,
            authed(&user, get(&interview.questions[0].id))
        ),
    );
    add(
        "GetSession: no metadata",
        UNAUTHENTICATED,
        call!(session, get_session, no_metadata(get(&interview.id))),
    );
    add(
        "GetSession: oversized message",
        TOO_LARGE,
        call!(session, get_session, authed(&user, get(&oversized))),
    );
    let complete = |id: &str| pb::CompleteSessionRequest {
        session_id: id.into(),
    };
    add(
        "CompleteSession: malformed id",
        invalid(&["session_id"]),
        call!(session, complete_session, authed(&user, complete("42"))),
    );
    add(
        "CompleteSession: unknown id",
        NOT_FOUND,
        call!(session, complete_session, authed(&user, complete(&uuid()))),
    );
    add(
        "CompleteSession: an answer's id",
        NOT_FOUND,
        call!(
            session,
            complete_session,
            authed(&user, complete(&answered.id))
        ),
    );
    add(
        "CompleteSession: no metadata",
        UNAUTHENTICATED,
        call!(
            session,
            complete_session,
            no_metadata(complete(&interview.id))
        ),
    );
    let abandon = |id: &str| pb::AbandonSessionRequest {
        session_id: id.into(),
    };
    add(
        "AbandonSession: malformed id",
        invalid(&["session_id"]),
        call!(session, abandon_session, authed(&user, abandon("{}"))),
    );
    add(
        "AbandonSession: unknown id",
        NOT_FOUND,
        call!(session, abandon_session, authed(&user, abandon(&uuid()))),
    );
    add(
        "AbandonSession: no metadata",
        UNAUTHENTICATED,
        call!(
            session,
            abandon_session,
            no_metadata(abandon(&interview.id))
        ),
    );
    add(
        "GetProgress: no metadata",
        UNAUTHENTICATED,
        call!(
            session,
            get_progress,
            no_metadata(pb::GetProgressRequest {})
        ),
    );

    // ---- session: ListSessions
    let list = |page_size: i32, page_token: &str, status: i32| pb::ListSessionsRequest {
        page_size,
        page_token: page_token.into(),
        status,
    };
    for (name, request, fields) in [
        ("page size -1", list(-1, "", 0), &["page_size"][..]),
        ("page size i32::MIN", list(i32::MIN, "", 0), &["page_size"]),
        ("status 4", list(10, "", 4), &["status"]),
        ("status -1", list(10, "", -1), &["status"]),
        ("forged page token", list(10, "forged!", 0), &["page_token"]),
        (
            "page token of garbage",
            list(10, &URL_SAFE_NO_PAD.encode("v1:x"), 0),
            &["page_token"],
        ),
        (
            "page token for another status filter",
            list(
                10,
                &URL_SAFE_NO_PAD.encode(format!("v1:1767225600000000:{}:completed", uuid())),
                0,
            ),
            &["page_token"],
        ),
        (
            "700-character page token",
            list(10, &"A".repeat(700), 0),
            &["page_token"],
        ),
        (
            "page token with NUL",
            list(10, "ab\0cd", 0),
            &["page_token"],
        ),
    ] {
        add(
            &format!("ListSessions: {name}"),
            Expect::Code(Code::InvalidArgument, fields),
            call!(session, list_sessions, authed(&user, request)),
        );
    }
    add(
        "ListSessions: page size 0 (the default)",
        Expect::Ok,
        call!(session, list_sessions, authed(&user, list(0, "", 0))),
    );
    add(
        "ListSessions: page size 10^6 (capped)",
        Expect::Ok,
        call!(
            session,
            list_sessions,
            authed(&user, list(1_000_000, "", 0))
        ),
    );
    add(
        "ListSessions: no metadata",
        UNAUTHENTICATED,
        call!(session, list_sessions, no_metadata(list(0, "", 0))),
    );

    // ---- session: SubmitAnswer (to the unanswered question 1)
    let submit = |session_id: &str, question_id: &str, text: &str| pb::SubmitAnswerRequest {
        session_id: session_id.into(),
        question_id: question_id.into(),
        answer_text: text.into(),
    };
    let (sid, qid) = (interview.id.as_str(), interview.questions[1].id.as_str());
    for (name, request, fields) in [
        (
            "malformed session id",
            submit("nope", qid, "an answer"),
            &["session_id"][..],
        ),
        (
            "malformed question id",
            submit(sid, "nope", "an answer"),
            &["question_id"],
        ),
        (
            "question id with NUL",
            submit(sid, &nul_uuid, "an answer"),
            &["question_id"],
        ),
        ("empty answer", submit(sid, qid, ""), &["answer_text"]),
        (
            "whitespace answer",
            submit(sid, qid, " \n\t "),
            &["answer_text"],
        ),
        (
            "invisible answer (zero-width spaces, joiners, BOM, word joiner)",
            submit(
                sid,
                qid,
                "\u{200B}\u{200C}\u{200D}\u{FEFF}\u{2060} \u{200B}",
            ),
            &["answer_text"],
        ),
        (
            "answer with NUL",
            submit(sid, qid, "my answer\0with a NUL"),
            &["answer_text"],
        ),
        (
            "10,001-character answer",
            submit(sid, qid, &"a".repeat(10_001)),
            &["answer_text"],
        ),
        ("200 KiB answer", submit(sid, qid, &huge), &["answer_text"]),
        (
            "everything wrong",
            submit("", "", ""),
            &["session_id", "question_id", "answer_text"],
        ),
    ] {
        add(
            &format!("SubmitAnswer: {name}"),
            Expect::Code(Code::InvalidArgument, fields),
            call!(session, submit_answer, authed(&user, request)),
        );
    }
    add(
        "SubmitAnswer: unknown session",
        NOT_FOUND,
        call!(
            session,
            submit_answer,
            authed(&user, submit(&uuid(), qid, "an answer"))
        ),
    );
    add(
        "SubmitAnswer: unknown question",
        NOT_FOUND,
        call!(
            session,
            submit_answer,
            authed(&user, submit(sid, &uuid(), "an answer"))
        ),
    );
    add(
        "SubmitAnswer: no metadata",
        UNAUTHENTICATED,
        call!(
            session,
            submit_answer,
            no_metadata(submit(sid, qid, "an answer"))
        ),
    );
    add(
        "SubmitAnswer: oversized message",
        TOO_LARGE,
        call!(
            session,
            submit_answer,
            authed(&user, submit(sid, qid, &oversized))
        ),
    );

    // ---- evaluation: GenerateQuestions
    let generate = |interview_type: i32, difficulty: i32, count: i32, exclude_keys: Vec<String>| {
        eval_pb::GenerateQuestionsRequest {
            interview_type,
            difficulty,
            count,
            exclude_keys,
        }
    };
    for (name, request, fields) in [
        (
            "type UNSPECIFIED",
            generate(0, 1, 1, vec![]),
            &["interview_type"][..],
        ),
        ("type 9", generate(9, 1, 1, vec![]), &["interview_type"]),
        (
            "difficulty UNSPECIFIED",
            generate(1, 0, 1, vec![]),
            &["difficulty"],
        ),
        ("difficulty -3", generate(1, -3, 1, vec![]), &["difficulty"]),
        ("count 0", generate(1, 1, 0, vec![]), &["count"]),
        ("count 11", generate(1, 1, 11, vec![]), &["count"]),
        ("count -1", generate(1, 1, -1, vec![]), &["count"]),
        (
            "201 exclusions",
            generate(1, 1, 1, vec!["k".into(); 201]),
            &["exclude_keys"],
        ),
        (
            "201-byte exclusion",
            generate(1, 1, 1, vec!["k".repeat(201)]),
            &["exclude_keys[0]"],
        ),
    ] {
        add(
            &format!("GenerateQuestions: {name}"),
            Expect::Code(Code::InvalidArgument, fields),
            call!(evaluation, generate_questions, service(request)),
        );
    }
    add(
        "GenerateQuestions: no metadata",
        UNAUTHENTICATED,
        call!(
            evaluation,
            generate_questions,
            no_metadata(generate(1, 1, 1, vec![]))
        ),
    );

    // ---- evaluation: EvaluateAnswer (variations of a valid request for the stored answer)
    let valid = eval_pb::EvaluateAnswerRequest {
        session_id: interview.id.clone(),
        question_id: interview.questions[0].id.clone(),
        answer_id: answered.id.clone(),
        question_text: interview.questions[0].text.clone(),
        interview_type: 1,
        difficulty: 2,
        answer_text: answered.text.clone(),
        ..Default::default()
    };
    let with = |change: &dyn Fn(&mut eval_pb::EvaluateAnswerRequest)| {
        let mut request = valid.clone();
        change(&mut request);
        request
    };
    let key_point = KeyPoint {
        point: "p".into(),
        terms: vec!["t".into()],
        ..KeyPoint::default()
    };
    for (name, request, fields) in [
        (
            "malformed session id",
            with(&|r| r.session_id = "x".into()),
            &["session_id"][..],
        ),
        (
            "malformed question id",
            with(&|r| r.question_id = "".into()),
            &["question_id"],
        ),
        (
            "malformed answer id",
            with(&|r| r.answer_id = "' OR 1=1".into()),
            &["answer_id"],
        ),
        (
            "empty question text",
            with(&|r| r.question_text = "".into()),
            &["question_text"],
        ),
        (
            "4,001-character question text",
            with(&|r| r.question_text = "q".repeat(4001)),
            &["question_text"],
        ),
        (
            "question text with NUL",
            with(&|r| r.question_text = "what\0now?".into()),
            &["question_text"],
        ),
        (
            "empty answer",
            with(&|r| r.answer_text = "".into()),
            &["answer_text"],
        ),
        (
            "invisible answer",
            with(&|r| r.answer_text = "\u{200B}\u{FEFF}\u{2060}".into()),
            &["answer_text"],
        ),
        (
            "invisible hint",
            with(&|r| r.hints = vec!["\u{200B}\u{200D}".into()]),
            &["hints[0]"],
        ),
        (
            "answer with NUL",
            with(&|r| r.answer_text = "an\0answer".into()),
            &["answer_text"],
        ),
        (
            "10,001-character answer",
            with(&|r| r.answer_text = "a".repeat(10_001)),
            &["answer_text"],
        ),
        (
            "type UNSPECIFIED",
            with(&|r| r.interview_type = 0),
            &["interview_type"],
        ),
        ("difficulty 7", with(&|r| r.difficulty = 7), &["difficulty"]),
        (
            "11 hints",
            with(&|r| r.hints = vec!["h".into(); 11]),
            &["hints"],
        ),
        (
            "21 key points",
            with(&|r| r.key_points = vec![key_point.clone(); 21]),
            &["key_points"],
        ),
        (
            "201-byte question key",
            with(&|r| r.question_key = "k".repeat(201)),
            &["question_key"],
        ),
        (
            "hint with NUL",
            with(&|r| r.hints = vec!["think\0harder".into()]),
            &["hints[0]"],
        ),
        (
            "key point with NUL",
            with(&|r| {
                r.key_points = vec![KeyPoint {
                    point: "time\0complexity".into(),
                    terms: vec!["big o".into()],
                    ..KeyPoint::default()
                }]
            }),
            &["key_points[0]"],
        ),
    ] {
        add(
            &format!("EvaluateAnswer: {name}"),
            Expect::Code(Code::InvalidArgument, fields),
            call!(evaluation, evaluate_answer, service(request)),
        );
    }
    add(
        "EvaluateAnswer: unknown answer",
        Expect::Code(Code::FailedPrecondition, &[]),
        call!(
            evaluation,
            evaluate_answer,
            service(with(&|r| r.answer_id = uuid::Uuid::new_v4().to_string()))
        ),
    );
    add(
        "EvaluateAnswer: no metadata",
        UNAUTHENTICATED,
        call!(evaluation, evaluate_answer, no_metadata(valid.clone())),
    );
    add(
        "EvaluateAnswer: oversized message",
        TOO_LARGE,
        call!(
            evaluation,
            evaluate_answer,
            service(with(&|r| r.answer_text = oversized.clone()))
        ),
    );

    // ---- evaluation: GetEvaluation, ListEvaluations
    let get_evaluation = |id: &str| eval_pb::GetEvaluationRequest {
        answer_id: id.into(),
    };
    add(
        "GetEvaluation: malformed id",
        invalid(&["answer_id"]),
        call!(evaluation, get_evaluation, service(get_evaluation("nope"))),
    );
    add(
        "GetEvaluation: unknown id",
        NOT_FOUND,
        call!(evaluation, get_evaluation, service(get_evaluation(&uuid()))),
    );
    add(
        "GetEvaluation: no metadata",
        UNAUTHENTICATED,
        call!(
            evaluation,
            get_evaluation,
            no_metadata(get_evaluation(&answered.id))
        ),
    );
    let list_evaluations =
        |ids: Vec<String>, page_size: i32, page_token: &str| eval_pb::ListEvaluationsRequest {
            session_ids: ids,
            page_size,
            page_token: page_token.into(),
            view: 0,
        };
    let one = vec![interview.id.clone()];
    for (name, request, fields) in [
        (
            "no session ids",
            list_evaluations(vec![], 0, ""),
            &["session_ids"][..],
        ),
        (
            "101 session ids",
            list_evaluations(vec![uuid(); 101], 0, ""),
            &["session_ids"],
        ),
        (
            "malformed session id",
            list_evaluations(vec!["x".into()], 0, ""),
            &["session_ids[0]"],
        ),
        (
            "page size -1",
            list_evaluations(one.clone(), -1, ""),
            &["page_size"],
        ),
        (
            "page size 10^6",
            list_evaluations(one.clone(), 1_000_000, ""),
            &["page_size"],
        ),
        (
            "forged page token",
            list_evaluations(one.clone(), 0, "forged"),
            &["page_token"],
        ),
        (
            "page token with NUL",
            list_evaluations(one.clone(), 0, "djE6\0"),
            &["page_token"],
        ),
        (
            "unknown view",
            eval_pb::ListEvaluationsRequest {
                view: 7,
                ..list_evaluations(one.clone(), 0, "")
            },
            &["view"],
        ),
    ] {
        add(
            &format!("ListEvaluations: {name}"),
            Expect::Code(Code::InvalidArgument, fields),
            call!(evaluation, list_evaluations, service(request)),
        );
    }
    add(
        "ListEvaluations: page size 0 (the default)",
        Expect::Ok,
        call!(
            evaluation,
            list_evaluations,
            service(list_evaluations(one.clone(), 0, ""))
        ),
    );
    add(
        "ListEvaluations: no metadata",
        UNAUTHENTICATED,
        call!(
            evaluation,
            list_evaluations,
            no_metadata(list_evaluations(one.clone(), 0, ""))
        ),
    );

    // ---- run them all
    let before = fingerprint(&pool).await;
    let total = cases.len();
    let mut failures = Vec::new();
    let mut tally = std::collections::BTreeMap::<String, usize>::new();
    for case in cases {
        let result = case.call.await;
        let code = result.as_ref().map_or_else(|s| s.code(), |_| Code::Ok);
        *tally.entry(format!("{code:?}")).or_default() += 1;
        if let Some(problem) = judge(case.expect, &result) {
            failures.push(format!("{}: {problem}", case.name));
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
    assert!(total >= 80, "only {total} cases");
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
        .update_current_user(authed(
            &user,
            id_pb::UpdateCurrentUserRequest { name: name.into() },
        ))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(renamed.name, name);
    let interview = support::create_session(&stack.session.url(), &user, 2).await;
    let text = "1; DELETE FROM interview_sessions WHERE '1'='1'; SELECT pg_sleep(10); -- ünïcødé ✓";
    let mut client = stack.session_client().await;
    client
        .submit_answer(authed(
            &user,
            pb::SubmitAnswerRequest {
                session_id: interview.id.clone(),
                question_id: interview.questions[0].id.clone(),
                answer_text: text.into(),
            },
        ))
        .await
        .unwrap();
    let shown = client
        .get_session(authed(
            &user,
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
        support::count(&pool, "SELECT COUNT(*) FROM interview_sessions").await,
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
