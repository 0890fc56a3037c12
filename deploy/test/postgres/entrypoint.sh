#!/bin/sh
# Test Postgres: on first start initialise the cluster (password auth from the compose
# network when POSTGRES_PASSWORD is set, trust otherwise) and create POSTGRES_DB; then run
# the server in the foreground as PID 1 so `docker stop` shuts it down cleanly.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
db="${POSTGRES_DB:-postgres}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb -D "$PGDATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pwfile" >/dev/null
    rm -f "$pwfile"
    host_auth=scram-sha-256
  else
    initdb -D "$PGDATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=trust >/dev/null
    host_auth=trust
  fi
  {
    echo "host all all 0.0.0.0/0 $host_auth"
    echo "host all all ::/0 $host_auth"
  } >> "$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    # A private, socket-only server for the set-up, so no client sees a half-made cluster.
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    createdb -U postgres "$db"
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  fi
  echo "entrypoint: initialised $PGDATA (database $db, host auth $host_auth)"
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
