#!/usr/bin/env bash
# Installs what @omnithread/postgres's tests need: Debian's PostgreSQL server binaries. The tests
# start their own throwaway cluster (initdb + pg_ctl as user postgres on 127.0.0.1 and a free port),
# so the default cluster the package may create is stopped and kept from starting again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get install -y --no-install-recommends postgresql
fi

if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _port status _rest; do
    if [ "$status" = "online" ]; then pg_ctlcluster "$version" "$cluster" stop || true; fi
    conf="/etc/postgresql/$version/$cluster/start.conf"
    if [ -f "$conf" ]; then echo manual >"$conf"; fi
  done
fi
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now postgresql >/dev/null 2>&1 || true; fi

id -u postgres >/dev/null
ls -d /usr/lib/postgresql/*/bin | tail -1
