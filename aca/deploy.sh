#!/usr/bin/env bash
# Deploys spark-embed to Azure Container Apps: resource providers, a container registry, every
# image of docker/ built in that registry (`az acr build`: no local Docker), then aca/main.bicep.
# Safe to run again: what exists is kept, keys already deployed are reused.
#
#   aca/deploy.sh --resource-group RG --location REGION --registry NAME [options]
#
#   --name PREFIX            resource name prefix (default spark-embed)
#   --gpu t4|a100            serverless GPU profile of the workers (default t4)
#   --workers N              worker replicas always on (default 1; 0 = none until scaled up)
#   --max-workers N          most worker replicas (default 2; a CPU rule scales between)
#   --mode head|distributed  head (default): the controller serves /v1/embeddings and /jobs;
#                            distributed: executors serve through the LB app (no /jobs)
#   --lb-external            give the LB app public ingress (distributed mode)
#   --jupyter                also deploy the Jupyter app
#   --connection NAME=URL    a database jobs may name (repeatable); password from env
#                            SPARK_EMBED_CONNECTION_<NAME>_PASSWORD when set
#   --connection-user NAME=USER
#   --tag TAG                image tag (default latest)
#   --rapids VERSION         build the images with the RAPIDS Accelerator (RAPIDS_VERSION)
#   --skip-build             deploy the images already in the registry
#   --what-if                show what would change; create, build and deploy nothing
#   --destroy                delete the resource group and everything in it (asks first;
#                            --yes to skip the question)
#
# Keys come from env SPARK_EMBED_API_KEY, SPARK_EMBED_ADMIN_KEY, SPARK_EMBED_SECRET and
# JUPYTER_TOKEN; else the values already deployed; else new random ones. They reach Azure in a
# parameters file readable only by you, and live in the apps as Container Apps secrets.
#
# Needs the Azure CLI (az login done) and an Owner or User Access Administrator role on the
# resource group (the template grants AcrPull to the apps' identity).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROVIDERS=(Microsoft.App Microsoft.OperationalInsights Microsoft.ContainerRegistry
  Microsoft.Storage Microsoft.ManagedIdentity)

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

fail() {
  echo "deploy.sh: $*" >&2
  exit 2
}

say() {
  echo "deploy.sh: $*"
}

# The image each docker/Dockerfile.<x> builds: spark-embed-<x>.
image_of() {
  local file
  file="$(basename "$1")"
  echo "spark-embed-${file#Dockerfile.}"
}

list_images() {
  local f
  for f in "$ROOT"/docker/Dockerfile.*; do
    echo "docker/$(basename "$f") $(image_of "$f")"
  done
}

group="" location="" registry="" name="spark-embed" gpu="t4" workers=1 max_workers=2
mode="head" lb_external=false jupyter=false tag="latest" rapids="" skip_build=""
what_if="" destroy="" yes=""
connections=() connection_users=()

need_value() {
  if [ $# -lt 2 ] || [ -z "$2" ]; then
    fail "option $1 needs a value (see --help)"
  fi
}

while [ $# -gt 0 ]; do
  case "$1" in
    --resource-group | --location | --registry | --name | --gpu | --workers | --max-workers | \
      --mode | --connection | --connection-user | --tag | --rapids)
      need_value "$@"
      case "$1" in
        --resource-group) group="$2" ;;
        --location) location="$2" ;;
        --registry) registry="$2" ;;
        --name) name="$2" ;;
        --gpu) gpu="$2" ;;
        --workers) workers="$2" ;;
        --max-workers) max_workers="$2" ;;
        --mode) mode="$2" ;;
        --connection) connections+=("$2") ;;
        --connection-user) connection_users+=("$2") ;;
        --tag) tag="$2" ;;
        --rapids) rapids="$2" ;;
      esac
      shift 2
      ;;
    --lb-external) lb_external=true; shift ;;
    --jupyter) jupyter=true; shift ;;
    --skip-build) skip_build=1; shift ;;
    --what-if) what_if=1; shift ;;
    --destroy) destroy=1; shift ;;
    --yes) yes=1; shift ;;
    --list-images) list_images; exit 0 ;;
    -h | --help) usage 0 ;;
    *) fail "unknown argument '$1' (see --help)" ;;
  esac
done

# ---- argument checks (all before anything touches Azure) --------------------------------------
[ -n "$group" ] || fail "missing --resource-group"
[[ "$group" =~ ^[-a-zA-Z0-9._()]{1,90}$ ]] || fail "invalid --resource-group '$group' (1-90 letters, digits, - . _ ( ))"
if [ -n "$destroy" ]; then
  command -v az >/dev/null || fail "the Azure CLI (az) is needed: https://aka.ms/azure-cli"
  if [ "$(az group exists --name "$group")" != true ]; then
    say "resource group $group does not exist: nothing to delete"
    exit 0
  fi
  if [ -z "$yes" ]; then
    az resource list --resource-group "$group" --query '[].{name:name, type:type}' --output table
    read -r -p "Delete resource group $group and everything above? [y/N] " answer
    [ "$answer" = y ] || [ "$answer" = Y ] || fail "not deleted"
  fi
  say "deleting resource group $group (takes a few minutes)"
  az group delete --name "$group" --yes
  say "deleted. The subscription keeps nothing of this deployment."
  exit 0
fi
[ -n "$location" ] || fail "missing --location"
[[ "$location" =~ ^[a-z0-9]+$ ]] || fail "invalid --location '$location' (a region name such as westus3)"
[[ "$registry" =~ ^[a-zA-Z0-9]{5,50}$ ]] || fail "invalid --registry '$registry' (5-50 letters and digits, globally unique)"
[[ "$name" =~ ^[a-z][a-z0-9-]{1,19}$ ]] || fail "invalid --name '$name' (2-20 lower-case letters, digits, dashes; starts with a letter)"
case "$gpu" in
  t4 | T4 | Consumption-GPU-NC8as-T4) gpu_profile=Consumption-GPU-NC8as-T4 ;;
  a100 | A100 | Consumption-GPU-NC24-A100) gpu_profile=Consumption-GPU-NC24-A100 ;;
  *) fail "invalid --gpu '$gpu' (expected t4 or a100)" ;;
esac
if ! [[ "$workers" =~ ^[0-9]{1,2}$ ]] || [ "$workers" -gt 30 ]; then
  fail "invalid --workers '$workers' (expected 0-30)"
fi
if ! [[ "$max_workers" =~ ^[1-9][0-9]?$ ]] || [ "$max_workers" -gt 30 ]; then
  fail "invalid --max-workers '$max_workers' (expected 1-30)"
fi
[ "$workers" -le "$max_workers" ] || fail "--workers $workers is above --max-workers $max_workers"
case "$mode" in
  head | distributed) ;;
  *) fail "invalid --mode '$mode' (expected head or distributed)" ;;
esac
[ "$lb_external" = false ] || [ "$mode" = distributed ] || fail "--lb-external needs --mode distributed"
[[ -z "$rapids" || "$rapids" =~ ^[0-9]{2}\.[0-9]{2}\.[0-9]+$ ]] || fail "invalid --rapids '$rapids' (a release such as 24.12.0)"
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || fail "invalid --tag '$tag'"
for entry in ${connections[@]+"${connections[@]}"} ${connection_users[@]+"${connection_users[@]}"}; do
  [[ "$entry" =~ ^[A-Za-z][A-Za-z0-9_-]{0,63}=.+$ ]] || fail "invalid connection entry '$entry' (expected NAME=VALUE, NAME a letter then letters, digits, _ or -)"
done
for entry in ${connection_users[@]+"${connection_users[@]}"}; do
  found=""
  for c in ${connections[@]+"${connections[@]}"}; do
    [ "${c%%=*}" = "${entry%%=*}" ] && found=1
  done
  [ -n "$found" ] || fail "--connection-user ${entry%%=*}: no --connection ${entry%%=*}=URL"
done
if [ "$mode" = distributed ] && [ ${#connections[@]} -gt 0 ]; then
  fail "--connection needs --mode head (distributed mode runs serve, which has no /jobs)"
fi
command -v az >/dev/null || fail "the Azure CLI (az) is needed: https://aka.ms/azure-cli"
az account show --output none 2>/dev/null || fail "not logged in: run az login"

# ---- JSON helpers (no jq needed) ---------------------------------------------------------------
json_string() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\n'/\\n}"
  s="${s//$'\r'/\\r}"
  s="${s//$'\t'/\\t}"
  printf '"%s"' "$s"
}

PARAMS=()
# add_param NAME JSON_VALUE: one parameter of main.bicep (aca/check.sh compares the names).
add_param() {
  PARAMS+=("$(json_string "$1"): {\"value\": $2}")
}

random_key() {
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
}

# The value of a secret already deployed in an app, or nothing.
deployed_secret() {
  az containerapp secret show --resource-group "$group" --name "$1" --secret-name "$2" \
    --query value --output tsv 2>/dev/null || true
}

# key ENV_VAR APP SECRET: the env value, else the deployed one, else a new random one.
key() {
  local value="${!1:-}"
  if [ -z "$value" ] && [ "$group_exists" = true ]; then
    value="$(deployed_secret "$2" "$3")"
  fi
  if [ -z "$value" ]; then
    value="$(random_key)"
    echo "deploy.sh: generated a new $3 (read it back with: az containerapp secret show -g $group -n $2 --secret-name $3 --query value -o tsv)" >&2
  fi
  [ ${#value} -ge 16 ] || fail "$1 is shorter than 16 characters"
  printf '%s' "$value"
}

# ---- providers, quota, region ------------------------------------------------------------------
for provider in "${PROVIDERS[@]}"; do
  state="$(az provider show --namespace "$provider" --query registrationState --output tsv 2>/dev/null || true)"
  if [ "$state" != Registered ]; then
    if [ -n "$what_if" ]; then
      say "would register resource provider $provider (now: ${state:-unknown})"
    else
      say "registering resource provider $provider"
      az provider register --namespace "$provider" --wait --output none
    fi
  fi
done
az extension add --name containerapp --upgrade --only-show-errors --output none 2>/dev/null \
  || say "could not add the containerapp CLI extension; continuing with the built-in commands"

if ! az containerapp env workload-profile list-supported --location "$location" \
  --query "[].name" --output tsv 2>/dev/null | grep -qx "$gpu_profile"; then
  cat >&2 <<EOF
deploy.sh: warning: region '$location' does not list $gpu_profile for this subscription.
  Serverless GPUs are offered in a few regions (West US 3, Australia East, Sweden Central and
  others: az containerapp env workload-profile list-supported --location REGION), and only with
  serverless GPU quota: request "Managed Environment Consumption T4 GPUs" (or "... NCA100 GPUs")
  for Microsoft.App in the Azure portal's Quotas page, or with a support request.
EOF
fi

group_exists="$(az group exists --name "$group")"
registry_exists=false
if [ "$group_exists" = true ] && az acr show --name "$registry" --resource-group "$group" --output none 2>/dev/null; then
  registry_exists=true
fi

# ---- resource group, registry, images ----------------------------------------------------------
if [ -n "$what_if" ]; then
  [ "$group_exists" = true ] || say "would create resource group $group in $location"
  [ "$registry_exists" = true ] || say "would create registry $registry (Basic, admin user off)"
else
  if [ "$group_exists" != true ]; then
    say "creating resource group $group in $location"
    az group create --name "$group" --location "$location" --output none
  fi
  if [ "$registry_exists" != true ]; then
    say "creating registry $registry (admin user off: the apps pull with a managed identity)"
    az acr create --name "$registry" --resource-group "$group" --location "$location" \
      --sku Basic --admin-enabled false --output none
  fi
fi

lb_image="spark-embed-master"
[ -f "$ROOT/docker/Dockerfile.lb" ] && lb_image="$(image_of "$ROOT/docker/Dockerfile.lb")"
while read -r dockerfile image; do
  if [ "$image" = spark-embed-interact ] && [ "$jupyter" != true ]; then
    continue
  fi
  args=(--registry "$registry" --image "$image:$tag" --file "$dockerfile")
  [ -z "$rapids" ] || args+=(--build-arg "RAPIDS_VERSION=$rapids")
  if [ -n "$skip_build" ]; then
    continue
  elif [ -n "$what_if" ]; then
    say "would build $image:$tag from $dockerfile${rapids:+ with RAPIDS_VERSION=$rapids}"
  else
    say "building $image:$tag from $dockerfile in $registry (10-20 minutes each the first time)"
    (cd "$ROOT" && az acr build "${args[@]}" .)
  fi
done < <(list_images)

# ---- parameters --------------------------------------------------------------------------------
controller_app="$name-controller"
add_param location "$(json_string "$location")"
add_param name "$(json_string "$name")"
add_param registryName "$(json_string "$registry")"
add_param imageTag "$(json_string "$tag")"
add_param controllerImage "$(json_string spark-embed-master)"
add_param workerImage "$(json_string spark-embed-worker)"
add_param lbImage "$(json_string "$lb_image")"
add_param jupyterImage "$(json_string spark-embed-interact)"
add_param gpuProfileType "$(json_string "$gpu_profile")"
add_param servingMode "$(json_string "$mode")"
add_param workerMinReplicas "$workers"
add_param workerMaxReplicas "$max_workers"
add_param deployJupyter "$jupyter"
add_param lbExternal "$lb_external"
# (assignments first, so that a key that fails its check stops the script)
api_key="$(key SPARK_EMBED_API_KEY "$controller_app" api-key)"
admin_key="$(key SPARK_EMBED_ADMIN_KEY "$controller_app" admin-key)"
deployment_secret="$(key SPARK_EMBED_SECRET "$controller_app" deployment-secret)"
add_param apiKey "$(json_string "$api_key")"
add_param adminKey "$(json_string "$admin_key")"
add_param deploymentSecret "$(json_string "$deployment_secret")"
if [ "$jupyter" = true ]; then
  jupyter_token="$(key JUPYTER_TOKEN "$name-jupyter" jupyter-token)"
  add_param jupyterToken "$(json_string "$jupyter_token")"
fi

conn_json="" pass_json=""
for c in ${connections[@]+"${connections[@]}"}; do
  cname="${c%%=*}" url="${c#*=}" user=""
  for u in ${connection_users[@]+"${connection_users[@]}"}; do
    [ "${u%%=*}" = "$cname" ] && user="${u#*=}"
  done
  item="{\"name\": $(json_string "$cname"), \"url\": $(json_string "$url")"
  [ -z "$user" ] || item="$item, \"user\": $(json_string "$user")"
  conn_json="${conn_json:+$conn_json, }$item}"
  var="SPARK_EMBED_CONNECTION_$(tr '[:lower:]-' '[:upper:]_' <<<"$cname")_PASSWORD"
  if [ -n "${!var:-}" ]; then
    pass_json="${pass_json:+$pass_json, }$(json_string "$cname"): $(json_string "${!var}")"
  else
    say "no password for connection $cname (set $var to give one)"
  fi
done
add_param connections "[$conn_json]"
add_param connectionPasswords "{$pass_json}"

umask 077
params_file="$(mktemp "${TMPDIR:-/tmp}/spark-embed-params.XXXXXX.json")"
trap 'rm -f "$params_file"' EXIT
{
  # shellcheck disable=SC2016 # "$schema" is a literal JSON key
  printf '{"%s": "%s",\n' '$schema' \
    'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#'
  echo ' "contentVersion": "1.0.0.0", "parameters": {'
  sep=""
  for p in "${PARAMS[@]}"; do
    printf '%s  %s\n' "$sep" "$p"
    sep=","
  done
  echo '}}'
} >"$params_file"

# ---- deploy ------------------------------------------------------------------------------------
if [ -n "$what_if" ]; then
  if [ "$registry_exists" != true ]; then
    say "the template's what-if needs the resource group and the registry; run without --what-if once they exist, or create them with: az group create -n $group -l $location && az acr create -n $registry -g $group --sku Basic"
    exit 0
  fi
  say "what-if of aca/main.bicep (nothing is changed)"
  az deployment group what-if --resource-group "$group" --name spark-embed \
    --template-file "$ROOT/aca/main.bicep" --parameters "@$params_file"
  exit 0
fi

say "deploying aca/main.bicep ($mode mode, $gpu_profile, $workers-$max_workers workers)"
az deployment group create --resource-group "$group" --name spark-embed \
  --template-file "$ROOT/aca/main.bicep" --parameters "@$params_file" --output none

url="$(az deployment group show --resource-group "$group" --name spark-embed \
  --query properties.outputs.serviceUrl.value --output tsv)"
say "service: $url"
say "keys:    az containerapp secret show -g $group -n $controller_app --secret-name api-key --query value -o tsv   (admin-key likewise)"
say "scale:   az containerapp update -g $group -n $name-worker --min-replicas N --max-replicas M"
if [ "$jupyter" = true ]; then
  say "jupyter: $(az deployment group show --resource-group "$group" --name spark-embed \
    --query properties.outputs.jupyterUrl.value --output tsv)"
fi
