# The steps of scripts/testbed.sh (sourced by it; it sets ROOT, REFERENCE, SPARK_HOME_DIR, A, B,
# NS_PREFIX, and WORK, SECRET and API_KEY before the first host starts).
# shellcheck shell=bash

SCRIPT_NAME=testbed.sh
# shellcheck source=scripts/lib/steps.sh
. "$ROOT/scripts/lib/steps.sh"

install_tools() {
  local missing=()
  command -v ip >/dev/null || missing+=(iproute2)
  command -v curl >/dev/null || missing+=(curl)
  command -v python3 >/dev/null || missing+=(python3)
  command -v runuser >/dev/null || missing+=(util-linux)
  { command -v psql >/dev/null && compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; } \
    || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# cli/target/spark-home: Spark's jars, the application's and conf/, bin/ (what the images copy).
build_spark_home() {
  if [ -n "${SPARK_EMBED_NO_BUILD:-}" ]; then
    [ -x "$SPARK_HOME_DIR/bin/spark-java" ] || fail "no Spark home at $SPARK_HOME_DIR (SPARK_EMBED_NO_BUILD is set)"
    return
  fi
  say "mvn -Pspark-home package (cli and what it depends on)"
  (cd "$ROOT" && mvn -q -B -Pspark-home -pl cli -am package -DskipTests -Dspotless.check.skip=true) >&2 \
    || fail "the Spark home did not build"
}

# ---- hosts and processes ----------------------------------------------------------------------

make_hosts() {
  netns_switch brA brB
  local host
  for host in driver:2 w1:11 w2:12 lb:5 db:6 client:100; do
    netns_host "${host%%:*}"
    netns_plug "${host%%:*}" eth0 brA "$A.${host##*:}"
  done
  # The driver and the workers have a second interface, on a network the LB and the clients are
  # not on: a server that binds or advertises the wrong one is unreachable.
  for host in driver:2 w1:11 w2:12; do
    netns_plug "${host%%:*}" eth1 brB "$B.${host##*:}"
  done
  say "hosts: driver $A.2/$B.2, w1 $A.11/$B.11, w2 $A.12/$B.12, lb $A.5, db $A.6, client $A.100"
}

declare -A PIDS=()  # process id by run_on's NAME

# Starts COMMAND on HOST in the background, its output in $WORK/logs/NAME.log:
#   run_on HOST NAME [VAR=VALUE...] -- COMMAND...
run_on() {
  local host="$1" name="$2"
  shift 2
  local env=()
  while [ "$1" != -- ]; do env+=("$1"); shift; done
  shift
  ip netns exec "$NS_PREFIX-$host" env "${env[@]}" "$@" > "$WORK/logs/$name.log" 2>&1 &
  PIDS[$name]=$!
}

exited() { ! kill -0 "$1" 2>/dev/null; }
pid_of() { echo "${PIDS[$1]}"; }

# curl on HOST: prints the status code (000: no answer). on_host HOST curl-arguments...
status_on() {
  local host="$1"
  shift
  ip netns exec "$NS_PREFIX-$host" curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@" || true
}
answers() { [ "$(status_on "$@")" = 200 ]; }
body_on() {
  local host="$1"
  shift
  ip netns exec "$NS_PREFIX-$host" curl -s --max-time 120 "$@"
}

# Polls COMMAND... once a second until it succeeds; fails naming WHAT after LIMIT seconds.
#   await LIMIT WHAT COMMAND...
await() {
  local limit="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "$what: not within $limit s"
    sleep 1
  done
}

log_tail() { tail -"${2:-30}" "$WORK/logs/$1.log" >&2; }

alive_or_fail() {
  kill -0 "$(pid_of "$1")" 2>/dev/null || { log_tail "$1"; fail "$1 exited"; }
}

# ---- PostgreSQL -------------------------------------------------------------------------------

PG_PASSWORD=testbed-db-password
psql_on_db() {
  ip netns exec "$NS_PREFIX-db" env PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 \
    psql -h "$A.6" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"
}

start_postgres() {
  local bin
  bin="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  mkdir -p "$WORK/pg"
  echo "$PG_PASSWORD" > "$WORK/pg/password"
  chown -R postgres "$WORK/pg"
  runuser -u postgres -- "$bin/initdb" -D "$WORK/pg/data" -U postgres --pwfile="$WORK/pg/password" \
    -A scram-sha-256 --no-sync > "$WORK/logs/initdb.log" 2>&1 || { log_tail initdb; fail "initdb"; }
  echo "host all all $A.0/24 scram-sha-256" >> "$WORK/pg/data/pg_hba.conf"
  run_on db postgres -- runuser -u postgres -- "$bin/postgres" -D "$WORK/pg/data" \
    -c listen_addresses="$A.6" -c port=5432 -c unix_socket_directories="$WORK/pg" -c fsync=off
  await 60 "PostgreSQL on $A.6:5432" psql_on_db -c 'select 1' >/dev/null 2>&1
  psql_on_db -c "create user embed password 'embed-password'" -c "create database docs owner embed"
  ip netns exec "$NS_PREFIX-db" env PGPASSWORD=embed-password psql -h "$A.6" -U embed -d docs \
    -v ON_ERROR_STOP=1 -qtA -c "create table docs (id int primary key, body text not null)" \
    -c "insert into docs select i, 'document number ' || i || ' of the test bed' from generate_series(1, 300) i"
  say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $A.6:5432: table docs with 300 rows"
}

# ---- Spark ------------------------------------------------------------------------------------

start_master() {
  run_on driver master SPARK_LOCAL_IP="$A.2" JAVA_OPTS="-Xmx512m" -- \
    "$SPARK_HOME_DIR/bin/spark-java" org.apache.spark.deploy.master.Master \
    --host "$A.2" --port 7077 --webui-port 8080
}

#   start_worker HOST ADDRESS [NAME]
start_worker() {
  local host="$1" address="$2" name="${3:-worker-$1}"
  mkdir -p "$WORK/$name"
  run_on "$host" "$name" SPARK_LOCAL_IP="$address" SPARK_WORKER_DIR="$WORK/$name" JAVA_OPTS="-Xmx512m" -- \
    "$SPARK_HOME_DIR/bin/spark-java" org.apache.spark.deploy.worker.Worker \
    --host "$address" --cores 2 --memory 3g --webui-port 8081 "spark://$A.2:7077"
}

# The workers the master lists as ALIVE: "address address ...".
alive_workers() {
  body_on client "http://$A.2:8080/json/" | python3 -c '
import json, sys
print(" ".join(sorted(w["host"] for w in json.load(sys.stdin).get("workers", []) if w["state"] == "ALIVE")))' 2>/dev/null || true
}

workers_are() { [ "$(alive_workers)" = "$1" ]; }

await_workers() {
  local want="$*"
  await 120 "workers $want registered with the master" workers_are "$want"
  say "the master lists workers $(alive_workers) as ALIVE"
}

# ---- the load balancer and the service --------------------------------------------------------

start_lb() {
  run_on lb lb JAVA_OPTS="-Xmx512m" -- "$SPARK_HOME_DIR/bin/spark-embed" lb --host 0.0.0.0 --port 8080 \
    --attach-port 9444 --secret-file "$WORK/secret" --response-timeout 60s
  await 60 "the load balancer on $A.5:8080" answers client "http://$A.5:8080/_lb/health"
}

start_serve() {
  run_on driver serve SPARK_LOCAL_IP="$A.2" SPARK_EMBED_API_KEY="$API_KEY" \
    JAVA_OPTS="-Xmx1g -Dspark.driver.host=$A.2" -- \
    "$SPARK_HOME_DIR/bin/spark-embed" serve --mode distributed --master "spark://$A.2:7077" \
    --lb "$A.5:9444" --secret-file "$WORK/secret" --host "$A.2" --port 8888 \
    --conf spark.executor.cores=2 --conf spark.executor.memory=1g
}

stop_serve() {
  local pid
  pid="$(pid_of serve)"
  kill -TERM "$pid" 2>/dev/null || true
  await 90 "serve to stop after SIGTERM" exited "$pid"
  say "serve stopped"
}

lb_metrics() { body_on client "http://$A.5:8080/metrics"; }

# The attached backends that are up: "address address ..." (sorted).
attached_backends() {
  body_on client "http://$A.5:8080/_lb/backends" | python3 -c '
import json, sys
print(" ".join(sorted(b["address"] for b in json.load(sys.stdin)["backends"]
                      if "attached" in b["sources"] and b["state"] == "up")))' 2>/dev/null || true
}

# Waits until WANT backends are attached and up; prints them. await_attached WANT [DRIVER]
await_attached() {
  local want="$1" driver="${2:-serve}" deadline=$((SECONDS + 240)) got
  while :; do
    got="$(attached_backends)"
    [ "$(wc -w <<< "$got")" = "$want" ] && break
    alive_or_fail "$driver"
    [ $SECONDS -lt $deadline ] || { log_tail "$driver"; fail "$want attached backends expected, the LB has: '$got'"; }
    sleep 1
  done
  say "attached to the load balancer: $got"
}

# Requests the LB answered with STATUS for BACKEND (0 when it has none): answered BACKEND STATUS
answered() {
  lb_metrics | awk -v series="spark_embed_lb_requests_total{backend=\"$1\",status=\"$2\"}" \
    '$1 == series { n = $2 } END { print n + 0 }'
}
at_least() { [ "$(answered "$1" 200)" -ge "$2" ]; }
both_at_least() { at_least "$1" "$3" && at_least "$2" "$3"; }

# The attached backend on ADDRESS (a worker's net-A address).
backend_on() { tr ' ' '\n' <<< "$(attached_backends)" | grep "^$1:" || true; }
no_backend_on() { [ -z "$(backend_on "$1")" ]; }

# The executor id the attached backend on ADDRESS reported ("" when none).
executor_on() {
  body_on client "http://$A.5:8080/_lb/backends" | python3 -c '
import json, sys
print(" ".join(b.get("executorId", "?") for b in json.load(sys.stdin)["backends"]
               if "attached" in b["sources"] and b["host"] == sys.argv[1]))' "$1" 2>/dev/null || true
}

# Closed-loop load from the client host through the LB until stop_load NAME (at most 300 s).
#   start_load NAME CONNECTIONS
start_load() {
  rm -f "$WORK/stop-$1"
  run_on client "load-$1" -- python3 "$ROOT/scripts/testbed/load.py" "$A.5" 8080 /v1/embeddings \
    "$API_KEY" "$2" "$WORK/stop-$1" 300 "$WORK/load-$1.json"
}
stop_load() {
  touch "$WORK/stop-$1"
  local pid
  pid="$(pid_of "load-$1")"
  await 90 "the load generator to stop" exited "$pid"
  [ -f "$WORK/load-$1.json" ] || { log_tail "load-$1"; fail "the load generator wrote no summary"; }
}
load_statuses() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["statuses"])' "$WORK/load-$1.json"; }
# Whether every request of load NAME was answered 200.
all_200() { python3 -c 'import json, sys; sys.exit(set(json.load(open(sys.argv[1]))["statuses"]) != {"200"})' "$WORK/load-$1.json"; }

check_both_workers_answer() {
  local w1 w2
  w1="$(backend_on "$A.11")" w2="$(backend_on "$A.12")"
  { [ -n "$w1" ] && [ -n "$w2" ]; } || fail "expected a backend on each worker, the LB has: $(attached_backends)"
  start_load both 4
  await 120 "both workers answering through the LB" both_at_least "$w1" "$w2" 10
  stop_load both
  all_200 both || fail "requests through the LB that were not 200: $(load_statuses both)"
  say "through the LB: w1's executor ($w1) answered $(answered "$w1" 200), w2's ($w2) $(answered "$w2" 200); load: $(load_statuses both)"

  python3 "$ROOT/scripts/lib/reference.py" request "$REFERENCE" > "$WORK/request.json"
  body_on client -H "Authorization: Bearer $API_KEY" -H 'content-type: application/json' \
    --data-binary "@$WORK/request.json" "http://$A.5:8080/v1/embeddings" > "$WORK/answer.json"
  python3 "$ROOT/scripts/lib/reference.py" check "$REFERENCE" "$WORK/answer.json" "through the LB" \
    || fail "the vectors through the LB do not match the reference"
  [ "$(status_on client -d '{"input": "no key"}' "http://$A.5:8080/v1/embeddings")" = 401 ] \
    || fail "a request without the API key through the LB was not 401"
  say "without the API key: 401"
}

check_addresses() {
  local servers hosts
  servers="$(body_on driver -H "X-Spark-Embed-Secret: $SECRET" "http://$A.2:8888/_spark-embed/servers")"
  hosts="$(python3 -c 'import json, sys; print(" ".join(sorted(s["host"] for s in json.load(sys.stdin)["servers"])))' <<< "$servers")" \
    || fail "the driver's server list: $servers"
  [ "$hosts" = "$A.11 $A.12" ] || fail "executors should advertise their workers' net-A addresses, the driver lists: $servers"
  say "the driver lists the executors' servers at $hosts (their workers' addresses on net A)"
  local server host port
  for server in $(python3 -c 'import json, sys; print(" ".join("%s:%d" % (s["host"], s["port"]) for s in json.load(sys.stdin)["servers"]))' <<< "$servers"); do
    host="${server%:*}" port="${server##*:}"
    [ "$(status_on client -H "Authorization: Bearer $API_KEY" -d '{"input": "direct"}' "http://$server/v1/embeddings")" = 200 ] \
      || fail "the client host cannot reach the executor server $server it advertises"
    local other="$B.${host##*.}"
    [ "$(status_on driver "http://$other:$port/healthz")" = 000 ] \
      || fail "the executor server $server also answers on $other: it should bind its worker's address only"
  done
  say "each executor server answers the client at its advertised address and nothing on its worker's net-B address"
  [ "$(status_on w1 "http://$A.2:8888/healthz")" = 200 ] || fail "the driver's server does not answer on $A.2:8888"
  [ "$(status_on w1 "http://$B.2:8888/healthz")" = 000 ] || fail "the driver's server (--host $A.2) answers on $B.2 too"
  say "the driver's server answers on --host $A.2 and not on its other interface $B.2"
}

check_kill_under_load() {
  local victim survivor connections=6
  victim="$(backend_on "$A.11")" survivor="$(backend_on "$A.12")"
  VICTIM_EXECUTOR="$(executor_on "$A.11")"
  local victim_before
  victim_before="$(answered "$victim" 200)"
  start_load kill "$connections"
  await 60 "w1's executor answering under load" at_least "$victim" $((victim_before + 20))
  local killed_at gone_at
  killed_at="$(date +%s.%N)"
  netns_kill w1 KILL
  say "killed every process of host w1 (its Worker and executor) under $connections connections of load"
  await 30 "w1's backend to leave the LB" no_backend_on "$A.11"
  gone_at="$(date +%s.%N)"
  local survivor_before
  survivor_before="$(answered "$survivor" 200)"
  await 60 "w2's executor answering after the kill" at_least "$survivor" $((survivor_before + 30))
  stop_load kill
  lb_metrics > "$WORK/metrics-after-kill.txt"
  python3 - "$WORK/load-kill.json" "$WORK/metrics-after-kill.txt" "$victim" "$survivor" "$connections" \
    "$killed_at" "$gone_at" <<'PY' || fail "the kill under load failed more than the dead executor's in-flight requests"
import json, re, sys
load = json.load(open(sys.argv[1]))
metrics = open(sys.argv[2]).read()
victim, survivor, connections = sys.argv[3], sys.argv[4], int(sys.argv[5])
killed_at, gone_at = float(sys.argv[6]), float(sys.argv[7])

def series(name, backend, label, value):
    m = re.search(r'^%s\{backend="%s",%s="%s"\} (\d+)$' % (name, re.escape(backend), label, value), metrics, re.M)
    return int(m.group(1)) if m else 0

failed = sum(n for s, n in load["statuses"].items() if s != "200")
victim_5xx = sum(series("spark_embed_lb_requests_total", victim, "status", s) for s in ("500", "502", "503", "504"))
survivor_5xx = sum(series("spark_embed_lb_requests_total", survivor, "status", s) for s in ("500", "502", "503", "504"))
survivor_failures = sum(series("spark_embed_lb_backend_failures_total", survivor, "reason", r) for r in ("connect", "closed", "timeout"))
times = [t for t, _ in load["failures"]]
print("testbed.sh: load %s; failed %d (the LB's 5xx for w1's backend: %d); w2's backend: %d 5xx, %d failures; failures between %.2f and %.2f s after the kill (backend gone after %.2f s)"
      % (load["statuses"], failed, victim_5xx, survivor_5xx, survivor_failures,
         min(times) - killed_at if times else 0, max(times) - killed_at if times else 0, gone_at - killed_at), file=sys.stderr)
problems = []
if set(load["statuses"]) - {"200", "502", "503"}:
    problems.append("statuses other than 200, 502, 503")
if failed > connections:
    problems.append("more failures than requests in flight")
if failed != victim_5xx:
    problems.append("failures not all counted against w1's backend")
if survivor_5xx or survivor_failures:
    problems.append("w2's backend failed requests")
if times and (min(times) < killed_at - 0.5 or max(times) > gone_at + 1):
    problems.append("failures outside the moment w1 died")
if problems:
    sys.exit("testbed.sh: " + "; ".join(problems))
PY
}

check_replacement() {
  start_worker w1 "$A.11" worker-w1-replacement
  await_workers "$A.11" "$A.12"
  await_attached 2
  local replacement
  replacement="$(backend_on "$A.11")"
  [ -n "$replacement" ] || fail "no backend on w1 after its replacement worker joined: $(attached_backends)"
  local executor before
  executor="$(executor_on "$A.11")" before="$(answered "$replacement" 200)"
  [ "$executor" != "$VICTIM_EXECUTOR" ] || fail "the backend on w1 is still executor $executor, which was killed"
  start_load rejoined 4
  await 120 "the replacement executor ($replacement) answering" at_least "$replacement" $((before + 10))
  stop_load rejoined
  all_200 rejoined || fail "requests after the replacement joined that were not 200: $(load_statuses rejoined)"
  say "executor $executor on the replacement worker (executor $VICTIM_EXECUTOR died with w1) attached as $replacement and answered $(($(answered "$replacement" 200) - before)) requests; load: $(load_statuses rejoined)"
}

check_batch_job() {
  local started=$SECONDS
  ip netns exec "$NS_PREFIX-driver" env SPARK_LOCAL_IP="$A.2" DOCS_PASSWORD=embed-password \
    JAVA_OPTS="-Xmx1g -Dspark.driver.host=$A.2" timeout 600 \
    "$SPARK_HOME_DIR/bin/spark-embed" batch --master "spark://$A.2:7077" \
    --jdbc-url "jdbc:postgresql://$A.6:5432/docs" --user embed --password-env DOCS_PASSWORD \
    --table docs --id-column id --text-column body --target-table doc_vectors \
    > "$WORK/logs/batch.log" 2>&1 || { log_tail batch 40; fail "the batch job failed"; }
  say "batch on the cluster: $(grep '^Embedded ' "$WORK/logs/batch.log") ($((SECONDS - started)) s with Spark's start)"
  local stored
  stored="$(ip netns exec "$NS_PREFIX-db" env PGPASSWORD=embed-password psql -h "$A.6" -U embed -d docs -qtA \
    -c "select count(*) || ' rows, dimensions ' || min(cardinality(embedding)) || '-' || max(cardinality(embedding)) from doc_vectors v join docs d on d.id = v.id")"
  [ "$stored" = "300 rows, dimensions 384-384" ] || fail "doc_vectors on the database host holds: $stored"
  say "PostgreSQL on $A.6: doc_vectors has $stored"
}

# ---- bench (--bench) --------------------------------------------------------------------------

# The echo example on the cluster: start_echo NAME MODE PORT [OPTIONS...]. Each takes one core of
# each worker, so both fit on the two workers at once.
start_echo() {
  local name="$1" mode="$2" port="$3"
  shift 3
  run_on driver "$name" SPARK_LOCAL_IP="$A.2" \
    JAVA_OPTS="-Xmx1g -Dspark.driver.host=$A.2 -Dspark.cores.max=2 -Dspark.executor.cores=1 -Dspark.executor.memory=1g" -- \
    "$SPARK_HOME_DIR/bin/spark-embed" example echo --mode "$mode" --master "spark://$A.2:7077" \
    --host "$A.2" --port "$port" --path /echo --secret-file "$WORK/secret" "$@"
}

echo_answers() { [ "$(body_on client -d '{"text": "four"}' "$1")" = '{"length":4}' ]; }

run_bench() {
  local jar="$ROOT/bench/target/spark-embed-bench-0.1.0-SNAPSHOT.jar"
  [ -f "$jar" ] || fail "no $jar: build the bench module first (mvn -DskipTests package)"
  start_echo echo-head head 9200
  start_echo echo-distributed distributed 9100 --lb "$A.5:9444"
  await_attached 2 echo-distributed
  await 240 "the head-mode echo service on $A.2:9200" echo_answers "http://$A.2:9200/echo"
  await 60 "the distributed echo service through the LB" echo_answers "http://$A.5:8080/echo"
  mkdir -p "$ROOT/target/bench"
  ip netns exec "$NS_PREFIX-client" env SPARK_EMBED_NO_BUILD=1 JAVA_OPTS="-Xmx1g" \
    "$ROOT/bin/spark-embed" bench serving --mode distributed --url "http://$A.5:8080/echo" \
    --baseline-url "http://$A.2:9200/echo" --baseline-mode head \
    --connections "${SPARK_EMBED_TESTBED_CONNECTIONS:-1,16,64}" --warmup 15s --duration 15s \
    --out "$ROOT/target/bench/testbed-serving.json" 2>&1 | tee "$WORK/logs/bench.log" >&2 \
    || fail "bench serving failed"
  say "the distributed echo's executors answered, through the LB: $(for b in $(attached_backends); do echo -n "$b $(answered "$b" 200); "; done)"
}

# ---- cleanup ----------------------------------------------------------------------------------

cleanup() {
  local status=$?
  set +e
  step_time
  if [ "$status" != 0 ] && [ -d "${WORK:-}/logs" ]; then
    log_tails "$WORK/logs"
    if [ -n "${SPARK_EMBED_TESTBED_KEEP:-}" ]; then
      mkdir -p "$SPARK_EMBED_TESTBED_KEEP" && cp -r "$WORK/logs" "$SPARK_EMBED_TESTBED_KEEP/" \
        && say "logs kept in $SPARK_EMBED_TESTBED_KEEP/logs"
    fi
  fi
  netns_cleanup
  wait 2>/dev/null
  [ -n "${WORK:-}" ] && [ -d "$WORK" ] && rm -rf --one-file-system "$WORK"
  if [ "$status" = 0 ]; then say "cleaned up"; else say "cleaned up after a failure ($status)"; fi
  exit "$status"
}
