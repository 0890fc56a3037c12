//! The coach CLI against the real services (in-process, port 0, a fresh database): register,
//! a scripted practice session with a hint and a skip, then history and progress.

use std::io::Cursor;

use coach::{
    Console, Context,
    cli::{HistoryArgs, PracticeArgs, RegisterArgs},
    commands,
};
use interview_coach_common::domain::{Difficulty, InterviewType};
use interview_coach_proto::session::v1::SessionStatus;
use interview_coach_testkit::{PASSWORD, Stack};
use secrecy::SecretString;

fn console(input: &str) -> Console<Cursor<Vec<u8>>, Vec<u8>> {
    Console::new(Cursor::new(input.as_bytes().to_vec()), Vec::new(), false)
}

fn text(console: Console<Cursor<Vec<u8>>, Vec<u8>>) -> String {
    String::from_utf8(console.into_output()).unwrap()
}

#[sqlx::test(migrator = "interview_coach_common::db::MIGRATOR")]
async fn a_scripted_practice_session_end_to_end(pool: sqlx::PgPool) {
    let stack = Stack::start(pool).await;
    let config = tempfile::tempdir().unwrap();
    let context = Context::new(
        &stack.identity.url(),
        &stack.session.url(),
        config.path().to_path_buf(),
    )
    .unwrap();

    let mut out = console("");
    commands::register::run(
        &context,
        RegisterArgs {
            email: Some("cli-user@example.com".into()),
            name: Some("Cli User".into()),
        },
        Some(SecretString::from(PASSWORD)),
        &mut out,
    )
    .await
    .unwrap();
    assert!(text(out).contains("cli-user@example.com"));

    // Question 1: a hint, then an answer; question 2: skipped; question 3: answered.
    let script = "\
:hint
My approach: use a hash map from value to index, one pass, check the complement.
Time complexity O(n), space O(n). Edge cases: duplicates, negative numbers, no solution.
I would test with unit tests for each case.
.
:skip
I would compare sorted copies, O(n log n), or count character frequencies in a hash map
in O(n) time; check lengths first as an early exit; test with empty strings and unicode.
.
";
    let mut out = console(script);
    let session = commands::practice::run(
        &context,
        PracticeArgs {
            interview_type: Some(InterviewType::Technical),
            difficulty: Some(Difficulty::Easy),
            minutes: Some(30),
            questions: None,
        },
        &mut out,
    )
    .await
    .unwrap();
    let shown = text(out);
    assert_eq!(session.status(), SessionStatus::Completed);
    assert_eq!(session.question_count, 3);
    assert_eq!(session.answered_count, 2, "one skipped");
    assert!(session.overall_score.is_some());
    assert!(shown.contains("Question 1/3"), "{shown}");
    assert!(shown.contains("Hint:"), "{shown}");
    assert!(shown.contains("Skipped."), "{shown}");
    assert!(shown.contains("/10"), "scores shown: {shown}");
    assert!(shown.contains("Overall score"), "{shown}");

    let mut out = console("");
    commands::history::run(
        &context,
        HistoryArgs {
            status: None,
            limit: 20,
        },
        &mut out,
    )
    .await
    .unwrap();
    let history = text(out);
    assert!(
        history.contains("technical") && history.contains("completed"),
        "{history}"
    );

    let mut out = console("");
    commands::progress::run(&context, &mut out).await.unwrap();
    let progress = text(out);
    assert!(progress.contains("Sessions completed: 1"), "{progress}");
    assert!(progress.contains("Weakest: technical"), "{progress}");
}
