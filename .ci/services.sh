#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432, database test) and Redis (127.0.0.1:6379) answer,
# starting them with the machine's own commands (env skill, node-svc page) when they do not.
set -uo pipefail

pg_ok() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_ok() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

if ! pg_ok; then
  echo "services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  for _ in $(seq 1 30); do pg_ok && break; sleep 1; done
fi
if ! redis_ok; then
  echo "services: starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 1 30); do redis_ok && break; sleep 1; done
fi
pg_ok && echo "services: PostgreSQL answers" || { echo "services: PostgreSQL does not answer" >&2; exit 1; }
redis_ok && echo "services: Redis answers" || { echo "services: Redis does not answer" >&2; exit 1; }
psql -h 127.0.0.1 -U postgres -d test -Atc "select 1" >/dev/null 2>&1 \
  || psql -h 127.0.0.1 -U postgres -Atc "create database test" >/dev/null
