#!/usr/bin/env bash
# Lint, format, types and import contracts: what `make lint` (and so `make test`) runs.
#   scripts/lint.sh        ruff check, ruff format --check, mypy (strict on domain/ and services),
#                          lint-imports; every step runs, the exit status is the first failure's
#   scripts/lint.sh fix    the fixes ruff makes by itself (import order, …) and ruff format over
#                          the tree: run once after a merge, then commit the result on its own
# Settings for all three tools are in pyproject.toml. mypy keeps its cache in var/mypy_cache.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if [ "${1:-}" = "fix" ]; then
  $BIN/ruff check --fix --quiet . || true
  $BIN/ruff format .
  exit 0
fi

status=0
step() {
  local label="$1"; shift
  local started rc ms
  started=$(date +%s%N)
  "$@"
  rc=$?
  ms=$(( ($(date +%s%N) - started) / 1000000 ))
  echo "--- ${label}: $((ms / 1000)).$(( (ms % 1000) / 100 )) s$([ $rc -ne 0 ] && echo ", FAILED (exit $rc)")"
  if [ $rc -ne 0 ] && [ $status -eq 0 ]; then status=$rc; fi
}

step "ruff check" $BIN/ruff check --quiet --output-format concise .
step "ruff format --check" $BIN/ruff format --check --output-format concise .
step "mypy" $BIN/mypy
step "lint-imports" $BIN/lint-imports
if [ $status -ne 0 ]; then
  echo "import order and formatting ([*] findings, 'would reformat'): scripts/lint.sh fix"
fi
exit $status
