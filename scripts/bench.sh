#!/usr/bin/env bash
# The benchmark in one command (see BENCHMARKS.md): builds release binaries, creates a fresh
# database, starts identity, evaluation and session (built-in evaluator, default bcrypt cost)
# on free ports, runs loadgen, then stops everything and drops the database.
#
#   scripts/bench.sh                                   # every scenario, 32 users, 15 s each
#   scripts/bench.sh --mix get-session --duration 10s  # any loadgen options instead
#   SKIP_BUILD=1 scripts/bench.sh                      # reuse the last release build
#   BENCH_BIN=/tmp/before SKIP_BUILD=1 scripts/bench.sh # binaries from elsewhere (before/after)
#
# Results: stdout (tables) and target/bench/latest.json; service logs in target/bench/*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/ensure-postgres.sh

[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release --bins
bin="${BENCH_BIN:-${CARGO_TARGET_DIR:-$root/target}/release}"
out="${BENCH_OUT:-$root/target/bench}"
mkdir -p "$out"

pg="postgres://postgres@127.0.0.1:5432"
db="bench_$(date +%s)_$$"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null || true
}
trap cleanup EXIT INT TERM
psql "$pg/postgres" -qc "CREATE DATABASE \"$db\""
export DATABASE_URL="$pg/$db"

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    port_is_free "$port" && { echo "$port"; return; }
  done
}

export METRICS_ADDR=off LOG_FORMAT=json RUST_LOG="${RUST_LOG:-warn}"
SERVICE_TOKEN=$(head -c 32 /dev/urandom | base64 | tr -d '=+/')
export SERVICE_TOKEN

start() { # name port [env...]
  local name=$1 port=$2; shift 2
  env LISTEN_ADDR="127.0.0.1:$port" "$@" "$bin/$name" >"$out/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do
    LISTEN_ADDR="127.0.0.1:$port" "$bin/$name" healthcheck 2>/dev/null && return
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "$name exited; see $out/$name.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "$name did not become healthy; see $out/$name.log" >&2
  exit 1
}

identity_port=$(free_port)
start identity-service "$identity_port"
identity_pid=${pids[-1]}
evaluation_port=$(free_port)
start evaluation-service "$evaluation_port"
evaluation_pid=${pids[-1]}
session_port=$(free_port)
# Quotas off: 32 virtual users each create hundreds of sessions an hour, far past any
# per-user quota, which would (rightly) refuse them.
start session-service "$session_port" \
  IDENTITY_URL="http://127.0.0.1:$identity_port" EVALUATION_URL="http://127.0.0.1:$evaluation_port" \
  SESSION_CREATE_QUOTA_PER_HOUR=0 ANSWER_QUOTA_PER_HOUR=0
session_pid=${pids[-1]}
echo "stack up on database $db: identity :$identity_port, evaluation :$evaluation_port, session :$session_port" >&2

if [ $# -eq 0 ]; then
  set -- --mix login,mixed,submit,get-session,journey --users 32 --login-users 8 --read-rate 300 \
    --duration 15s --warmup 3s
fi
"$bin/loadgen" \
  --identity-url "http://127.0.0.1:$identity_port" \
  --session-url "http://127.0.0.1:$session_port" \
  --pid "identity-service=$identity_pid" \
  --pid "session-service=$session_pid" \
  --pid "evaluation-service=$evaluation_pid" \
  --json-out "$out/latest.json" \
  "$@"
