#!/usr/bin/env bash
# Spark resource discovery script for GPUs (spark.worker.resource.gpu.discoveryScript, which
# worker-entrypoint.sh sets when this finds a GPU). Prints the GPUs this container sees, in the
# JSON form Spark expects:
#   {"name": "gpu", "addresses": ["0", "1"]}
# Fails (exit 1, reason on stderr) when no GPU is visible; the worker then runs CPU executors.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "getGpusResources.sh: nvidia-smi not found: this container sees no NVIDIA GPU" >&2
  exit 1
fi

indexes="$(nvidia-smi --query-gpu=index --format=csv,noheader)"
addresses=""
while read -r index; do
  [ -n "$index" ] || continue
  addresses="${addresses:+$addresses, }\"$index\""
done <<< "$indexes"

if [ -z "$addresses" ]; then
  echo "getGpusResources.sh: nvidia-smi lists no GPU" >&2
  exit 1
fi
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"
