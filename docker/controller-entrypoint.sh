#!/usr/bin/env bash
# Controller container: Spark master (7077, web UI 8080) and the embedding service (8888),
# which is the cluster's Spark driver. The container ends when either process ends.
#
#   SPARK_EMBED_COMMAND     the spark-embed command: serve (default) or controller (adds /jobs)
#   SPARK_EMBED_SERVE_ARGS  extra arguments for that command (model, mode, ...); arguments given
#                           to the container come after them
#   SPARK_DRIVER_HOST       address executors use to reach the driver (default: this
#                           replica's IP)
set -euo pipefail
SPARK_HOME="${SPARK_HOME:-/opt/spark}"

driver_host="${SPARK_DRIVER_HOST:-$(hostname -i | awk '{print $1}')}"

"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
  --host 0.0.0.0 --port 7077 --webui-port 8080 &
master=$!
trap 'kill "$master" "${service:-}" 2>/dev/null || true' EXIT INT TERM

# Wait (at most a minute) until the master accepts connections.
for _ in $(seq 1 60); do
  if (exec 3<>/dev/tcp/127.0.0.1/7077) 2>/dev/null; then
    break
  fi
  kill -0 "$master" 2>/dev/null || { echo "controller: the Spark master exited" >&2; exit 1; }
  sleep 1
done

# Fixed driver ports so that they can be opened between the apps.
export JAVA_OPTS="${JAVA_OPTS:-} -Dspark.driver.host=$driver_host -Dspark.driver.bindAddress=0.0.0.0 -Dspark.driver.port=7078 -Dspark.blockManager.port=7079"

command="${SPARK_EMBED_COMMAND:-serve}"
case "$command" in
  serve | controller) ;;
  *) echo "controller: SPARK_EMBED_COMMAND='$command' (expected serve or controller)" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086 # SPARK_EMBED_SERVE_ARGS is a list of words
/opt/spark-embed/bin/spark-embed "$command" \
  --master spark://127.0.0.1:7077 --host 0.0.0.0 --port 8888 \
  ${SPARK_EMBED_SERVE_ARGS:-} "$@" &
service=$!

# Whichever stops first stops the container (the trap stops the other).
set +e
wait -n "$master" "$service"
status=$?
echo "controller: $( kill -0 "$master" 2>/dev/null && echo "the service" || echo "the Spark master") exited ($status)" >&2
exit "$status"
