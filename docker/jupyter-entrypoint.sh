#!/usr/bin/env bash
# Jupyter container (Dockerfile.interact): Jupyter Notebook on 8888 behind a token, and the
# settings a notebook's Spark driver needs to be reached by a cluster's executors.
#
#   JUPYTER_TOKEN      the token (an ACA secret); unset: one is made and printed once; empty: refused
#   SPARK_MASTER_URL   the cluster notebooks use (default: local[*])
#   SPARK_DRIVER_HOST  the address executors reach a notebook's driver at (default: this host's)
set -euo pipefail
SPARK_HOME="${SPARK_HOME:-/opt/spark}"

if [ -z "${JUPYTER_TOKEN+set}" ]; then
  JUPYTER_TOKEN="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  echo "jupyter: no JUPYTER_TOKEN given; this container's token is: $JUPYTER_TOKEN" >&2
elif [ -z "$JUPYTER_TOKEN" ]; then
  echo "jupyter: JUPYTER_TOKEN is empty; refusing to start a notebook server without a token" >&2
  exit 2
fi
export JUPYTER_TOKEN

# Java from the image's packages, whatever the CPU architecture.
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
export JAVA_HOME

driver_host="${SPARK_DRIVER_HOST:-$(getent hosts "$(cat /proc/sys/kernel/hostname)" | awk '{print $1; exit}')}"
export SPARK_DRIVER_HOST="${driver_host:-127.0.0.1}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-$SPARK_DRIVER_HOST}"
export SPARK_MASTER_URL="${SPARK_MASTER_URL:-local[*]}"
# PySpark's driver: reachable at SPARK_DRIVER_HOST on fixed ports (open them to the workers).
export PYSPARK_SUBMIT_ARGS="${PYSPARK_SUBMIT_ARGS:---master $SPARK_MASTER_URL --conf spark.driver.host=$SPARK_DRIVER_HOST --conf spark.driver.bindAddress=0.0.0.0 --conf spark.driver.port=7078 --conf spark.blockManager.port=7079 pyspark-shell}"

exec jupyter notebook --ip=0.0.0.0 --port="${JUPYTER_PORT:-8888}" --no-browser \
  --notebook-dir="$HOME" "$@"
