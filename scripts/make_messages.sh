#!/usr/bin/env bash
# Refresh the English catalogue of every app from its source strings (needs GNU gettext).
# Source strings are Simplified Chinese; the English text goes into each app's
# locale/en/LC_MESSAGES/django.po. Usage: scripts/make_messages.sh [app ...]
set -euo pipefail
cd "$(dirname "$0")/.."
apps=("$@")
[ ${#apps[@]} -gt 0 ] || apps=($(ls -d dianpu/*/ | xargs -n1 basename | grep -v -E '^(static|templates|locale|__pycache__)$'))
for app in "${apps[@]}"; do
  [ -d "dianpu/$app" ] || continue
  mkdir -p "dianpu/$app/locale"
  (cd "dianpu/$app" && ../../.venv/bin/django-admin makemessages -l en --no-obsolete --no-location >/dev/null)
  echo "dianpu/$app/locale/en/LC_MESSAGES/django.po"
done
