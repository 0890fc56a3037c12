#!/usr/bin/env bash
# Journey through identity-service with grpcurl and server reflection only (no .proto files):
# a fresh database, the debug binary on a free port, then list/describe and the main RPCs,
# each asserting its status code. Needs `cargo build -p identity-service` first.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/grpcurl.sh
. "$ROOT/scripts/lib/grpcurl.sh"
BIN="$(target_dir)/debug/identity-service"
SERVICE="interview_coach.identity.v1.IdentityService"
PSQL=(psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -q)

[ -x "$BIN" ] || fail "$BIN not found; run: cargo build -p identity-service"
command -v grpcurl >/dev/null || fail "grpcurl is not on PATH"

DB="identity_journey_$$_${RANDOM}"
PORT="$(free_port)"
ADDR="127.0.0.1:$PORT"
LOG="$(mktemp)"
SERVICE_PID=""

cleanup() {
  local status=$?
  if [ -n "$SERVICE_PID" ] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  if [ "$status" -ne 0 ]; then
    echo "--- identity-service log (last 40 lines)" >&2
    tail -n 40 "$LOG" >&2 || true
  fi
  rm -f "$LOG"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${PSQL[@]}" -c "CREATE DATABASE \"$DB\""

DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" \
  LISTEN_ADDR="$ADDR" \
  BCRYPT_COST=4 BCRYPT_ALLOW_INSECURE_COST=true \
  SHUTDOWN_DRAIN_SECS=2 METRICS_ADDR=off \
  "$BIN" >"$LOG" 2>&1 &
SERVICE_PID=$!

wait_serving "$ADDR" "$SERVICE_PID"

# The identity service's own calls: METHOD JSON [grpcurl flags...].
icall() { call "$ADDR" "$SERVICE/$1" "${@:2}"; }
icall_fails() { call_fails "$1" "$ADDR" "$SERVICE/$2" "${@:3}"; }

expect_listed "$ADDR" "$SERVICE"

described="$(grpcurl -plaintext "$ADDR" describe "$SERVICE")" || fail "describe failed"
for rpc in Register Login RefreshToken Logout GetCurrentUser UpdateCurrentUser ChangePassword \
  DeleteCurrentUser ListSigningKeys ListTokenRevocations; do
  grep -q "rpc $rpc " <<<"$described" || fail "describe lacks rpc $rpc"
done
grpcurl -plaintext "$ADDR" describe interview_coach.identity.v1.RegisterRequest |
  grep -q "string password" || fail "describe RegisterRequest lacks its fields"
echo "ok   describe"

PASSWORD="journey password 1"
registered="$(icall Register "{\"email\": \"  Journey@Example.com \", \"password\": \"$PASSWORD\", \"name\": \"Journey\"}")"
[ "$(json_field user.email <<<"$registered")" = "journey@example.com" ] ||
  fail "Register did not normalise the email: $registered"
[ "$(json_field tokens.tokenType <<<"$registered")" = "Bearer" ] || fail "Register: no Bearer tokens"
echo "ok   Register"

logged_in="$(icall Login "{\"email\": \"journey@example.com\", \"password\": \"$PASSWORD\"}")"
ACCESS_TOKEN="$(json_field tokens.accessToken <<<"$logged_in")"
REFRESH_TOKEN="$(json_field tokens.refreshToken <<<"$logged_in")"
echo "ok   Login"

current="$(icall GetCurrentUser '{}' -H "authorization: Bearer $ACCESS_TOKEN")"
[ "$(json_field user.email <<<"$current")" = "journey@example.com" ] ||
  fail "GetCurrentUser returned another account: $current"
echo "ok   GetCurrentUser"

keys="$(icall ListSigningKeys '{}')"
python3 -c '
import json, sys
d = json.load(sys.stdin)
keys = d["keys"]
assert keys and keys[0]["algorithm"] == "EdDSA" and keys[0]["active"], keys
assert keys[0]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----"), keys
assert d["issuer"] == "interview-coach-identity" and d["audience"] == "interview-coach", d
' <<<"$keys" || fail "ListSigningKeys: $keys"
echo "ok   ListSigningKeys"

revocations="$(icall ListTokenRevocations '{}')"
python3 -c '
import json, sys
d = json.load(sys.stdin)
assert "asOf" in d and not d.get("revocations"), d
' <<<"$revocations" || fail "ListTokenRevocations: $revocations"
echo "ok   ListTokenRevocations"

icall RefreshToken "{\"refreshToken\": \"$REFRESH_TOKEN\"}" >/dev/null
echo "ok   RefreshToken"

icall_fails InvalidArgument Register "{\"email\": \"not-an-email\", \"password\": \"$PASSWORD\", \"name\": \"X\"}"
icall_fails Unauthenticated Login '{"email": "journey@example.com", "password": "wrong password here"}'
icall_fails AlreadyExists Register "{\"email\": \"JOURNEY@example.com\", \"password\": \"$PASSWORD\", \"name\": \"Again\"}"
icall_fails Unauthenticated GetCurrentUser '{}'
icall_fails Unauthenticated RefreshToken "{\"refreshToken\": \"$REFRESH_TOKEN\"}"

echo "PASS grpcurl-identity"
