#!/usr/bin/env bash
# Starts the machine's Postgres 15 if it is not answering, then waits until it accepts connections.
set -euo pipefail
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "postgres is down: starting it"
  pg_ctlcluster --skip-systemctl-redirect 15 main start || true
fi
for _ in $(seq 1 60); do
  pg_isready -h 127.0.0.1 -p 5432 -q && exit 0
  sleep 0.5
done
echo "postgres did not come up on 127.0.0.1:5432" >&2
exit 1
