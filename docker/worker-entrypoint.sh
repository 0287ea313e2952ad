#!/usr/bin/env bash
# GPU worker container: one Spark worker in the foreground offering every GPU it sees.
#
#   SPARK_MASTER_URL     required, e.g. spark://spark-embed-controller:7077
#   SPARK_WORKER_CORES   cores to offer (default: all)
#   SPARK_WORKER_MEMORY  memory to offer (default: Spark's, total minus 1 GiB)
set -euo pipefail
SPARK_HOME="${SPARK_HOME:-/opt/spark}"
: "${SPARK_MASTER_URL:?set SPARK_MASTER_URL, e.g. spark://spark-embed-controller:7077}"

gpus="$(/opt/spark-embed/getGpusResources.sh)"
gpu_count="$(grep -o '"[0-9]*"' <<< "$gpus" | wc -l)"
echo "worker: GPUs $gpus" >&2

# This replica's own address: the driver and the load balancer reach executors here.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-$(hostname -i | awk '{print $1}')}"
export SPARK_WORKER_OPTS="${SPARK_WORKER_OPTS:-} -Dspark.worker.resource.gpu.amount=$gpu_count -Dspark.worker.resource.gpu.discoveryScript=/opt/spark-embed/getGpusResources.sh"

exec "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker \
  --webui-port 8081 "$SPARK_MASTER_URL"
