#!/bin/bash
# Run once by the postgres image when the primary's cluster is created: the replica may stream from it, with the
# same password login as every other connection on the compose network.
set -e
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
