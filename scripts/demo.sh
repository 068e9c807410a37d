#!/usr/bin/env bash
# `make demo`: migrate the SQLite store, load demo data once, start the worker and the web
# server, print where to go and how to sign in. Honours PORT, HOST and DIANPU_DATA_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
export DIANPU_DATA_DIR="${DIANPU_DATA_DIR:-$PWD/var}"
export PORT="${PORT:-8000}"
export HOST="${HOST:-127.0.0.1}"
export DEBUG="${DEBUG:-0}"
export DIANPU_HTTPS="${DIANPU_HTTPS:-0}"   # plain http on this machine; production sets it to 1
export DIANPU_SITE_URL="${DIANPU_SITE_URL:-http://127.0.0.1:${PORT}}"
DIANPU=.venv/bin/dianpu
mkdir -p "$DIANPU_DATA_DIR"

echo "→ data directory: $DIANPU_DATA_DIR"
$DIANPU migrate --noinput -v 0
if $DIANPU shell -c "import sys; from dianpu.catalog.models import Product; sys.exit(0 if Product.objects.exists() else 1)" 2>/dev/null; then
  echo "→ demo data already loaded (delete $DIANPU_DATA_DIR or run '$DIANPU seed-demo --reset' to start over)"
else
  echo "→ loading demo data…"
  $DIANPU seed-demo ${DEMO_ARGS:-}
fi
$DIANPU collectstatic --noinput -v 0

$DIANPU worker >"$DIANPU_DATA_DIR/worker.log" 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM

cat <<EOT

  dianpu demo is starting
  ───────────────────────────────────────────────────────────
  storefront   http://127.0.0.1:${PORT}/
  console      http://127.0.0.1:${PORT}/console/
  API docs     http://127.0.0.1:${PORT}/api/v1/docs
  health       http://127.0.0.1:${PORT}/healthz

  staff sign-in (password for all: dianpu-demo)
    owner  operator  marketing  agent  warehouse  finance  designer

  worker log   $DIANPU_DATA_DIR/worker.log      stop with Ctrl-C
  ───────────────────────────────────────────────────────────

EOT
$DIANPU serve --host "$HOST" --port "$PORT"
