#!/usr/bin/env bash
# Optional set-up for runs against real Jina: two Python virtual environments from PyPI.
#
#   .jina-envs/v2  jina==3.34.0 with its default docarray (0.41.0)  -> docarray v2 wire format
#   .jina-envs/v1  jina==3.34.0 with docarray<0.30 (0.21.1)         -> docarray v1 wire format
#                  (and pydantic 1: see spec_for)
#
# Both are installed from the lock files fixtures/executors/requirements-v{1,2}.lock.txt with
# --no-deps and wheels only, except the two pure-Python packages PyPI has only as sdists
# (jcloud 0.3; docarray 0.21.1 in v1), so every run gets the same code and nothing native is built.
# Idempotent: an environment whose stamp matches its lock file (and imports jina) is kept.
#
# Usage: scripts/setup-jina.sh [--relock] [--force] [v1|v2 ...]
#   --relock  resolve again (with fixtures/executors/constraints-2025-03.txt) and rewrite the locks
#   --force   recreate the environments even when up to date
# Env: JINA_SETUP_PYTHON (default python3.11), JINA_ENVS_DIR (default <repo>/.jina-envs).
#
# jina's setup.py builds an optional Go extension (jraft) when a `go` binary is on PATH. The
# cp311 wheel already ships jraft.abi3.so, so nothing is built from a wheel; in case pip ever
# falls back to an sdist, pip runs with every directory holding a `go` executable removed from
# PATH, and --only-binary=:all: makes such a fallback an error instead of a silent build.
# (jina-3.34.0.tar.gz exists on PyPI; its setup.py runs `go version` and, if that works, builds
# jraft with setuptools-golang.)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
python_bin="${JINA_SETUP_PYTHON:-python3.11}"
envs_dir="${JINA_ENVS_DIR:-$root/.jina-envs}"
lock_dir="$root/fixtures/executors"
constraints="$lock_dir/constraints-2025-03.txt"
relock=0
force=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --relock) relock=1 ;;
    --force) force=1 ;;
    v1 | v2) targets+=("$arg") ;;
    *) echo "setup-jina: unknown argument '$arg' (use --relock, --force, v1, v2)" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(v2 v1)

fail() {
  echo "setup-jina: FAILED: $*" >&2
  echo "setup-jina: real-Jina tests need these environments; check that PyPI is reachable" \
    "(pip config: $(pip config list 2>/dev/null | tr '\n' ' '))" >&2
  exit 1
}

command -v "$python_bin" >/dev/null || fail "$python_bin not found (set JINA_SETUP_PYTHON)"
"$python_bin" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' 2>/dev/null ||
  fail "$python_bin is not CPython 3.11 (the locks are resolved for 3.11)"

# PATH without any directory that holds a `go` executable (see the header).
path_without_go="$(printf '%s' "$PATH" | tr ':' '\n' | while read -r dir; do
  [ -n "$dir" ] && [ ! -x "$dir/go" ] && printf '%s:' "$dir"; done)"
path_without_go="${path_without_go%:}"

spec_for() {
  case "$1" in
    v2) echo "jina==3.34.0 pydantic==2.10.6" ;;
    # pydantic 1: jina's docarray-v1 HTTP/WebSocket gateway models fail under pydantic 2.
    v1) echo "jina==3.34.0 docarray<0.30 pydantic==1.10.21" ;;
  esac
}

binary_args_for() { # wheels only, but for the pure-Python packages PyPI ships only as sdists
  case "$1" in
    v2) echo "--only-binary=:all: --no-binary=jcloud" ;;
    v1) echo "--only-binary=:all: --no-binary=jcloud,docarray" ;;
  esac
}

pip_in() { # pip_in <venv> <args...>: pip of that venv, quiet, no Go on PATH
  local venv="$1"; shift
  PATH="$path_without_go" PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip "$@"
}

relock_env() {
  local name="$1" lock="$lock_dir/requirements-$1.lock.txt" tmp
  tmp="$(mktemp -d)"
  echo "setup-jina: resolving $name: $(spec_for "$name") (constraints: ${constraints#"$root"/})"
  "$python_bin" -m venv "$tmp/venv" || fail "python -m venv for relock"
  # shellcheck disable=SC2046 # word splitting of the spec and pip flags is intended
  pip_in "$tmp/venv" install --quiet $(binary_args_for "$name") -c "$constraints" $(spec_for "$name") ||
    fail "resolving $(spec_for "$name")"
  {
    echo "# Resolved by scripts/setup-jina.sh --relock on $(date -u +%Y-%m-%d) for CPython 3.11, linux x86_64."
    echo "# Spec: $(spec_for "$name")   constraints: fixtures/executors/constraints-2025-03.txt"
    echo "# Installed with: pip install --no-deps $(binary_args_for "$name") -r <this file>"
    pip_in "$tmp/venv" freeze --all --exclude pip --exclude setuptools --exclude wheel
  } >"$lock"
  rm -rf "$tmp"
}

setup_env() {
  local name="$1" venv="$envs_dir/$1" lock="$lock_dir/requirements-$1.lock.txt" stamp
  [ -f "$lock" ] || fail "missing lock $lock (run with --relock)"
  stamp="$( (cat "$lock"; "$python_bin" -VV) | sha256sum | cut -d' ' -f1)"
  if [ "$force" = 0 ] && [ -f "$venv/.setup-stamp" ] && [ "$(cat "$venv/.setup-stamp")" = "$stamp" ] &&
    "$venv/bin/python" -c 'import jina' 2>/dev/null; then
    echo "setup-jina: $name up to date ($venv)"
    return
  fi
  echo "setup-jina: creating $name in $venv"
  rm -rf "$venv"
  mkdir -p "$envs_dir"
  "$python_bin" -m venv "$venv" || fail "python -m venv $venv"
  # shellcheck disable=SC2046
  pip_in "$venv" install --quiet --no-deps $(binary_args_for "$name") -r "$lock" || fail "pip install -r $lock"
  pip_in "$venv" check >/dev/null || fail "pip check in $venv: $(pip_in "$venv" check)"
  "$venv/bin/jina" --version >/dev/null || fail "$venv/bin/jina does not run"
  echo "$stamp" >"$venv/.setup-stamp"
}

started=$SECONDS
for name in "${targets[@]}"; do
  if [ "$relock" = 1 ]; then relock_env "$name"; fi
  setup_env "$name"
done

for name in "${targets[@]}"; do
  "$envs_dir/$name/bin/python" - "$name" <<'EOF'
import sys
from importlib.metadata import version
from jina._docarray import docarray_v2
names = ['jina', 'docarray', 'grpcio', 'protobuf', 'pydantic', 'fastapi', 'uvicorn', 'websockets', 'numpy']
print(f'setup-jina: {sys.argv[1]} python {sys.version.split()[0]}, docarray_v2={docarray_v2}: '
      + ', '.join(f'{n} {version(n)}' for n in names))
EOF
done
echo "setup-jina: done in $((SECONDS - started)) s; JINA_PYTHON=$envs_dir/<v1|v2>/bin/python"
