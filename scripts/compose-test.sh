#!/usr/bin/env bash
# Runs the stack the way production packages it, on this machine and offline:
#
#   1. static checks (scripts/validate-deploy.sh: compose files, hadolint, k8s manifests);
#   2. a private Docker engine (own data root, exec root, pidfile and socket);
#   3. a Debian bookworm base image made locally with debootstrap (cached tarball), a
#      Postgres 15 image built on it (deploy/test/postgres), and the service images from
#      release binaries built on the host (`deploy/Dockerfile --target prebuilt`);
#   4. docker-compose.yml + docker-compose.test.yml up: postgres, migrate, identity,
#      evaluation, session, with the signing key passed as a compose secret;
#   5. every service healthy (grpc.health.v1 through the images' `healthcheck`), then the
#      journey through the published ports on 127.0.0.1 with grpcurl;
#   6. SIGTERM drain: every service must exit 0 on `stop`; then `down -v`, engine stopped.
#
# When no engine can start here it says so loudly and exits 0 after the static checks.
#
#   scripts/compose-test.sh
#   JOURNEY_SCRIPT=path/to/journey.sh scripts/compose-test.sh
#       # after the built-in checks, runs that journey (default scripts/grpcurl-journey.sh)
#       # against the stack: IDENTITY_ADDR, SESSION_ADDR, EVALUATION_ADDR set and passed as
#       # arguments too (127.0.0.1:50051 127.0.0.1:50052 127.0.0.1:50053)
#   COMPOSE_TEST_PROFILE=debug scripts/compose-test.sh   # package the debug binaries
#   KEEP_STACK=1 scripts/compose-test.sh   # leave stack and engine up to poke at; prints how to stop
#
# Caches (safe to delete): /var/tmp/interview-coach-deploy (base tarball, build contexts)
# and the engine's data root /var/tmp/interview-coach-deploy/docker (images between runs).
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${COMPOSE_TEST_CACHE:-/var/tmp/interview-coach-deploy}
run_dir=/tmp/ic-docker
export DOCKER_HOST="unix://$run_dir/docker.sock"
project=interview-coach-test
base_image=interview-coach-test/debian:bookworm-minbase
postgres_image=interview-coach-test/postgres:15
image_prefix=interview-coach
image_tag="test"
services=(identity-service evaluation-service session-service)
wait_secs=${COMPOSE_TEST_WAIT_SECS:-180}
# release (as shipped) or debug (reuses the test build: faster in CI, slower bcrypt).
profile=${COMPOSE_TEST_PROFILE:-release}

started=$(date +%s)
section_started=$started
section_name=""
timings=()
passed=0
failed=0
dockerd_pid=""
stack_up=false
secrets_dir=""

log() { printf '%s\n' "$*"; }
section() {
  end_section
  section_name=$1
  section_started=$(date +%s)
  printf '\n==== %s\n' "$section_name"
}
end_section() {
  if [ -n "$section_name" ]; then
    local took=$(($(date +%s) - section_started))
    timings+=("$(printf '%4ds  %s' "$took" "$section_name")")
    section_name=""
  fi
}
pass() { passed=$((passed + 1)); log "  ok   $*"; }
fail() { failed=$((failed + 1)); log "  FAIL $*"; }
loud() {
  printf '\n%s\n' "########################################################################"
  printf '### %s\n' "$@"
  printf '%s\n\n' "########################################################################"
}

compose() {
  docker-compose -p "$project" -f docker-compose.yml -f docker-compose.test.yml \
    -f deploy/compose/secrets.yml "$@"
}

# The Docker CLI that builds with BuildKit (DOCKER_BUILDKIT=1): Debian's docker.io client
# has it built in; a newer client needs the buildx plugin for it.
docker_cli=docker
pick_docker_cli() {
  if docker buildx version >/dev/null 2>&1; then
    docker_cli=docker
  elif [ -x /usr/bin/docker ]; then
    docker_cli=/usr/bin/docker
  fi
}
docker() { command "${docker_cli:-docker}" "$@"; }

summary() {
  end_section
  printf '\n==== timings\n'
  printf '%s\n' "${timings[@]}"
  printf '%4ds  total\n' "$(($(date +%s) - started))"
}

stop_engine() {
  [ -n "$dockerd_pid" ] || return 0
  if kill -0 "$dockerd_pid" 2>/dev/null; then
    kill "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$dockerd_pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$dockerd_pid" 2>/dev/null; then
      log "dockerd $dockerd_pid did not stop in 30 s; killing it"
      kill -9 "$dockerd_pid" 2>/dev/null || true
    fi
  fi
  dockerd_pid=""
}

cleanup() {
  local status=$?
  set +e
  if [ "${KEEP_STACK:-0}" = 1 ] && [ -n "$dockerd_pid" ]; then
    log ""
    log "KEEP_STACK=1: stack and engine left running. Stop them with:"
    log "  DOCKER_HOST=$DOCKER_HOST docker-compose -p $project -f docker-compose.yml -f docker-compose.test.yml -f deploy/compose/secrets.yml down -v"
    log "  kill $dockerd_pid"
  else
    if $stack_up; then
      printf '\n==== teardown (down -v)\n'
      compose down -v --remove-orphans >/dev/null 2>&1 || true
    fi
    # Bound the data root: dangling images and build cache beyond 1.5 GB go.
    if [ -n "$dockerd_pid" ]; then
      docker image prune -f >/dev/null 2>&1
      docker builder prune -f --keep-storage 1500mb >/dev/null 2>&1
    fi
    stop_engine
  fi
  [ -n "$secrets_dir" ] && rm -rf "$secrets_dir"
  summary
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------
section "tools"
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} (apt-get)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends "${missing[@]}" >/dev/null; }; then
    log "could not install ${missing[*]}"
  fi
fi
command -v grpcurl >/dev/null 2>&1 || { [ -x scripts/ensure-tools.sh ] && scripts/ensure-tools.sh; }
pick_docker_cli
log "docker-compose: $(docker-compose version --short 2>/dev/null || echo missing)"
log "dockerd:        $(dockerd --version 2>/dev/null || echo missing)"
log "docker CLI:     $docker_cli ($(docker --version 2>/dev/null || echo missing))"
log "grpcurl:        $(grpcurl -version 2>&1 || echo missing)"

# ---------------------------------------------------------------------------------------
section "static checks (scripts/validate-deploy.sh)"
if scripts/validate-deploy.sh; then pass "validate-deploy"; else fail "validate-deploy"; exit 1; fi

# ---------------------------------------------------------------------------------------
section "docker engine"
mkdir -p "$run_dir" "$cache/docker"
if [ -s "$run_dir/dockerd.pid" ]; then
  old=$(cat "$run_dir/dockerd.pid")
  if kill -0 "$old" 2>/dev/null && grep -q dockerd "/proc/$old/cmdline" 2>/dev/null; then
    log "stopping the engine a previous run left behind (pid $old, from our pidfile)"
    dockerd_pid=$old
    stop_engine
  fi
  rm -f "$run_dir/dockerd.pid"
fi
engine_ok=false
if command -v dockerd >/dev/null 2>&1; then
  dockerd --data-root "$cache/docker" --exec-root "$run_dir/exec" \
    --pidfile "$run_dir/dockerd.pid" -H "$DOCKER_HOST" \
    >"$run_dir/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 120); do
    if docker info >/dev/null 2>&1; then engine_ok=true; break; fi
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.5
  done
fi
if ! $engine_ok; then
  loud "NO DOCKER ENGINE: dockerd could not start on this machine." \
    "The static checks passed; the compose integration test was NOT run." \
    "Last lines of $run_dir/dockerd.log:"
  tail -20 "$run_dir/dockerd.log" 2>/dev/null || true
  stop_engine
  exit 0
fi
log "engine up: pid $dockerd_pid, $DOCKER_HOST, $(docker version --format '{{.Server.Version}}')"

# ---------------------------------------------------------------------------------------
section "base image ($base_image, debootstrap minbase bookworm)"
if docker image inspect "$base_image" >/dev/null 2>&1; then
  log "already in the engine"
else
  tarball="$cache/bookworm-minbase.tar"
  if [ ! -s "$tarball" ]; then
    rootfs="$cache/rootfs.tmp"
    rm -rf "$rootfs"
    log "debootstrap --variant=minbase bookworm (about 30-60 s)"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian \
      >"$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log"; exit 1; }
    # What a slim image leaves out: downloaded packages and the package lists.
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/*
    tar -C "$rootfs" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$rootfs"
  fi
  docker import "$tarball" "$base_image" >/dev/null
  log "imported $(du -h "$tarball" | cut -f1) as $base_image"
fi

# ---------------------------------------------------------------------------------------
section "postgres image ($postgres_image, Debian postgresql-15)"
DOCKER_BUILDKIT=1 docker build -q --build-arg BASE="$base_image" -t "$postgres_image" \
  deploy/test/postgres >/dev/null
log "built"

# ---------------------------------------------------------------------------------------
section "$profile binaries (cargo build --bins)"
if [ "$profile" = release ]; then cargo build --release --bins --quiet; else cargo build --bins --quiet; fi
target_dir=$(cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
for service in "${services[@]}"; do
  ldd "$target_dir/$profile/$service" | sed "s|^|  $service: |" | grep -v -e vdso -e ld-linux || true
done

# ---------------------------------------------------------------------------------------
section "service images (deploy/Dockerfile --target prebuilt)"
for service in "${services[@]}"; do
  context="$cache/context/$service"
  rm -rf "$context"
  mkdir -p "$context/target-docker"
  cp "$target_dir/$profile/$service" "$context/target-docker/$service"
  # The previous run's image, else left behind untagged.
  docker image rm -f "$image_prefix/$service:$image_tag" >/dev/null 2>&1 || true
  DOCKER_BUILDKIT=1 docker build -q -f deploy/Dockerfile --target prebuilt \
    --build-arg RUNTIME_BASE="$base_image" --build-arg SERVICE="$service" \
    -t "$image_prefix/$service:$image_tag" "$context" >/dev/null
  size=$(docker image inspect -f '{{.Size}}' "$image_prefix/$service:$image_tag")
  user=$(docker image inspect -f '{{.Config.User}}' "$image_prefix/$service:$image_tag")
  log "  $image_prefix/$service:$image_tag  $((size / 1024 / 1024)) MiB  user $user"
  if [ "$user" = "10001:10001" ]; then pass "$service image runs as 10001"; else fail "$service image user is '$user'"; fi
done

# ---------------------------------------------------------------------------------------
section "compose up"
secrets_dir=$(mktemp -d)
chmod 700 "$secrets_dir"
openssl genpkey -algorithm ED25519 -out "$secrets_dir/signing-key.pem"
# Bind-mounted as it is: readable by the container's uid 10001, private by the 0700 dir.
chmod 644 "$secrets_dir/signing-key.pem"
export JWT_SIGNING_KEYS_PATH="$secrets_dir/signing-key.pem"
SERVICE_TOKEN=$(openssl rand -hex 24)
POSTGRES_PASSWORD=$(openssl rand -hex 16)
export SERVICE_TOKEN POSTGRES_PASSWORD
export PUBLISH_ADDR=127.0.0.1 POSTGRES_IMAGE="$postgres_image"
export IMAGE_PREFIX="$image_prefix" IMAGE_TAG="$image_tag"
stack_up=true
compose up -d --no-build

container_of() { compose ps -q "$1"; }
health_of() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1" 2>/dev/null; }
show_logs() {
  log "---- docker-compose ps"
  compose ps || true
  log "---- logs (last 40 lines each)"
  compose logs --no-color --tail=40 || true
}

# ---------------------------------------------------------------------------------------
section "health (migrate completes; identity, evaluation, session SERVING)"
deadline=$(($(date +%s) + wait_secs))
all_healthy=false
while [ "$(date +%s)" -lt "$deadline" ]; do
  migrate_id=$(container_of migrate)
  migrate_state=$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$migrate_id" 2>/dev/null || echo "missing")
  if [ "$migrate_state" != "exited 0" ] && [ "${migrate_state%% *}" = exited ]; then
    break
  fi
  states=()
  all_healthy=true
  for service in identity evaluation session; do
    id=$(container_of "$service")
    state=$( [ -n "$id" ] && health_of "$id" || echo "not created")
    states+=("$service=$state")
    [ "$state" = healthy ] || all_healthy=false
  done
  $all_healthy && break
  sleep 2
done
log "  migrate: $migrate_state; ${states[*]:-}"
if [ "$migrate_state" = "exited 0" ]; then pass "migrate exited 0"; else fail "migrate: $migrate_state"; fi
if $all_healthy; then
  pass "identity, evaluation, session healthy after $(($(date +%s) - section_started)) s"
else
  fail "services not healthy within $wait_secs s"
  show_logs
  exit 1
fi

for service in identity evaluation session; do
  hardening=$(docker inspect -f '{{.Config.User}} ro={{.HostConfig.ReadonlyRootfs}} capdrop={{.HostConfig.CapDrop}}' "$(container_of "$service")")
  if [ "$hardening" = "10001:10001 ro=true capdrop=[ALL]" ]; then
    pass "$service runs as 10001, read-only root, no capabilities"
  else
    fail "$service hardening: $hardening"
  fi
done

# ---------------------------------------------------------------------------------------
section "journey through the published ports (127.0.0.1)"
identity=127.0.0.1:50051
session=127.0.0.1:50052
evaluation=127.0.0.1:50053

json() { # json FILE PYTHON-EXPR-ON-d : prints the value, empty if missing
  python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
try:
    v=eval(sys.argv[2])
except (KeyError, IndexError, TypeError):
    v=""
print(v if not isinstance(v,(dict,list)) else json.dumps(v))' "$1" "$2"
}
call() { # call OUT ADDR METHOD JSON [grpcurl args...]: 0 when the call succeeded
  local out=$1 addr=$2 method=$3 body=$4
  shift 4
  grpcurl -plaintext -format json "$@" -d "$body" "$addr" "$method" >"$out" 2>"$out.err"
}
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

journey_dir=$(mktemp -d)
builtin_journey() {
  local d=$journey_dir
  for addr in $identity $session $evaluation; do
    check "reflection lists services on $addr" grpcurl -plaintext "$addr" list
    check "grpc.health.v1 SERVING on $addr" \
      sh -c "grpcurl -plaintext -d '{}' $addr grpc.health.v1.Health/Check | grep -q SERVING"
  done
  grpcurl -plaintext "$identity" list | sed 's/^/    /'

  local email password token session_id question_id
  email="journey-$(date +%s)-$RANDOM@example.com"
  password="correct horse battery staple"
  check "Register" call "$d/register" "$identity" interview_coach.identity.v1.IdentityService/Register \
    "{\"email\":\"$email\",\"password\":\"$password\",\"name\":\"Compose Journey\"}"
  check "Register returns tokens" test -n "$(json "$d/register" 'd["tokens"]["accessToken"]')"
  check "Login" call "$d/login" "$identity" interview_coach.identity.v1.IdentityService/Login \
    "{\"email\":\"$email\",\"password\":\"$password\"}"
  token=$(json "$d/login" 'd["tokens"]["accessToken"]')
  check "Login returns an access token" test -n "$token"
  local auth=(-H "authorization: Bearer $token")

  call "$d/wrong-password" "$identity" interview_coach.identity.v1.IdentityService/Login \
    "{\"email\":\"$email\",\"password\":\"wrong password entirely\"}" || true
  check "Login with a wrong password is UNAUTHENTICATED" grep -q Unauthenticated "$d/wrong-password.err"

  check "CreateSession" call "$d/create" "$session" interview_coach.session.v1.SessionService/CreateSession \
    '{"interviewType":"INTERVIEW_TYPE_TECHNICAL","durationMinutes":30,"difficulty":"DIFFICULTY_MEDIUM","questionCount":2}' \
    "${auth[@]}"
  session_id=$(json "$d/create" 'd["session"]["id"]')
  question_id=$(json "$d/create" 'd["session"]["questions"][0]["id"]')
  check "CreateSession returns a session with questions" test -n "$session_id" -a -n "$question_id"

  check "SubmitAnswer" call "$d/submit" "$session" interview_coach.session.v1.SessionService/SubmitAnswer \
    "{\"sessionId\":\"$session_id\",\"questionId\":\"$question_id\",\"answerText\":\"I would start by measuring: add tracing around the slow path, find the hot spot, then fix it with an index or a cache, and verify the latency drop with a benchmark before and after. The trade-off is memory against speed.\"}" \
    "${auth[@]}"
  log "    evaluation state: $(json "$d/submit" 'd.get("evaluationState","")')  score: $(json "$d/submit" 'd["evaluation"]["score"]')"

  check "GetSession" call "$d/get" "$session" interview_coach.session.v1.SessionService/GetSession \
    "{\"sessionId\":\"$session_id\"}" "${auth[@]}"
  check "GetSession shows the answer" test "$(json "$d/get" 'd["session"]["answeredCount"]')" = 1

  check "CompleteSession" call "$d/complete" "$session" interview_coach.session.v1.SessionService/CompleteSession \
    "{\"sessionId\":\"$session_id\"}" "${auth[@]}"
  check "the session is COMPLETED" test "$(json "$d/complete" 'd["session"]["status"]')" = SESSION_STATUS_COMPLETED

  check "GetProgress" call "$d/progress" "$session" interview_coach.session.v1.SessionService/GetProgress '{}' "${auth[@]}"
  check "GetProgress counts the completed session" test "$(json "$d/progress" 'd["sessionsCompleted"]')" = 1

  call "$d/no-token" "$session" interview_coach.session.v1.SessionService/GetProgress '{}' || true
  check "GetProgress without a token is UNAUTHENTICATED" grep -q Unauthenticated "$d/no-token.err"
  call "$d/user-token-on-evaluation" "$evaluation" interview_coach.evaluation.v1.EvaluationService/GenerateQuestions \
    '{"interviewType":"INTERVIEW_TYPE_TECHNICAL","difficulty":"DIFFICULTY_EASY","count":1}' "${auth[@]}" || true
  check "evaluation refuses a user's token (service credential only)" \
    grep -q Unauthenticated "$d/user-token-on-evaluation.err"

  # The signing key came in as the compose secret, not generated at start-up.
  call "$d/keys" "$identity" interview_coach.identity.v1.IdentityService/ListSigningKeys '{}' || true
  check "identity signs with the key from the compose secret" test \
    "$(json "$d/keys" '[k["publicKeyPem"].strip() for k in d["keys"] if k.get("active")][0]')" = \
    "$(openssl pkey -in "$JWT_SIGNING_KEYS_PATH" -pubout | tr -d '\r')"

  local failed_calls
  failed_calls=$(for f in "$d"/*.err; do [ -s "$f" ] && printf '%s: %s\n' "$(basename "$f" .err)" "$(head -3 "$f")"; done)
  [ -z "$failed_calls" ] || { log "    grpcurl errors (expected ones included):"; printf '%s\n' "$failed_calls" | sed 's/^/      /'; }
}

builtin_journey
# The shared journey (the whole interview and the error codes clients rely on) against the
# same stack: it takes the addresses as IDENTITY_ADDR/SESSION_ADDR/EVALUATION_ADDR and, for
# other scripts, as the arguments identity session evaluation.
journey_script=${JOURNEY_SCRIPT:-scripts/grpcurl-journey.sh}
if [ -f "$journey_script" ]; then
  log "  $journey_script $identity $session $evaluation"
  if IDENTITY_ADDR=$identity SESSION_ADDR=$session EVALUATION_ADDR=$evaluation \
    bash "$journey_script" "$identity" "$session" "$evaluation" 2>&1 | sed 's/^/    /'; then
    pass "$journey_script"
  else
    fail "$journey_script"
  fi
else
  log "  no shared journey script ($journey_script): built-in journey only"
fi
rm -rf "$journey_dir"

# ---------------------------------------------------------------------------------------
section "graceful stop (SIGTERM, drain, exit 0)"
compose stop -t 20 session evaluation identity >/dev/null 2>&1
for service in identity evaluation session; do
  code=$(docker inspect -f '{{.State.ExitCode}}' "$(container_of "$service")")
  if [ "$code" = 0 ]; then pass "$service exited 0 on SIGTERM"; else fail "$service exited $code on SIGTERM"; fi
done

if [ "$failed" -gt 0 ]; then show_logs; fi
end_section
printf '\ncompose-test: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
