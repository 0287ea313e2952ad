#!/usr/bin/env bash
# Worker container: one Spark Worker in the foreground. With GPUs it offers them all to Spark
# (spark.worker.resource.gpu.*, found by getGpusResources.sh) and its executors embed on them; with
# none, or with SPARK_EMBED_DEVICE=cpu, it runs CPU executors and says so once.
#
#   SPARK_MASTER_URL     required, e.g. spark://spark-embed-controller:7077
#   SPARK_EMBED_DEVICE   auto (default: the GPUs if any) or cpu (hide them from the executors)
#   SPARK_LOCAL_IP       the address the driver and the load balancer reach this worker at
#                        (default: this host's address)
#   SPARK_WORKER_CORES, SPARK_WORKER_MEMORY   what to offer (default: Spark's: all cores, RAM - 1 GiB)
set -euo pipefail
SPARK_HOME="${SPARK_HOME:-/opt/spark}"
: "${SPARK_MASTER_URL:?set SPARK_MASTER_URL, e.g. spark://spark-embed-controller:7077}"

if [ -z "${SPARK_LOCAL_IP:-}" ]; then
  SPARK_LOCAL_IP="$(getent hosts "$(cat /proc/sys/kernel/hostname)" | awk '{print $1; exit}')"
fi
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export SPARK_WORKER_DIR="${SPARK_WORKER_DIR:-/tmp/spark-worker}"

device="${SPARK_EMBED_DEVICE:-auto}"
gpu_opts=""
case "$device" in
  cpu)
    echo "worker: WARNING: SPARK_EMBED_DEVICE=cpu: this worker offers no GPU and its executors embed on the CPU" >&2
    # Executors inherit this: the model's AUTO device then finds no GPU either.
    export CUDA_VISIBLE_DEVICES=""
    ;;
  auto | cuda)
    if gpus="$("$SPARK_HOME/bin/getGpusResources.sh" 2>/tmp/gpu-discovery.err)"; then
      count="$(grep -o '"[0-9]*"' <<< "$gpus" | wc -l)"
      echo "worker: offering $count GPU(s) to Spark: $gpus" >&2
      gpu_opts="-Dspark.worker.resource.gpu.amount=$count -Dspark.worker.resource.gpu.discoveryScript=$SPARK_HOME/bin/getGpusResources.sh"
    else
      echo "worker: WARNING: no GPU found ($(tr '\n' ' ' < /tmp/gpu-discovery.err)): running CPU executors" >&2
    fi
    ;;
  *)
    echo "worker: SPARK_EMBED_DEVICE='$device' (expected auto or cpu)" >&2
    exit 2
    ;;
esac

# The Worker's own heap (its executors get spark.executor.memory): SPARK_DAEMON_MEMORY, as Spark's
# scripts (default 1g).
export JAVA_OPTS="-Xmx${SPARK_DAEMON_MEMORY:-1g} ${JAVA_OPTS:-} $gpu_opts"
exec "$SPARK_HOME/bin/spark-java" org.apache.spark.deploy.worker.Worker \
  --host "$SPARK_LOCAL_IP" --webui-port "${SPARK_WORKER_WEBUI_PORT:-8081}" "$SPARK_MASTER_URL"
