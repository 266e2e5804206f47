#!/usr/bin/env bash
# The benchmarks (not tests): data at scale on PostgreSQL, report latency, rollup rebuild,
# submission throughput. Results land in bench/results/ as JSON; BENCHMARKS.md quotes them.
# Uses the database oasis_bench on 127.0.0.1:5432 (created if missing; seeded once).
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_DB=${BENCH_DB:-oasis_bench}
STORES=${BENCH_STORES_N:-1000}
WEEKS=${BENCH_WEEKS:-52}
mkdir -p bench/results
command -v wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }

psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $BENCH_DB" 2>/dev/null || true
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$BENCH_DB" DEBUG=1
.venv/bin/python manage.py migrate --noinput -v 0
stores=$(psql -h 127.0.0.1 -U postgres -d "$BENCH_DB" -Atqc "SELECT count(*) FROM stores_store")
if [ "$stores" -lt "$STORES" ]; then
  echo "== seed_demo --stores $STORES --weeks $WEEKS"
  /usr/bin/time -f '{"seed_seconds": %e, "max_rss_kb": %M}' -o bench/results/seed.json \
    .venv/bin/python manage.py seed_demo --stores "$STORES" --weeks "$WEEKS"
fi
unset DEBUG
echo "== report latency";  .venv/bin/python bench/reports_latency.py --runs 30 | tee bench/results/reports.json
echo "== rollup rebuild";  .venv/bin/python bench/rollup_rebuild.py --runs 3 | tee bench/results/rollups.json
echo "== submissions";     .venv/bin/python bench/submissions.py --seconds "${BENCH_SECONDS:-60}" | tee bench/results/submissions.json
echo "== one submission, phase by phase"; .venv/bin/python bench/profile_submission.py --requests 400 | tee bench/results/profile.json
