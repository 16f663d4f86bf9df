#!/bin/bash
# The replica's entry point: on first start, a base backup of the primary made with PostgreSQL's own pg_basebackup
# (-R: standby.signal and primary_conninfo, so it streams from then on); then PostgreSQL as a hot standby.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h primary -U safemap -d safemap -q; do sleep 1; done
  pg_basebackup -h primary -U safemap -D "$PGDATA" -R -X stream -c fast
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
