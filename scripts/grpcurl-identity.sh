#!/usr/bin/env bash
# Journey through identity-service with grpcurl and server reflection only (no .proto files):
# a fresh database, the debug binary on a free port, then list/describe and the main RPCs,
# each asserting its status code. Needs `cargo build -p identity-service` first.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
case "$TARGET_DIR" in
  /*) ;;
  *) TARGET_DIR="$ROOT/$TARGET_DIR" ;;
esac
BIN="$TARGET_DIR/debug/identity-service"
SERVICE="interview_coach.identity.v1.IdentityService"
PSQL=(psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -q)

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[ -x "$BIN" ] || fail "$BIN not found; run: cargo build -p identity-service"
command -v grpcurl >/dev/null || fail "grpcurl is not on PATH"

DB="identity_journey_$$_${RANDOM}"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
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

serving=false
for _ in $(seq 1 150); do
  kill -0 "$SERVICE_PID" 2>/dev/null || fail "identity-service exited during start-up"
  if grpcurl -plaintext -max-time 1 "$ADDR" grpc.health.v1.Health/Check 2>/dev/null |
    grep -q '"status": "SERVING"'; then
    serving=true
    break
  fi
  sleep 0.1
done
$serving || fail "identity-service did not report SERVING on $ADDR within 15 s"
echo "ok   health SERVING on $ADDR"

# call METHOD JSON [grpcurl flags...]: expects OK, prints the response.
call() {
  local method=$1 data=$2 out
  shift 2
  if ! out="$(grpcurl -plaintext -max-time 10 "$@" -d "$data" "$ADDR" "$SERVICE/$method" 2>&1)"; then
    fail "$method: expected OK, got: $out"
  fi
  printf '%s\n' "$out"
}

# call_fails CODE METHOD JSON [grpcurl flags...]: expects the call to fail with CODE.
call_fails() {
  local code=$1 method=$2 data=$3 out
  shift 3
  if out="$(grpcurl -plaintext -max-time 10 "$@" -d "$data" "$ADDR" "$SERVICE/$method" 2>&1)"; then
    fail "$method: expected $code, got OK: $out"
  fi
  grep -q "Code: $code\$" <<<"$out" || fail "$method: expected $code, got: $out"
  echo "ok   $method -> $code"
}

# json_field PATH: reads a dotted path from the JSON on stdin.
json_field() {
  python3 -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value[key]
print(value)' "$1"
}

services="$(grpcurl -plaintext "$ADDR" list)" || fail "list failed"
for expected in "$SERVICE" grpc.health.v1.Health; do
  grep -qx "$expected" <<<"$services" || fail "list lacks $expected: $services"
done
# grpcurl lists the reflection version it speaks (v1alpha for 1.8, v1 for newer ones).
grep -qE '^grpc\.reflection\.v1(alpha)?\.ServerReflection$' <<<"$services" ||
  fail "list lacks server reflection: $services"
echo "ok   list"

described="$(grpcurl -plaintext "$ADDR" describe "$SERVICE")" || fail "describe failed"
for rpc in Register Login RefreshToken Logout GetCurrentUser UpdateCurrentUser ChangePassword \
  DeleteCurrentUser ListSigningKeys; do
  grep -q "rpc $rpc " <<<"$described" || fail "describe lacks rpc $rpc"
done
grpcurl -plaintext "$ADDR" describe interview_coach.identity.v1.RegisterRequest |
  grep -q "string password" || fail "describe RegisterRequest lacks its fields"
echo "ok   describe"

PASSWORD="journey password 1"
registered="$(call Register "{\"email\": \"  Journey@Example.com \", \"password\": \"$PASSWORD\", \"name\": \"Journey\"}")"
[ "$(json_field user.email <<<"$registered")" = "journey@example.com" ] ||
  fail "Register did not normalise the email: $registered"
[ "$(json_field tokens.tokenType <<<"$registered")" = "Bearer" ] || fail "Register: no Bearer tokens"
echo "ok   Register"

logged_in="$(call Login "{\"email\": \"journey@example.com\", \"password\": \"$PASSWORD\"}")"
ACCESS_TOKEN="$(json_field tokens.accessToken <<<"$logged_in")"
REFRESH_TOKEN="$(json_field tokens.refreshToken <<<"$logged_in")"
echo "ok   Login"

current="$(call GetCurrentUser '{}' -H "authorization: Bearer $ACCESS_TOKEN")"
[ "$(json_field user.email <<<"$current")" = "journey@example.com" ] ||
  fail "GetCurrentUser returned another account: $current"
echo "ok   GetCurrentUser"

keys="$(call ListSigningKeys '{}')"
python3 -c '
import json, sys
d = json.load(sys.stdin)
keys = d["keys"]
assert keys and keys[0]["algorithm"] == "EdDSA" and keys[0]["active"], keys
assert keys[0]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----"), keys
assert d["issuer"] == "interview-coach-identity" and d["audience"] == "interview-coach", d
' <<<"$keys" || fail "ListSigningKeys: $keys"
echo "ok   ListSigningKeys"

call RefreshToken "{\"refreshToken\": \"$REFRESH_TOKEN\"}" >/dev/null
echo "ok   RefreshToken"

call_fails InvalidArgument Register "{\"email\": \"not-an-email\", \"password\": \"$PASSWORD\", \"name\": \"X\"}"
call_fails Unauthenticated Login '{"email": "journey@example.com", "password": "wrong password here"}'
call_fails AlreadyExists Register "{\"email\": \"JOURNEY@example.com\", \"password\": \"$PASSWORD\", \"name\": \"Again\"}"
call_fails Unauthenticated GetCurrentUser '{}'
call_fails Unauthenticated RefreshToken "{\"refreshToken\": \"$REFRESH_TOKEN\"}"

echo "PASS grpcurl-identity"
