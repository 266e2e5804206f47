#!/usr/bin/env bash
# The phone page's benchmark: a gunicorn server (DEBUG off, static files through WhiteNoise) on a
# small demo database, then bench/phone.py (first-load transfer, Lighthouse mobile).
# Lighthouse comes from npm (installed into $LIGHTHOUSE_DIR once); Chromium is Debian's.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PHONE_PORT:-8190}
DB=${PHONE_DB:-oasis_phone_bench}
LIGHTHOUSE_DIR=${LIGHTHOUSE_DIR:-/tmp/lighthouse}
mkdir -p bench/results
if [ ! -x "$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$LIGHTHOUSE_DIR" && npm install --prefix "$LIGHTHOUSE_DIR" --no-audit --no-fund lighthouse@12 >/dev/null
fi
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $DB" 2>/dev/null || true
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" SECRET_KEY=phone-bench-only ALLOWED_HOSTS=127.0.0.1 \
       SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
.venv/bin/python manage.py migrate --noinput -v 0
[ -n "${PHONE_SKIP_SEED:-}" ] || .venv/bin/python manage.py seed_demo --stores 5 --weeks 2 >/dev/null
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/gunicorn project.wsgi --workers 2 --bind "127.0.0.1:$PORT" --log-level warning &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/health/" >/dev/null && break; sleep 0.2; done
.venv/bin/python bench/phone.py --base "http://127.0.0.1:$PORT" ${PHONE_CPU:+--cpu-multiplier "$PHONE_CPU"} \
  --lighthouse "$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse" ${PHONE_REPORT:+--keep-report "$PHONE_REPORT"} | tee bench/results/phone.json
.venv/bin/python bench/phone_taps.py --base "http://127.0.0.1:$PORT" | tee bench/results/phone-taps.json
