#!/usr/bin/env bash
# Starts the whole stack locally against this machine's Postgres: identity (:50051),
# evaluation (:50053) and session (:50052), each applying pending migrations at start-up.
# Ctrl-C stops everything. Then, in another terminal: `cargo run -p coach -- register`.
#
#   PROFILE=debug scripts/run-local.sh      # faster build, slower services
#   COACH_DB=mydb scripts/run-local.sh      # another database
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/ensure-postgres.sh

db="${COACH_DB:-interview_coach}"
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE \"$db\""
  echo "created database $db"
fi

profile="${PROFILE:-release}"
if [ "$profile" = release ]; then cargo build --release --bins; else cargo build --bins; fi
bin="${CARGO_TARGET_DIR:-$root/target}/$profile"

# Local-only secrets, kept out of the repo (.local/ is git-ignored).
mkdir -p .local && chmod 700 .local
[ -s .local/service-token ] || (umask 077; head -c 32 /dev/urandom | base64 | tr -d '=+/' > .local/service-token)
if [ ! -s .local/signing-key.pem ] && command -v openssl >/dev/null; then
  (umask 077; openssl genpkey -algorithm ED25519 -out .local/signing-key.pem)
fi

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
export SERVICE_TOKEN; SERVICE_TOKEN=$(cat .local/service-token)
export RUST_LOG="${RUST_LOG:-info}" LOG_FORMAT="${LOG_FORMAT:-pretty}"
[ -s .local/signing-key.pem ] && export JWT_SIGNING_KEYS_FILE="$root/.local/signing-key.pem"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait; }
trap cleanup EXIT INT TERM

start() { # name addr [env...]
  local name=$1 addr=$2; shift 2
  env LISTEN_ADDR="$addr" "$@" "$bin/$name" &
  pids+=($!)
  for _ in $(seq 1 100); do
    LISTEN_ADDR="$addr" "$bin/$name" healthcheck 2>/dev/null && { echo "$name ready on $addr"; return; }
    sleep 0.2
  done
  echo "$name did not become healthy" >&2; exit 1
}

start identity-service 127.0.0.1:50051
start evaluation-service 127.0.0.1:50053
start session-service 127.0.0.1:50052 IDENTITY_URL=http://127.0.0.1:50051 EVALUATION_URL=http://127.0.0.1:50053
echo "stack up: try 'cargo run -p coach -- register' or 'grpcurl -plaintext 127.0.0.1:50051 list'"
wait
