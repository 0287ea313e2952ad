#!/usr/bin/env bash
# The multi-host test bed: distributed serving across hosts whose executors dial out to the load
# balancer, checked the way an operator would see it. Each host is a network namespace on private
# bridges that exist only inside these namespaces (nothing touches the machine's own network):
#
#   host     net A (10.232.0.0/24)   net B (10.233.0.0/24)   runs
#   driver   .2                      .2                      Spark master, the spark-embed driver
#   w1, w2   .11, .12                .11, .12                a Spark worker each (2 cores)
#   lb       .5                      -                       spark-embed lb (attach port 9444)
#   db       .6                      -                       PostgreSQL
#   client   .100                    -                       the clients (curl, load.py)
#
# Spark's master and workers start from the project's own Spark home (cli -Pspark-home: java -cp,
# no Spark distribution). It checks:
#   1. requests from the client host through the LB are answered by both workers (per executor,
#      from the LB's /metrics), with vectors that match ../shared/reference;
#   2. on hosts with two interfaces, each server binds and advertises the right address: the
#      driver only the one given, the executors their worker's (reachable from the client);
#   3. killing every process of worker host w1 under load fails only the requests it had in
#      flight (the LB's 502s for its backend, no more than the load's connections); the other
#      worker answers every request;
#   4. a replacement worker on w1 gets a new executor, whose server attaches and serves;
#   5. a batch job from the driver host embeds a table of PostgreSQL on the database host and
#      writes the vectors back there.
#   --bench also runs `bench serving` from the client host: the echo service distributed through
#   the LB on the two workers next to head mode (the driver's server), in the same run.
#
# Needs root (ip netns, apt-get for what is missing). Every loop is bounded; everything it made
# (processes, namespaces, files) is removed on exit, and it exits non-zero when a check fails.
#
#   scripts/testbed.sh [--bench]
#   SPARK_EMBED_REFERENCE     the reference folder (default: ../shared/reference from the repo)
#   SPARK_EMBED_NO_BUILD=1    use cli/target/spark-home as it is (default: mvn -Pspark-home package)
#   SPARK_EMBED_TESTBED_KEEP  a folder to copy the hosts' logs to when a check fails
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REFERENCE="${SPARK_EMBED_REFERENCE:-$ROOT/../shared/reference}/embeddings-minilm.json"
SPARK_HOME_DIR="$ROOT/cli/target/spark-home"
NS_PREFIX="tb$$"
A=10.232.0
B=10.233.0
# shellcheck source=scripts/lib/netns.sh
. "$ROOT/scripts/lib/netns.sh"
# shellcheck source=scripts/testbed/lib.sh
. "$ROOT/scripts/testbed/lib.sh"

BENCH=0
case "${1:-}" in
  --bench) BENCH=1 ;;
  "") ;;
  *) echo "usage: scripts/testbed.sh [--bench]" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || fail "needs root (ip netns, apt-get)"
[ -f "$REFERENCE" ] || fail "no reference vectors at $REFERENCE"

step "tools"
install_tools
build_spark_home

WORK="$(mktemp -d /var/tmp/spark-embed-testbed.XXXXXX)"
trap cleanup EXIT
chmod 755 "$WORK"
mkdir -p "$WORK/logs"
SECRET="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
API_KEY="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$SECRET" > "$WORK/secret"

step "hosts"
make_hosts

step "PostgreSQL on the database host"
start_postgres

step "Spark master on the driver host, a worker on w1 and on w2"
start_master
start_worker w1 "$A.11"
start_worker w2 "$A.12"
await_workers "$A.11" "$A.12"

step "load balancer, then serve --mode distributed --lb"
start_lb
start_serve
await_attached 2

step "1. both workers answer through the load balancer"
check_both_workers_answer

step "2. addresses on hosts with two interfaces"
check_addresses

step "3. worker host w1 killed under load"
check_kill_under_load

step "4. a replacement worker on w1 rejoins"
check_replacement

step "5. a batch job from the driver host to PostgreSQL on the database host"
stop_serve
check_batch_job

if [ "$BENCH" = 1 ]; then
  step "bench serving: distributed through the LB next to head mode"
  run_bench
fi

step "done"
say "all checks passed in $SECONDS s"
