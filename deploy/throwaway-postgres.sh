#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on 127.0.0.1 for the tests (and for trying the
# several-process recipe on one machine). Debian's server binaries
# (/usr/lib/postgresql/<version>/bin); the cluster lives in a temporary folder.
#
#   deploy/throwaway-postgres.sh start DIR [PORT]   prints LMI_TEST_POSTGRES_URL=...
#   deploy/throwaway-postgres.sh stop DIR
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the
# `postgres` system user (created by Debian's package); otherwise to the caller.
# Authentication is `trust` on loopback only: a disposable test cluster, never a
# production database.
set -euo pipefail
cmd="${1:?start|stop}"; dir="${2:?folder for the cluster}"; port="${3:-55432}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$bindir" ]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$dir/data" -A trust -U lmi -E UTF8 >"$dir/initdb.log"
    fi
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U lmi lmi_test 2>/dev/null || true
    echo "LMI_TEST_POSTGRES_URL=postgresql+psycopg://lmi@127.0.0.1:$port/lmi_test"
    ;;
  stop)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
