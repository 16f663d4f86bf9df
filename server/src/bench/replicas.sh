#!/usr/bin/env bash
# The replicated setup on one machine (docs/scaling.md): a PostgreSQL 15 primary, one streaming replica made with
# pg_basebackup -R, two SafeMap servers that write to the primary and read maps from the replica
# (SAFEMAP_DB_READ_URL), and HAProxy in front of them. It checks, and prints as it goes:
#   1. a file uploaded through one server shows in the other's maps (the data version both report), and how soon;
#   2. an uploader reads its own writes through the balancer, whichever server answers (the safemap_lsn cookie);
#   3. killing a server (SIGKILL) while a client reads through the balancer loses no request;
#   4. restarting the replica while a client reads loses no request (reads go to the primary meanwhile);
#   5. both servers wrote to one audit chain, and it verifies.
# A script, not an integration test: it needs two more PostgreSQL clusters, three JVMs and HAProxy, about four
# minutes on the 2-core development machine, and root (or the postgres user) to run PostgreSQL's own binaries.
#
# Run from anywhere after a build (mvn -B -ntp -o -q install -DskipTests). Everything lives under
# var/bench/replicas (removed at the start of each run); every process it starts is stopped at the end.
# Settings (environment): REPLICAS_PORT_BASE (55610: primary +0, replica +1, balancer +2, servers +3 and +4),
# READ_SECONDS (20: length of each read loop), KEEP=1 (leave the clusters, data and logs afterwards), REUSE=1 (start
# the clusters a KEEP=1 run left, demo data loaded, instead of making them again: the demo load is the slow part).
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD
BASE=${REPLICAS_PORT_BASE:-55610}
P_PRIMARY=$BASE
P_REPLICA=$((BASE + 1))
P_LB=$((BASE + 2))
P_NODE=($((BASE + 3)) $((BASE + 4)))
READ_SECONDS=${READ_SECONDS:-20}
PGBIN=/usr/lib/postgresql/15/bin
WORK=$ROOT/var/bench/replicas
RESULTS=$ROOT/var/bench/replicas-results.txt
JAR=$WORK/safemap.jar

say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
die() { say "replicas.sh: FAILED: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------------- tools
[ -x "$PGBIN/pg_basebackup" ] || die "PostgreSQL 15 is not installed (./safemap db up installs it)"
if ! command -v haproxy > /dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends haproxy > /dev/null
  else
    die "install HAProxy first: sudo apt-get install -y haproxy"
  fi
fi
[ -f server/target/safemap.jar ] || mvn -B -ntp -q -DskipTests install
AS_PG=()
[ "$(id -u)" = 0 ] && AS_PG=(runuser -u postgres --)

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null || true; done
  for d in primary replica; do
    [ -f "$WORK/$d/postmaster.pid" ] && "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/$d" -m immediate stop > /dev/null 2>&1
  done
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

REUSE=${REUSE:-0}
[ "$REUSE" = 1 ] && [ -f "$WORK/loaded" ] || REUSE=0
[ "$REUSE" = 1 ] || rm -rf "$WORK"
mkdir -p "$WORK"
rm -rf "$WORK"/node* "$WORK"/cookies-* "$WORK"/*.csv
: > "$RESULTS"
cp server/target/safemap.jar "$JAR"
say "replicas.sh $(date -u +%FT%TZ), $(git rev-parse --short HEAD), load average $(cut -d' ' -f1-3 /proc/loadavg)"
PSQL=(psql -X -q -At -h 127.0.0.1 -U safemap)

# ---------------------------------------------------------------------------------- primary and streaming replica
if [ "$REUSE" = 1 ]; then
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w start > /dev/null
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w start > /dev/null
else
mkdir -p "$WORK/primary"
[ "$(id -u)" = 0 ] && chown postgres "$WORK" "$WORK/primary"
chmod 755 "$WORK"
"${AS_PG[@]}" "$PGBIN/initdb" -D "$WORK/primary" -U safemap -A trust -E UTF8 --locale=C.UTF-8 > "$WORK/initdb.log"
cat >> "$WORK/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $P_PRIMARY
unix_socket_directories = ''
wal_level = replica
max_wal_senders = 4
hot_standby = on
shared_buffers = 128MB
max_locks_per_transaction = 1024
EOF
# Trust on loopback only: a throwaway pair of clusters for this script, reachable from this machine alone.
printf 'host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n' > "$WORK/primary/pg_hba.conf"
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w start > /dev/null
"${PSQL[@]}" -p "$P_PRIMARY" -d postgres -c "CREATE DATABASE safemap"

# PostgreSQL's own replication: a base backup that writes standby.signal and primary_conninfo (-R).
"${AS_PG[@]}" "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$P_PRIMARY" -U safemap -D "$WORK/replica" -R -X stream -c fast
echo "port = $P_REPLICA" >> "$WORK/replica/postgresql.conf"
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w start > /dev/null
fi
say "primary 127.0.0.1:$P_PRIMARY, replica 127.0.0.1:$P_REPLICA (in recovery: $("${PSQL[@]}" -p "$P_REPLICA" -d safemap -c 'SELECT pg_is_in_recovery()'))"

# ------------------------------------------------------------------------------------------- data and an uploader
export SAFEMAP_DB_URL="postgresql://safemap@127.0.0.1:$P_PRIMARY/safemap"
# Every server of one deployment shares the keys: one audit chain, one pseudonym space (docs/scaling.md).
# (The audit key is kept beside the clusters for a REUSE=1 run: the chain the first run began goes on.)
[ -f "$WORK/audit.key" ] || head -c 32 /dev/urandom | base64 > "$WORK/audit.key"
SAFEMAP_AUDIT_KEY=$(cat "$WORK/audit.key")
SAFEMAP_PSEUDONYM_KEY=$(head -c 32 /dev/urandom | base64)
SAFEMAP_LINKAGE_KEY=$(head -c 32 /dev/urandom | base64)
export SAFEMAP_AUDIT_KEY SAFEMAP_PSEUDONYM_KEY SAFEMAP_LINKAGE_KEY
export SAFEMAP_VAR_DIR=$WORK/cli
if [ "$REUSE" = 0 ]; then
  t0=$(date +%s)
  java -Xmx512m -jar "$JAR" demo --load-only > "$WORK/demo.log" 2>&1 || die "demo load failed (see $WORK/demo.log)"
  touch "$WORK/loaded"
  say "demo data loaded into the primary in $(($(date +%s) - t0)) s"
fi
java -jar "$JAR" users add replicas-admin --role admin --partner csp --no-password > /dev/null 2>&1 || true # kept from a REUSE=1 run
TOKEN=$(java -jar "$JAR" tokens create --user replicas-admin --name "replicas.sh" --purpose strategic-assessment \
  --expires-days 1 2> /dev/null | grep -oE 'smp_[A-Za-z0-9_-]+' | head -1)
[ -n "$TOKEN" ] || die "could not create an API token"
AUTH=(-H "Authorization: Bearer $TOKEN")
# New months of police.uk records, each a file of its own: July's rows, re-dated, the first row's context naming
# this run so that a REUSE=1 run's files are new to the primary too.
RUN=$(date +%s)
month_file() {
  zcat server/src/main/resources/demo/2022-07-liverpool-street.csv.gz \
    | sed -e "2,\$s/,2022-07,/,$1,/" -e "2s/,\(\r*\)\$/,replicas.sh run $RUN\1/" > "$WORK/$1.csv"
  echo "$WORK/$1.csv"
}

# ------------------------------------------------------------------------------------------ two servers, balancer
node() { # index
  local i=$1
  SAFEMAP_VAR_DIR=$WORK/node$i SAFEMAP_DB_READ_URL="postgresql://127.0.0.1:$P_REPLICA/safemap" \
    SAFEMAP_RATE_PER_CLIENT=100000 SAFEMAP_RATE_PUBLIC=1000000 SAFEMAP_TRUSTED_PROXIES=127.0.0.1 \
    java -Xmx512m -jar "$JAR" serve --port "${P_NODE[$i]}" >> "$WORK/node$i.log" 2>&1 &
  NODE_PID[$i]=$!
  PIDS+=("$!")
}
wait_up() { # url
  for _ in $(seq 600); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done
  die "$1 did not come up"
}
declare -a NODE_PID
node 0
node 1
wait_up "http://127.0.0.1:${P_NODE[0]}/health"
wait_up "http://127.0.0.1:${P_NODE[1]}/health"
cat > "$WORK/haproxy.cfg" <<EOF
global
  maxconn 256
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  # A request a server could not answer (it died, or answered 5xx) goes to the other: idempotent reads only.
  retries 3
  option redispatch 1
  retry-on all-retryable-errors
frontend safemap
  bind 127.0.0.1:$P_LB
  default_backend servers
backend servers
  balance roundrobin
  http-request disable-l7-retry if ! METH_GET
  option httpchk GET /health
  server node0 127.0.0.1:${P_NODE[0]} check inter 500 fall 2 rise 2
  server node1 127.0.0.1:${P_NODE[1]} check inter 500 fall 2 rise 2
EOF
haproxy -f "$WORK/haproxy.cfg" -db > "$WORK/haproxy.log" 2>&1 &
PIDS+=("$!")
LB=http://127.0.0.1:$P_LB
wait_up "$LB/health"
say "servers on :${P_NODE[0]} and :${P_NODE[1]}, HAProxy $(haproxy -v | head -1 | cut -d' ' -f3) on :$P_LB"

version() { curl -fs "${AUTH[@]}" "$1/api/map-cache" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dataVersion"])'; }
upload() { # base-url file [curl options]
  local base=$1 file=$2
  shift 2
  curl -fs "$@" "${AUTH[@]}" -F "file=@$file" "$base/api/feeds/police-uk/uploads" -o /dev/null -w '%{http_code}'
}

# -------------------------------------------------------------------- 1. a load on one server, seen on the other
N0=http://127.0.0.1:${P_NODE[0]}
N1=http://127.0.0.1:${P_NODE[1]}
before=$(version "$N1")
# One client process polls server 1 on a kept-alive connection from the moment the upload answers, so the figure is
# the servers' delay, not the cost of starting curl.
cat > "$WORK/seen.py" <<'PY'
import http.client, json, subprocess, sys, time
port, token, before, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
code = subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
t0 = time.monotonic()
if code != "201":
    sys.exit(f"upload answered {code}")
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
polls = 0
while time.monotonic() - t0 < 30:
    c.request("GET", "/api/map-cache", headers={"Authorization": "Bearer " + token})
    v = json.loads(c.getresponse().read())["dataVersion"]
    polls += 1
    if v != before:
        print(f"{(time.monotonic() - t0) * 1000:.0f} {polls} {v}")
        sys.exit(0)
    time.sleep(0.005)
sys.exit("server 1 never showed the load")
PY
read -r seen polls after1 < <(python3 "$WORK/seen.py" "${P_NODE[1]}" "$TOKEN" "$before" curl -fs "${AUTH[@]}" \
  -F "file=@$(month_file 2022-08)" "$N0/api/feeds/police-uk/uploads" -o /dev/null -w '%{http_code}') \
  || die "server 1 did not show the upload through server 0"
after0=$(version "$N0")
[ "$after0" = "$after1" ] || die "server 0 shows $after0, server 1 $after1"
say "1. upload through server 0: data version $before -> $after0; server 1 showed it ${seen} ms after the upload answered ($polls polls)"

# ---------------------------------------------------------------- 2. read your own writes through the balancer
stale=0
for m in 2022-09 2022-10 2022-11 2022-12; do
  f=$(month_file "$m")
  jar=$WORK/cookies-$m
  code=$(upload "$LB" "$f" -c "$jar")
  [ "$code" = 201 ] || die "upload of $m through the balancer answered $code"
  want=$(curl -fs "${AUTH[@]}" -b "$jar" "$LB/api/map-cache" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dataVersion"])')
  other=$(curl -fs "${AUTH[@]}" -b "$jar" "$LB/api/map-cache" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dataVersion"])')
  [ "$want" = "$other" ] || stale=$((stale + 1))
  grep -q "safemap_lsn" "$jar" || die "the upload set no safemap_lsn cookie"
done
say "2. four uploads through the balancer, each read back at once on both servers (round robin): $stale stale answers"

# ------------------------------------------------------------------------------------------------ the read loop
cat > "$WORK/reader.py" <<'PY'
import http.client, random, sys, time, urllib.parse
host, port, seconds, token = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
rnd = random.Random(7)
months = ["2022-%02d" % m for m in range(1, 13)]
ok = failed = 0
codes = {}
lat = []
end = time.time() + seconds
while time.time() < end:
    kind = rnd.random()
    if kind < 0.4:
        x, y = 333000 + rnd.randrange(0, 10000, 500), 383000 + rnd.randrange(0, 12000, 500)
        q = {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap", "LAYERS": "density-all", "STYLES": "",
             "CRS": "EPSG:27700", "BBOX": f"{x},{y},{x + 3000},{y + 3000}", "WIDTH": "256", "HEIGHT": "256",
             "FORMAT": "image/png", "TIME": rnd.choice(months)}
        path = "/wms?" + urllib.parse.urlencode(q)
    elif kind < 0.7:
        path = "/api/counts?level=lsoa&period=" + rnd.choice(months)
    else:
        path = "/api/map-cache"
    t = time.time()
    try:
        c = http.client.HTTPConnection(host, port, timeout=30)
        c.request("GET", path, headers={"Authorization": "Bearer " + token})
        r = c.getresponse()
        r.read()
        c.close()
        codes[r.status] = codes.get(r.status, 0) + 1
        if r.status < 500:
            ok += 1
        else:
            failed += 1
    except Exception as e:
        codes[type(e).__name__] = codes.get(type(e).__name__, 0) + 1
        failed += 1
    lat.append(time.time() - t)
lat.sort()
print(f"{ok + failed} requests, {failed} failed, statuses {codes}, median {lat[len(lat) // 2] * 1000:.0f} ms, "
      f"max {lat[-1] * 1000:.0f} ms")
PY
replica_xacts() { "${PSQL[@]}" -p "$P_REPLICA" -d safemap -c "SELECT xact_commit FROM pg_stat_database WHERE datname = 'safemap'" 2> /dev/null || echo 0; }

# -------------------------------------------------------------------------------------- 3. a server is killed
x0=$(replica_xacts)
python3 "$WORK/reader.py" 127.0.0.1 "$P_LB" "$READ_SECONDS" "$TOKEN" > "$WORK/read-kill.txt" &
READER=$!
sleep $((READ_SECONDS / 3))
kill -9 "${NODE_PID[0]}"
say "3. server 0 killed (SIGKILL) $((READ_SECONDS / 3)) s into a ${READ_SECONDS} s read loop through the balancer"
wait "$READER"
say "   reads: $(cat "$WORK/read-kill.txt"); replica transactions meanwhile: $(($(replica_xacts) - x0))"
grep -q ", 0 failed," "$WORK/read-kill.txt" || die "requests were lost when a server was killed"
node 0
wait_up "$N0/health"
sleep 1.5 # HAProxy's rise: two checks 500 ms apart

# ----------------------------------------------------------------------------------- 4. the replica restarts
python3 "$WORK/reader.py" 127.0.0.1 "$P_LB" "$READ_SECONDS" "$TOKEN" > "$WORK/read-replica.txt" &
READER=$!
sleep $((READ_SECONDS / 3))
t0=$(date +%s%N)
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/replica" -m fast -w stop > /dev/null
sleep 2
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w start > /dev/null
say "4. replica stopped and started again ($(( ($(date +%s%N) - t0) / 1000000 )) ms down) during a ${READ_SECONDS} s read loop"
wait "$READER"
say "   reads: $(cat "$WORK/read-replica.txt")"
say "   servers' log: $(cat "$WORK"/node*.log | grep -c 'read replica does not answer') fallbacks to the primary, $(cat "$WORK"/node*.log | grep -c 'read replica answers again') returns"
grep -q ", 0 failed," "$WORK/read-replica.txt" || die "requests were lost when the replica restarted"

# ---------------------------------------------------------------------------------------- 5. one audit chain
code=$(upload "$N1" "$(month_file 2023-01)")
[ "$code" = 201 ] || die "upload through server 1 answered $code"
sleep 0.5
entries=$("${PSQL[@]}" -p "$P_PRIMARY" -d safemap -c "SELECT count(*) FROM audit_log")
writers=$("${PSQL[@]}" -p "$P_PRIMARY" -d safemap -c "SELECT count(DISTINCT action) FROM audit_log")
verify=$(SAFEMAP_VAR_DIR=$WORK/cli java -jar "$JAR" audit verify 2>&1 | grep -m1 -E 'entries, chain intact|broken|tamper|missing' || true)
say "5. audit: $entries entries ($writers kinds of action) from both servers and the CLI; audit verify: $verify"
[[ $verify == *"chain intact"* ]] || die "the audit chain does not verify"
say "done: $(cut -d' ' -f1-3 /proc/loadavg) load average at the end"
