#!/usr/bin/env bash
# Property-based API testing with schemathesis against /api/schema/: every operation, with a
# head-office token, looking for 5xx answers and responses that break the schema. Used by .ci/run.
# Two checks are left out on purpose: "positive data acceptance" (a schema cannot express the
# cross-field rules of a visit, e.g. greeting_seconds only when greeted, or dates within 60 days,
# so schema-valid visits are rightly refused with a 400) and "negative data rejection" (the sync
# endpoint answers 200 with a per-item "invalid" result by design, and empty filters are ignored).
# Query parameters and path segments are fuzzed too (every parameter the schema declares, in both
# positive and negative mode). Logging out and revoking devices are left out: they would revoke the
# run's own token (they are tested in tests/api/test_tokens.py). Response time is bounded loosely
# (a loaded 2-core CI machine hashes a password in seconds); timings belong to bench/.
# Every string of a body may carry lone surrogates (as JSON's \ud800 escape) and non-ASCII digits,
# every query parameter non-ASCII digits (bench/schemathesis_hooks.py). After the run, the server's
# log is searched for a 500.
# Runs on the database in DATABASE_URL (default: a throw-away SQLite file) on 127.0.0.1:8181.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${SCHEMATHESIS_PORT:-8181}
workdir=$(mktemp -d)
# Production behaviour (DEBUG off: JSON 404s, no debug pages), minus HTTPS on a loopback port.
export DEBUG=0 SECRET_KEY=schemathesis-only-key DATABASE_URL=${DATABASE_URL:-sqlite:///$workdir/db.sqlite3}
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export THROTTLE_WRITES=100000/min THROTTLE_TOKEN=100000/min
unset CELERY_BROKER_URL  # tasks inline: the run needs no worker
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo --stores 4 --weeks 2 --password schemathesis-pass >/dev/null 2>&1
TOKEN=$(.venv/bin/python manage.py shell -v 0 -c "
from api.tokens import device_token_issue
from stores.models import User
print(device_token_issue(user=User.objects.get(username='head'), device='schemathesis')[1])")
.venv/bin/python manage.py runserver "127.0.0.1:$PORT" --noreload --nothreading >"$workdir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$workdir"' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/health/" >/dev/null && break; sleep 0.5; done
status=0
SCHEMATHESIS_HOOKS=bench.schemathesis_hooks .venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/schema/" \
  -H "Authorization: Token $TOKEN" \
  --checks all \
  --exclude-checks positive_data_acceptance,negative_data_rejection \
  --exclude-path /api/v1/auth/logout/ --exclude-method DELETE \
  --phases examples,coverage,fuzzing --mode all \
  --suppress-health-check too_slow --max-response-time 60 \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" --request-timeout 20 \
  --generation-deterministic || status=$?
# The server's own log must show no 500, whatever schemathesis concluded (a 500 it did not look
# for, on a request it did not check, still fails the run).
if grep -E '" 500 [0-9]+|Internal Server Error' "$workdir/server.log"; then
  echo "the server answered 500 (above, from its log)" >&2
  exit 1
fi
exit $status
