#!/usr/bin/env bash
# The project's test command: every Rust test (unit, integration over real gRPC and the real
# Postgres, a fresh database per test) and the grpcurl journeys through reflection.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-postgres.sh
scripts/ensure-tools.sh
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
cargo build --workspace --bins
for journey in scripts/grpcurl-*.sh; do
  [ -e "$journey" ] || continue
  echo "== $journey"
  bash "$journey"
done
