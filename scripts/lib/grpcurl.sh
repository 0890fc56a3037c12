# Helpers for the grpcurl journeys (sourced, not run). Every call goes through server
# reflection only: no .proto files.

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# free_port: an unused TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# target_dir: the cargo target dir as an absolute path.
target_dir() {
  local dir="${CARGO_TARGET_DIR:-target}"
  case "$dir" in
    /*) echo "$dir" ;;
    *) echo "$ROOT/$dir" ;;
  esac
}

# wait_serving ADDR [PID]: polls grpc.health.v1 until SERVING (15 s at most).
wait_serving() {
  local addr=$1 pid=${2:-}
  for _ in $(seq 1 150); do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      fail "the service for $addr exited during start-up"
    fi
    if grpcurl -plaintext -max-time 1 "$addr" grpc.health.v1.Health/Check 2>/dev/null |
      grep -q '"status": "SERVING"'; then
      echo "ok   health SERVING on $addr"
      return 0
    fi
    sleep 0.1
  done
  fail "$addr did not report SERVING within 15 s"
}

# call ADDR SERVICE/METHOD JSON [grpcurl flags...]: expects OK, prints the response.
call() {
  local addr=$1 method=$2 data=$3 out
  shift 3
  if ! out="$(grpcurl -plaintext -max-time 20 "$@" -d "$data" "$addr" "$method" 2>&1)"; then
    fail "$method: expected OK, got: $out"
  fi
  printf '%s\n' "$out"
}

# call_fails CODE ADDR SERVICE/METHOD JSON [grpcurl flags...]: expects failure with CODE.
call_fails() {
  local code=$1 addr=$2 method=$3 data=$4 out
  shift 4
  if out="$(grpcurl -plaintext -max-time 20 "$@" -d "$data" "$addr" "$method" 2>&1)"; then
    fail "$method: expected $code, got OK: $out"
  fi
  grep -q "Code: $code\$" <<<"$out" || fail "$method: expected $code, got: $out"
  echo "ok   ${method##*/} -> $code"
}

# json_field PATH: reads a dotted path (list indexes allowed) from the JSON on stdin.
json_field() {
  python3 -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value[int(key)] if isinstance(value, list) else value[key]
print(value)' "$1"
}

# expect_listed ADDR SERVICE: `grpcurl list` shows exactly SERVICE, health and server
# reflection (v1 and v1alpha): what that address serves, nothing else.
expect_listed() {
  local addr=$1 service=$2 services expected
  services="$(grpcurl -plaintext "$addr" list | sort)" || fail "list on $addr failed"
  expected="$(printf '%s\n' "$service" grpc.health.v1.Health \
    grpc.reflection.v1.ServerReflection grpc.reflection.v1alpha.ServerReflection | sort)"
  [ "$services" = "$expected" ] || fail "list on $addr: expected $expected, got: $services"
  echo "ok   list $addr: $service, health, reflection"
}

# expect_described ADDR SERVICE TYPE...: `describe` resolves SERVICE and each message TYPE
# it uses (shared common.v1 ones included) on ADDR, and not the other services' contracts.
expect_described() {
  local addr=$1 service=$2 other
  shift 2
  grpcurl -plaintext "$addr" describe "$service" | grep -q "^service " ||
    fail "describe $service on $addr failed"
  for type in "$@"; do
    grpcurl -plaintext "$addr" describe "$type" | grep -qE "^(message|enum) " ||
      fail "describe $type on $addr failed"
  done
  for other in interview_coach.identity.v1.IdentityService \
    interview_coach.session.v1.SessionService interview_coach.evaluation.v1.EvaluationService; do
    [ "$other" = "$service" ] && continue
    if grpcurl -plaintext "$addr" describe "$other" >/dev/null 2>&1; then
      fail "describe $other on $addr resolves a service it does not serve"
    fi
  done
  echo "ok   describe $service and $# message types on $addr"
}
