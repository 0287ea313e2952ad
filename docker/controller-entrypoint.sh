#!/usr/bin/env bash
# Controller container: Spark's Master (7077, web UI 8080) and the spark-embed service (8888) as the
# cluster's Spark driver. The service's port opens at once: /healthz answers 200 while /readyz (and
# every embedding request, with Retry-After) answers 503 until a worker's executor has loaded the
# model. The container ends when either process ends.
#
#   SPARK_EMBED_COMMAND     serve (default) or controller (adds the /jobs API)
#   SPARK_EMBED_SERVE_ARGS  extra arguments for that command (model, mode, keys, ...); arguments
#                           given to the container come after them
#   SPARK_DRIVER_HOST       the address executors reach the driver at (default: this host's address)
#   SPARK_MASTER_HOST       the address the Master advertises (default: the same)
#   SPARK_DAEMON_MEMORY     the Master's heap (default 1g); JAVA_OPTS reach the service's JVM
set -euo pipefail
SPARK_HOME="${SPARK_HOME:-/opt/spark}"

own_address() {
  local address
  address="$(getent hosts "$(cat /proc/sys/kernel/hostname)" | awk '{print $1; exit}')"
  echo "${address:-127.0.0.1}"
}
driver_host="${SPARK_DRIVER_HOST:-$(own_address)}"
master_host="${SPARK_MASTER_HOST:-$driver_host}"
# Spark's own idea of this host, where the container's hostname does not resolve.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-$master_host}"

command="${SPARK_EMBED_COMMAND:-serve}"
case "$command" in
  serve | controller) ;;
  *) echo "controller: SPARK_EMBED_COMMAND='$command' (expected serve or controller)" >&2; exit 2 ;;
esac

# The Master's heap: SPARK_DAEMON_MEMORY, as Spark's own scripts (default 1g).
JAVA_OPTS="-Xmx${SPARK_DAEMON_MEMORY:-1g} ${JAVA_OPTS:-}" \
  "$SPARK_HOME/bin/spark-java" org.apache.spark.deploy.master.Master \
  --host "$master_host" --port 7077 --webui-port 8080 &
master=$!
service=""
trap 'kill $master $service 2>/dev/null || true' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# The Master first (at most a minute), so the driver finds it.
for _ in $(seq 1 60); do
  if (exec 3<>"/dev/tcp/$master_host/7077") 2>/dev/null; then
    break
  fi
  kill -0 "$master" 2>/dev/null || { echo "controller: the Spark master exited" >&2; exit 1; }
  sleep 1
done

# Fixed driver ports, so that they can be opened between hosts or apps.
export JAVA_OPTS="${JAVA_OPTS:-} -Dspark.driver.host=$driver_host -Dspark.driver.bindAddress=0.0.0.0 -Dspark.driver.port=7078 -Dspark.blockManager.port=7079"

# shellcheck disable=SC2086 # SPARK_EMBED_SERVE_ARGS is a list of words
"$SPARK_HOME/bin/spark-embed" "$command" \
  --master "spark://$master_host:7077" --host 0.0.0.0 --port 8888 \
  ${SPARK_EMBED_SERVE_ARGS:-} "$@" &
service=$!

# Whichever stops first stops the container (the EXIT trap stops the other).
set +e
wait -n "$master" "$service"
status=$?
if kill -0 "$master" 2>/dev/null; then
  echo "controller: the service exited ($status)" >&2
else
  echo "controller: the Spark master exited ($status)" >&2
fi
exit "$status"
