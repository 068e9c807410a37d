#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL (+ Redis). `scripts/test.sh sqlite|postgres`
# runs one. PostgreSQL: DATABASE_URL if set, else the local server on 127.0.0.1:5432 (started
# if it is installed but stopped); skipped with a clear message only where none can be had.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
which_runs="${1:-all}"
status=0

# Python may write its bytecode (__pycache__, git-ignored): every pytest process (four per database
# with two workers) imports the same ~600 modules, and pytest rewrites the asserts of every test
# module; with PYTHONDONTWRITEBYTECODE set, each process compiled them all again (~10 s of CPU each).
unset PYTHONDONTWRITEBYTECODE

# Two passes per database: the tests that roll back (all but a few dozen) in parallel, one worker
# per core (pytest-xdist, each worker its own test database); then the tests marked `serial` (they
# commit for real: browser and concurrency tests), which must not share a worker with the first
# kind (they empty the database when they end), also on workers: each worker has its own test
# database, live server, Redis database and temporary folders, and every serial test restores what
# the migrations made (serialized_rollback), so they may run side by side, a file per worker.
# DIANPU_TEST_WORKERS=0 runs everything in one process; DIANPU_SERIAL_WORKERS=1 the serial pass alone.
workers="${DIANPU_TEST_WORKERS:-$(nproc 2>/dev/null || echo 2)}"
[ "$workers" -gt 4 ] 2>/dev/null && workers=4
serial_workers="${DIANPU_SERIAL_WORKERS:-$workers}"

# The workers of both passes copy one test database migrated once per database (the first pass
# keeps it for the second: tests/database_template.py). The serial pass keeps a file's tests on one
# worker (`loadgroup`: every test is grouped by its file, except the every-page crawl, one group per
# role). Both passes start the files of the tests marked `long` first (--no-loadscope-reorder: by
# default xdist sends the files with the most tests first, so the slowest ones, which hold one to
# four tests each, started last and one worker ran them alone for minutes at the end of the pass).
run_pytest() {
  local label="$1"; shift
  local rc
  local run="$$-${label%% *}"
  if [ "$workers" -gt 1 ] 2>/dev/null; then
    echo "=== test suite on ${label}: ${workers} workers, then the serial tests ==="
    local keep=0
    [ "$serial_workers" -gt 1 ] 2>/dev/null && keep=1
    env "$@" DIANPU_TEST_RUN="$run" DIANPU_TEST_KEEP_TEMPLATE="$keep" \
      $PY -m pytest -q -p no:randomly -n "$workers" --dist loadfile --no-loadscope-reorder -m "not serial"
    rc=$?; if [ $rc -ne 0 ]; then status=$rc; fi
    if [ "$serial_workers" -gt 1 ] 2>/dev/null; then
      env "$@" DIANPU_TEST_RUN="$run" DIANPU_TEST_KEEP_TEMPLATE=0 \
        $PY -m pytest -q -p no:randomly -n "$serial_workers" --dist loadgroup --no-loadscope-reorder -m serial
    else
      env "$@" $PY -m pytest -q -p no:randomly -m serial
    fi
    rc=$?; if [ $rc -ne 0 ]; then status=$rc; fi
  else
    echo "=== test suite on ${label} ==="
    env "$@" $PY -m pytest -q -p no:randomly
    rc=$?; if [ $rc -ne 0 ]; then status=$rc; fi
  fi
}

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "starting the local PostgreSQL…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >/dev/null 2>&1 || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 0.5; done
  fi
  return 1
}

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return 0; fi
  if command -v redis-server >/dev/null 2>&1; then
    echo "starting the local Redis…"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1 || true
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return 0; sleep 0.5; done
  fi
  return 1
}

if [ "$which_runs" = "all" ] || [ "$which_runs" = "sqlite" ]; then
  run_pytest "SQLite" DATABASE_URL= REDIS_URL=
fi

if [ "$which_runs" = "all" ] || [ "$which_runs" = "postgres" ]; then
  pg_url="${DIANPU_TEST_DATABASE_URL:-postgresql://root@127.0.0.1:5432/dianpu}"
  if [ -n "${DATABASE_URL:-}" ] || ensure_postgres; then
    pg_url="${DATABASE_URL:-$pg_url}"
    redis_url=""
    if ensure_redis; then redis_url="redis://127.0.0.1:6379/15"; else echo "no Redis: the PostgreSQL run uses the local cache"; fi
    run_pytest "PostgreSQL (${pg_url%%\?*}) + Redis (${redis_url:-none})" DATABASE_URL="$pg_url" REDIS_URL="$redis_url"
  else
    echo "SKIPPED: the PostgreSQL run — no PostgreSQL on 127.0.0.1:5432 and no DATABASE_URL."
    echo "         Set DATABASE_URL=postgresql://USER@HOST:PORT/NAME to run it."
  fi
fi
exit $status
