#!/usr/bin/env bash
# Installs (if missing) and starts the services that spool's Redis and PostgreSQL tests and
# benchmarks use: Redis on 127.0.0.1:6379 and the PostgreSQL 15 cluster with a `spool`
# role and database; and installs Chromium (Debian's package, /usr/bin/chromium) for the
# dashboard's browser tests, and Python with Flask, pdftoppm and zbarimg for the Python client's
# and the QRCards example's tests. Idempotent: safe to run again. Needs root (apt-get, pg_ctlcluster).
#
#   bash scripts/services.sh          # then: SPOOL_TEST_REDIS_URL / SPOOL_TEST_POSTGRES_URL below
set -euo pipefail

REDIS_PORT="${REDIS_PORT:-6379}"
PG_VERSION="${PG_VERSION:-15}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
ensure_pkg() {
  if ! dpkg -s "$1" >/dev/null 2>&1; then
    if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$1" >/dev/null
  fi
}

# ── Redis ────────────────────────────────────────────────────────────────────────────────
ensure_pkg redis-server
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  mkdir -p /tmp/spool-redis
  # noeviction: eviction would silently delete jobs and leases (spool refuses other policies).
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
    --dir /tmp/spool-redis --appendonly yes --appendfsync everysec \
    --maxmemory-policy noeviction --save "" --logfile /tmp/spool-redis/redis.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping

# ── PostgreSQL ───────────────────────────────────────────────────────────────────────────
ensure_pkg "postgresql-$PG_VERSION"
if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
  as_root pg_ctlcluster "$PG_VERSION" main start
fi
run_psql() { if [ "$(id -u)" = 0 ]; then su postgres -c "psql -qAt -c \"$1\""; else sudo -u postgres psql -qAt -c "$1"; fi; }
for _ in $(seq 1 50); do run_psql "select 1" >/dev/null 2>&1 && break; sleep 0.2; done
run_psql "select 1 from pg_roles where rolname='spool'" | grep -q 1 || run_psql "create role spool login superuser password 'spool'"
run_psql "select 1 from pg_database where datname='spool'" | grep -q 1 || run_psql "create database spool owner spool"
run_psql "select version()" | head -1

# ── Chromium (the dashboard's browser tests drive it with playwright-core) ──────────────
ensure_pkg chromium
chromium --version 2>/dev/null || true

# ── Python + Flask, PDF and QR tools (the Python client's and the QRCards example's tests) ──
ensure_pkg python3-flask
ensure_pkg python3-venv    # the Python client test installs the package into a venv
ensure_pkg poppler-utils   # pdftoppm: rasterises the example's PDFs
ensure_pkg zbar-tools      # zbarimg: decodes the QR codes in them

echo "SPOOL_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
echo "SPOOL_TEST_POSTGRES_URL=postgres://spool:spool@127.0.0.1:5432/spool"
