#!/usr/bin/env bash
# Deploys spark-embed to Azure Container Apps: a container registry, the two images (built
# in the registry with `az acr build`, so no local Docker is needed), then aca/main.bicep.
#
#   aca/deploy.sh --resource-group RG --location LOCATION --registry NAME
#                 [--tag TAG] [--workers N] [--max-workers N]
#                 [--gpu Consumption-GPU-NC8as-T4|Consumption-GPU-NC24-A100]
#                 [--serve-args "ARGS for spark-embed serve"] [--skip-build]
#
# Needs the Azure CLI, logged in (az login), with the containerapp extension.
set -euo pipefail

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

fail() {
  echo "deploy.sh: $*" >&2
  exit 2
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
group="" location="" registry="" tag="latest" workers=0 max_workers=2
gpu="Consumption-GPU-NC8as-T4" serve_args="" skip_build=""

while [ $# -gt 0 ]; do
  case "$1" in
    --resource-group) group="${2:?}"; shift 2 ;;
    --location) location="${2:?}"; shift 2 ;;
    --registry) registry="${2:?}"; shift 2 ;;
    --tag) tag="${2:?}"; shift 2 ;;
    --workers) workers="${2:?}"; shift 2 ;;
    --max-workers) max_workers="${2:?}"; shift 2 ;;
    --gpu) gpu="${2:?}"; shift 2 ;;
    --serve-args) serve_args="${2?}"; shift 2 ;;
    --skip-build) skip_build=1; shift ;;
    -h | --help) usage 0 ;;
    *) fail "unknown argument '$1' (see --help)" ;;
  esac
done

[ -n "$group" ] || fail "missing --resource-group"
[ -n "$location" ] || fail "missing --location"
[[ "$registry" =~ ^[a-zA-Z0-9]{5,50}$ ]] || fail "invalid --registry '$registry' (expected 5-50 letters and digits)"
[[ "$workers" =~ ^[0-9]+$ ]] || fail "invalid --workers '$workers' (expected 0 or more)"
[[ "$max_workers" =~ ^[1-9][0-9]*$ ]] || fail "invalid --max-workers '$max_workers' (expected 1 or more)"
[ "$workers" -le "$max_workers" ] || fail "--workers $workers is above --max-workers $max_workers"
case "$gpu" in
  Consumption-GPU-NC8as-T4 | Consumption-GPU-NC24-A100) ;;
  *) fail "invalid --gpu '$gpu' (expected Consumption-GPU-NC8as-T4 or Consumption-GPU-NC24-A100)" ;;
esac
command -v az >/dev/null || fail "the Azure CLI (az) is needed"

echo "deploy.sh: resource group $group in $location"
az group create --name "$group" --location "$location" --output none

if ! az acr show --name "$registry" --resource-group "$group" --output none 2>/dev/null; then
  echo "deploy.sh: creating registry $registry"
  az acr create --name "$registry" --resource-group "$group" --location "$location" \
    --sku Basic --admin-enabled true --output none
else
  az acr update --name "$registry" --admin-enabled true --output none
fi

if [ -z "$skip_build" ]; then
  for image in master worker; do
    echo "deploy.sh: building spark-embed-$image:$tag in $registry"
    az acr build --registry "$registry" --image "spark-embed-$image:$tag" \
      --file "$ROOT/docker/Dockerfile.$image" "$ROOT"
  done
fi

echo "deploy.sh: deploying aca/main.bicep"
az deployment group create --resource-group "$group" --name spark-embed \
  --template-file "$ROOT/aca/main.bicep" \
  --parameters location="$location" registryName="$registry" imageTag="$tag" \
    gpuProfileType="$gpu" workerMinReplicas="$workers" workerMaxReplicas="$max_workers" \
    serveArgs="$serve_args" \
  --output none

url="$(az deployment group show --resource-group "$group" --name spark-embed \
  --query properties.outputs.serviceUrl.value --output tsv)"
echo "deploy.sh: service at $url"
echo "deploy.sh: scale workers with: az containerapp update -g $group -n spark-embed-worker --min-replicas N"
