#!/usr/bin/env bash
# The whole interview through grpcurl and server reflection only, as a user debugging the
# stack would: register, create a session, answer every question, read it, complete it,
# list, progress, and the error codes clients rely on.
#
# Without arguments it starts the three debug binaries on free ports against a fresh
# database (needs `cargo build --bins`). With IDENTITY_ADDR, SESSION_ADDR and EVALUATION_ADDR
# (host:port) it drives an already running stack instead (docker compose).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/grpcurl.sh
. "$ROOT/scripts/lib/grpcurl.sh"
command -v grpcurl >/dev/null || fail "grpcurl is not on PATH"

IDENTITY=interview_coach.identity.v1.IdentityService
SESSION=interview_coach.session.v1.SessionService
EVALUATION=interview_coach.evaluation.v1.EvaluationService
PSQL=(psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -q)
PIDS=()
LOGS=()
DB=""

cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$DB" ]; then
    "${PSQL[@]}" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  for log in "${LOGS[@]}"; do
    if [ "$status" -ne 0 ]; then
      echo "--- $log (last 30 lines)" >&2
      tail -n 30 "$log" >&2 || true
    fi
    rm -f "$log"
  done
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { # NAME ADDR [VAR=value...]
  local name=$1 addr=$2 log
  shift 2
  log="$(mktemp -t "$name.XXXX.log")"
  LOGS+=("$log")
  env LISTEN_ADDR="$addr" METRICS_ADDR=off SHUTDOWN_DRAIN_SECS=2 "$@" \
    "$(target_dir)/debug/$name" >"$log" 2>&1 &
  PIDS+=($!)
  wait_serving "$addr" "$!"
}

if [ -z "${SESSION_ADDR:-}" ]; then
  for bin in identity-service evaluation-service session-service; do
    [ -x "$(target_dir)/debug/$bin" ] || fail "$(target_dir)/debug/$bin not found; run: cargo build --bins"
  done
  DB="journey_$$_${RANDOM}"
  "${PSQL[@]}" -c "CREATE DATABASE \"$DB\""
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
  SERVICE_TOKEN="journey-only-$RANDOM$RANDOM"
  IDENTITY_ADDR="127.0.0.1:$(free_port)"
  EVALUATION_ADDR="127.0.0.1:$(free_port)"
  SESSION_ADDR="127.0.0.1:$(free_port)"
  start identity-service "$IDENTITY_ADDR" BCRYPT_COST=4 BCRYPT_ALLOW_INSECURE_COST=true
  start evaluation-service "$EVALUATION_ADDR" SERVICE_TOKEN="$SERVICE_TOKEN"
  start session-service "$SESSION_ADDR" SERVICE_TOKEN="$SERVICE_TOKEN" \
    IDENTITY_URL="http://$IDENTITY_ADDR" EVALUATION_URL="http://$EVALUATION_ADDR"
else
  : "${IDENTITY_ADDR:?set IDENTITY_ADDR too}" "${EVALUATION_ADDR:?set EVALUATION_ADDR too}"
  for addr in "$IDENTITY_ADDR" "$EVALUATION_ADDR" "$SESSION_ADDR"; do wait_serving "$addr"; done
fi

expect_listed "$IDENTITY_ADDR" "$IDENTITY"
expect_listed "$SESSION_ADDR" "$SESSION"
expect_listed "$EVALUATION_ADDR" "$EVALUATION"
expect_described "$IDENTITY_ADDR" "$IDENTITY" interview_coach.identity.v1.RegisterRequest
expect_described "$SESSION_ADDR" "$SESSION" interview_coach.session.v1.Evaluation \
  interview_coach.common.v1.Provenance interview_coach.common.v1.InterviewType
expect_described "$EVALUATION_ADDR" "$EVALUATION" interview_coach.evaluation.v1.EvaluateAnswerRequest \
  interview_coach.common.v1.RedFlag interview_coach.common.v1.Confidence
described="$(grpcurl -plaintext "$SESSION_ADDR" describe "$SESSION")" || fail "describe failed"
for rpc in CreateSession GetSession ListSessions SubmitAnswer CompleteSession AbandonSession GetProgress; do
  grep -q "rpc $rpc " <<<"$described" || fail "describe lacks rpc $rpc"
done
echo "ok   describe $SESSION"

EMAIL="journey-$RANDOM$RANDOM@example.com"
PASSWORD="journey password 1"
registered="$(call "$IDENTITY_ADDR" "$IDENTITY/Register" \
  "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\", \"name\": \"Journey\"}")"
TOKEN="$(json_field tokens.accessToken <<<"$registered")"
AUTH=(-H "authorization: Bearer $TOKEN")
echo "ok   Register"

created="$(call "$SESSION_ADDR" "$SESSION/CreateSession" \
  '{"interviewType": "INTERVIEW_TYPE_TECHNICAL", "durationMinutes": 30, "difficulty": "DIFFICULTY_EASY"}' "${AUTH[@]}")"
SESSION_ID="$(json_field session.id <<<"$created")"
[ "$(json_field session.questionCount <<<"$created")" = 3 ] || fail "30 minutes should give 3 questions: $created"
echo "ok   CreateSession $SESSION_ID"
# An answer of invisible characters only (zero-width space, joiners, BOM) is blank.
first_question="$(json_field "session.questions.0.id" <<<"$created")"
call_fails InvalidArgument "$SESSION_ADDR" "$SESSION/SubmitAnswer" \
  "{\"sessionId\": \"$SESSION_ID\", \"questionId\": \"$first_question\", \"answerText\": \"\\u200b\\u200c\\u200d\\ufeff\"}" "${AUTH[@]}"

for i in 0 1 2; do
  question_id="$(json_field "session.questions.$i.id" <<<"$created")"
  answer="My approach: clarify the requirements, use a hash map for O(1) lookups, analyse the time complexity O(n), handle edge cases like empty input and duplicates, and write unit tests."
  submitted="$(call "$SESSION_ADDR" "$SESSION/SubmitAnswer" \
    "{\"sessionId\": \"$SESSION_ID\", \"questionId\": \"$question_id\", \"answerText\": \"$answer\"}" "${AUTH[@]}")"
  state="$(json_field evaluationState <<<"$submitted")"
  [ "$state" = EVALUATION_STATE_EVALUATED ] || fail "answer $i not evaluated inline: $submitted"
  echo "ok   SubmitAnswer $((i + 1)): score $(json_field evaluation.score <<<"$submitted")"
done
call_fails AlreadyExists "$SESSION_ADDR" "$SESSION/SubmitAnswer" \
  "{\"sessionId\": \"$SESSION_ID\", \"questionId\": \"$question_id\", \"answerText\": \"again\"}" "${AUTH[@]}"

fetched="$(call "$SESSION_ADDR" "$SESSION/GetSession" "{\"sessionId\": \"$SESSION_ID\"}" "${AUTH[@]}")"
[ "$(json_field session.answeredCount <<<"$fetched")" = 3 ] || fail "GetSession: $fetched"
echo "ok   GetSession"

completed="$(call "$SESSION_ADDR" "$SESSION/CompleteSession" "{\"sessionId\": \"$SESSION_ID\"}" "${AUTH[@]}")"
[ "$(json_field session.status <<<"$completed")" = SESSION_STATUS_COMPLETED ] || fail "CompleteSession: $completed"
echo "ok   CompleteSession: overall $(json_field session.overallScore <<<"$completed")"
call_fails FailedPrecondition "$SESSION_ADDR" "$SESSION/CompleteSession" "{\"sessionId\": \"$SESSION_ID\"}" "${AUTH[@]}"

listed="$(call "$SESSION_ADDR" "$SESSION/ListSessions" '{"pageSize": 10}' "${AUTH[@]}")"
[ "$(json_field sessions.0.id <<<"$listed")" = "$SESSION_ID" ] || fail "ListSessions: $listed"
echo "ok   ListSessions"
# proto3's zero value means "the default": 40 minutes give 4 questions.
zero="$(call "$SESSION_ADDR" "$SESSION/CreateSession" \
  '{"interviewType": "INTERVIEW_TYPE_BEHAVIORAL", "durationMinutes": 40, "difficulty": "DIFFICULTY_EASY", "questionCount": 0}' "${AUTH[@]}")"
[ "$(json_field session.questionCount <<<"$zero")" = 4 ] || fail "questionCount 0 should be the default: $zero"
echo "ok   CreateSession with questionCount 0: the default"

progress="$(call "$SESSION_ADDR" "$SESSION/GetProgress" '{}' "${AUTH[@]}")"
[ "$(json_field sessionsCompleted <<<"$progress")" = 1 ] || fail "GetProgress: $progress"
[ "$(json_field byType.0.answerCount <<<"$progress")" = 3 ] || fail "GetProgress by type: $progress"
echo "ok   GetProgress"

call_fails InvalidArgument "$SESSION_ADDR" "$SESSION/CreateSession" \
  '{"interviewType": "INTERVIEW_TYPE_TECHNICAL", "durationMinutes": 29, "difficulty": "DIFFICULTY_EASY"}' "${AUTH[@]}"
call_fails NotFound "$SESSION_ADDR" "$SESSION/GetSession" \
  '{"sessionId": "00000000-0000-4000-8000-000000000000"}' "${AUTH[@]}"
call_fails Unauthenticated "$SESSION_ADDR" "$SESSION/GetSession" "{\"sessionId\": \"$SESSION_ID\"}"
call_fails Unauthenticated "$EVALUATION_ADDR" "$EVALUATION/GetEvaluation" \
  '{"answerId": "00000000-0000-4000-8000-000000000000"}' "${AUTH[@]}"
call_fails Unauthenticated "$EVALUATION_ADDR" "$EVALUATION/GenerateQuestions" \
  '{"interviewType": "INTERVIEW_TYPE_TECHNICAL", "difficulty": "DIFFICULTY_EASY", "count": 1}'

echo "PASS grpcurl-journey"
