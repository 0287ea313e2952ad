#!/usr/bin/env bash
# Checks aca/ against the rest of the repository, without Azure and without a Bicep compiler:
#
#   1. aca/deploy.sh, run against a stand-in `az` that records its calls, passes only parameters
#      that aca/main.bicep declares, and every one main.bicep needs; its parameters file is valid
#      JSON; no key ever appears on an az command line; it builds one image per docker/Dockerfile.*
#      (with --rapids passed through) and its argument checks refuse bad input;
#   2. every image main.bicep and deploy.sh name is built by a docker/Dockerfile.*;
#   3. every port main.bicep uses agrees with docker/ (EXPOSE lines and the entrypoints);
#   4. every spark-embed option and environment variable main.bicep passes exists in the CLI,
#      docker/ or the program that reads it;
#   5. shellcheck passes on aca/*.sh, docker/*.sh, docker/*/*.sh, scripts/*.sh, scripts/*/*.sh,
#      bin/spark-embed and the Spark home's launchers (cli/src/main/spark-home/bin).
#
#   aca/check.sh [REPO_ROOT]     (default: this script's repository); exits 1 on any failure.
# Installs shellcheck and jq with apt-get when they are missing (needs root then).

# "A && B || problem": problem only records a failure, so it running after a failed B is intended.
# shellcheck disable=SC2015
set -euo pipefail

ROOT="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)"
BICEP="$ROOT/aca/main.bicep"
DEPLOY="$ROOT/aca/deploy.sh"
failures=0

problem() {
  echo "check.sh: FAIL: $*" >&2
  failures=$((failures + 1))
}

ok() {
  echo "check.sh: ok: $*"
}

need_tool() {
  command -v "$1" >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || { echo "check.sh: $1 is missing; install it (apt-get install $1) or run as root" >&2; exit 1; }
  echo "check.sh: installing $1"
  if ! apt-get install -y -qq "$1" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && apt-get install -y -qq "$1" >/dev/null
  fi
}

need_tool shellcheck
need_tool jq
for f in "$BICEP" "$DEPLOY"; do
  [ -f "$f" ] || { echo "check.sh: $f is missing" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# ---- what main.bicep declares --------------------------------------------------------------
bicep_params="$(grep -oE '^param [A-Za-z0-9_]+' "$BICEP" | awk '{print $2}' | sort -u)"
# Parameters without a default value: deploy.sh must pass them.
bicep_required="$(grep -E '^param [A-Za-z0-9_]+ [a-z]+ *$' "$BICEP" | awk '{print $2}' | sort -u)"
# The ports block: `var ports = { name: number ... }`.
declare -A PORT
while read -r key value; do
  PORT[$key]="$value"
done < <(sed -n '/^var ports = {/,/^}/p' "$BICEP" | grep -E '^ +[A-Za-z]+: [0-9]+$' | tr -d ':')
bicep_default() { # the default value of a string parameter
  sed -n "s/^param $1 string = '\\([^']*\\)'.*/\\1/p" "$BICEP"
}
dockerfile_of() { # image name -> docker/Dockerfile.<x>
  echo "$ROOT/docker/Dockerfile.${1#spark-embed-}"
}
exposed() { # ports in a Dockerfile's EXPOSE lines
  grep -E '^EXPOSE ' "$1" | cut -d' ' -f2- | tr ' ' '\n' | sed 's#/tcp##'
}
entrypoint_of() { # the docker/ script a Dockerfile's ENTRYPOINT runs
  local script
  script="$(grep -E '^ENTRYPOINT ' "$1" | grep -oE '/[A-Za-z0-9_./-]+\.sh' | tail -1)"
  [ -n "$script" ] && echo "$ROOT/docker/$(basename "$script")"
}

# ---- 1. deploy.sh against a stand-in az ----------------------------------------------------
mkdir -p "$WORK/bin"
cat >"$WORK/bin/az" <<'EOF'
#!/usr/bin/env bash
# Stand-in for the Azure CLI: records each call, answers the queries deploy.sh makes.
printf '%s\n' "$*" >>"$AZ_LOG"
case "$*" in
  "account show"*) exit 0 ;;
  "provider show"*) echo Registered ;;
  "containerapp env workload-profile list-supported"*) printf '%s\n' Consumption Consumption-GPU-NC8as-T4 Consumption-GPU-NC24-A100 ;;
  "group exists"*) echo false ;;
  "acr show"*) exit 3 ;;
  "containerapp secret show"*) exit 3 ;;
  "deployment group create"* | "deployment group what-if"*)
    file="$(printf '%s\n' "$@" | sed -n 's/^@//p')"
    cp "$file" "$AZ_PARAMS" ;;
  "deployment group show"*) echo "https://stand-in.example" ;;
esac
exit 0
EOF
chmod +x "$WORK/bin/az"

run_deploy() { # run_deploy NAME ARGS...: deploy.sh with the stand-in; its calls in $WORK/NAME.log
  local run="$1"
  shift
  if ! env -u SPARK_EMBED_API_KEY -u SPARK_EMBED_ADMIN_KEY -u SPARK_EMBED_SECRET -u JUPYTER_TOKEN \
    PATH="$WORK/bin:$PATH" AZ_LOG="$WORK/$run.log" AZ_PARAMS="$WORK/$run.json" \
    SPARK_EMBED_CONNECTION_DOCS_PASSWORD=pg-password-0123 \
    bash "$DEPLOY" "$@" >"$WORK/$run.out" 2>&1; then
    problem "deploy.sh $* failed: $(tail -3 "$WORK/$run.out")"
    return 1
  fi
}

check_params_file() { # check_params_file NAME: the parameters deploy.sh wrote
  local run="$1" json="$WORK/$1.json" passed p
  if [ ! -f "$json" ] || ! jq -e .parameters "$json" >/dev/null 2>&1; then
    problem "deploy.sh ($run) wrote no valid JSON parameters file"
    return
  fi
  passed="$(jq -r '.parameters | keys[]' "$json" | sort -u)"
  for p in $passed; do
    grep -qx "$p" <<<"$bicep_params" || problem "deploy.sh ($run) passes parameter '$p', which main.bicep does not declare"
  done
  for p in $bicep_required; do
    grep -qx "$p" <<<"$passed" || problem "main.bicep needs parameter '$p', which deploy.sh ($run) does not pass"
  done
  # Keys go in the file, never on an az command line.
  for p in apiKey adminKey deploymentSecret jupyterToken; do
    value="$(jq -r ".parameters.$p.value // empty" "$json")"
    [ -z "$value" ] || ! grep -qF -- "$value" "$WORK/$run.log" || problem "deploy.sh ($run) put $p on an az command line"
  done
  # Every image it names is built by a docker/Dockerfile.*.
  for p in controllerImage workerImage lbImage jupyterImage; do
    value="$(jq -r ".parameters.$p.value // empty" "$json")"
    [ -z "$value" ] || [ -f "$(dockerfile_of "$value")" ] || problem "deploy.sh ($run) names image $p=$value, but docker/$(basename "$(dockerfile_of "$value")") does not exist"
  done
  ok "deploy.sh ($run): $(wc -w <<<"$passed") parameters, all declared in main.bicep"
}

if run_deploy head --resource-group rg-check --location westus3 --registry checkregistry1 \
  --jupyter --rapids 24.12.0 --connection docs=jdbc:postgresql://db:5432/app --connection-user docs=app; then
  check_params_file head
  # One build per docker/Dockerfile.*, each with the RAPIDS version passed through.
  for f in "$ROOT"/docker/Dockerfile.*; do
    image="spark-embed-${f##*/Dockerfile.}"
    line="$(grep -E "^acr build .*--image $image:latest " "$WORK/head.log" || true)"
    if [ -z "$line" ]; then
      problem "deploy.sh builds no $image from docker/${f##*/}"
    elif ! grep -q -- "--build-arg RAPIDS_VERSION=24.12.0" <<<"$line"; then
      problem "deploy.sh builds $image without --build-arg RAPIDS_VERSION from --rapids"
    fi
  done
  [ "$(jq -r '.parameters.connections.value[0].user' "$WORK/head.json")" = app ] \
    || problem "deploy.sh does not pass --connection-user into connections"
  [ "$(jq -r '.parameters.connectionPasswords.value.docs' "$WORK/head.json")" = pg-password-0123 ] \
    || problem "deploy.sh does not pass SPARK_EMBED_CONNECTION_DOCS_PASSWORD into connectionPasswords"
  if grep -q '^provider register' "$WORK/head.log"; then
    problem "deploy.sh registered an already registered provider"
  fi
  ok "deploy.sh builds every docker/Dockerfile.* with --rapids passed through"
fi
if run_deploy distributed --resource-group rg-check --location westus3 --registry checkregistry1 \
  --mode distributed --gpu a100 --workers 0 --max-workers 3 --skip-build; then
  check_params_file distributed
  if grep -q '^acr build' "$WORK/distributed.log"; then
    problem "deploy.sh --skip-build still built images"
  fi
fi
if run_deploy whatif --resource-group rg-check --location westus3 --registry checkregistry1 --what-if; then
  if grep -qE '^(group create|acr create|acr build|deployment group create|provider register)' "$WORK/whatif.log"; then
    problem "deploy.sh --what-if created or built something: $(grep -E '^(group|acr|deployment|provider)' "$WORK/whatif.log" | head -3)"
  fi
  grep -q 'would build' "$WORK/whatif.out" || problem "deploy.sh --what-if does not say what it would build"
  ok "deploy.sh --what-if changes nothing"
fi
# Argument checks: each bad call exits 2 before any az call, naming the problem.
while IFS='|' read -r expect args; do
  : >"$WORK/bad.log"
  # shellcheck disable=SC2086 # the arguments are words
  if PATH="$WORK/bin:$PATH" AZ_LOG="$WORK/bad.log" AZ_PARAMS=/dev/null bash "$DEPLOY" $args >"$WORK/bad.out" 2>&1; then
    problem "deploy.sh $args succeeded (expected an error naming '$expect')"
  elif ! grep -qF -- "$expect" "$WORK/bad.out"; then
    problem "deploy.sh $args: error does not name '$expect': $(cat "$WORK/bad.out")"
  elif [ -s "$WORK/bad.log" ]; then
    problem "deploy.sh $args called az before refusing its arguments"
  fi
done <<'EOF'
missing --resource-group|--location westus3 --registry abcde
missing --location|--resource-group rg --registry abcde
invalid --registry|--resource-group rg --location westus3 --registry ab
invalid --gpu|--resource-group rg --location westus3 --registry abcde --gpu v100
above --max-workers|--resource-group rg --location westus3 --registry abcde --workers 3 --max-workers 2
invalid --mode|--resource-group rg --location westus3 --registry abcde --mode both
invalid --rapids|--resource-group rg --location westus3 --registry abcde --rapids latest
no --connection docs|--resource-group rg --location westus3 --registry abcde --connection-user docs=app
needs --mode distributed|--resource-group rg --location westus3 --registry abcde --lb-external
unknown argument|--resource-group rg --location westus3 --registry abcde --worker 2
needs a value|--resource-group rg --location westus3 --registry
EOF
ok "deploy.sh refuses bad arguments"

# ---- 2. images -------------------------------------------------------------------------------
for p in controllerImage workerImage lbImage jupyterImage; do
  image="$(bicep_default "$p")"
  if [ -z "$image" ]; then
    problem "main.bicep: parameter $p has no default image name"
  elif [ ! -f "$(dockerfile_of "$image")" ]; then
    problem "main.bicep: $p defaults to $image, but docker/Dockerfile.${image#spark-embed-} does not exist"
  fi
done
controller_df="$(dockerfile_of "$(bicep_default controllerImage)")"
worker_df="$(dockerfile_of "$(bicep_default workerImage)")"
lb_df="$(dockerfile_of "$(bicep_default lbImage)")"
jupyter_df="$(dockerfile_of "$(bicep_default jupyterImage)")"
ok "main.bicep's images: $(bicep_default controllerImage), $(bicep_default workerImage), $(bicep_default lbImage), $(bicep_default jupyterImage)"

# ---- 3. ports --------------------------------------------------------------------------------
[ -f "$controller_df" ] && controller_ep="$(entrypoint_of "$controller_df")" || controller_ep=""
[ -f "$worker_df" ] && worker_ep="$(entrypoint_of "$worker_df")" || worker_ep=""
[ -n "$controller_ep" ] && [ -f "$controller_ep" ] || problem "no entrypoint script found for $controller_df"
[ -n "$worker_ep" ] && [ -f "$worker_ep" ] || problem "no entrypoint script found for $worker_df"
for key in master masterUi driverRpc blockManager service replyRelay lbHttp lbAttach jupyter; do
  [ -n "${PORT[$key]:-}" ] || problem "main.bicep: ports.$key is missing"
done
expect_exposed() { # expect_exposed DOCKERFILE KEY
  [ -f "$1" ] && exposed "$1" | grep -qx "${PORT[$2]:-none}" \
    || problem "main.bicep: ports.$2 = ${PORT[$2]:-?}, but $(basename "$1") does not EXPOSE it"
}
expect_in() { # expect_in FILE KEY PATTERN-WITH-PORT
  [ -n "$1" ] && [ -f "$1" ] && grep -qE -- "$3" "$1" \
    || problem "main.bicep: ports.$2 = ${PORT[$2]:-?}, but ${1:-the entrypoint} does not contain /$3/"
}
expect_exposed "$controller_df" service
expect_exposed "$controller_df" master
expect_exposed "$controller_df" masterUi
expect_exposed "$jupyter_df" jupyter
expect_in "$controller_ep" service "--port ${PORT[service]:-x}( |$)"
expect_in "$controller_ep" master "--port ${PORT[master]:-x}( |$)"
expect_in "$controller_ep" masterUi "--webui-port ${PORT[masterUi]:-x}( |$)"
expect_in "$controller_ep" driverRpc "spark\\.driver\\.port=${PORT[driverRpc]:-x}( |\"|$)"
expect_in "$controller_ep" blockManager "spark\\.blockManager\\.port=${PORT[blockManager]:-x}( |\"|$)"
# The service, master, relay and LB ports of one replica must differ.
dupes="$(printf '%s\n' "${PORT[service]:-}" "${PORT[master]:-}" "${PORT[masterUi]:-}" "${PORT[driverRpc]:-}" \
  "${PORT[blockManager]:-}" "${PORT[replyRelay]:-}" | sort | uniq -d)"
[ -z "$dupes" ] || problem "main.bicep: the controller replica uses port(s) $dupes twice"
[ "${PORT[lbHttp]:-}" != "${PORT[lbAttach]:-}" ] || problem "main.bicep: the LB's HTTP and attach ports are the same"
# Where the apps run the launcher, the image must have it.
launcher="$(sed -n "s/^var launcher = '\\(.*\\)'$/\\1/p" "$BICEP")"
# The images copy the Maven build's Spark home (cli/src/main/spark-home) to their SPARK_HOME.
spark_home="$(sed -n 's/^ENV SPARK_HOME=\([^ ]*\).*/\1/p' "$lb_df" 2>/dev/null | head -1)"
[ -f "$lb_df" ] && [ "${launcher:-}" = "$spark_home/bin/spark-embed" ] \
  && [ -f "$ROOT/cli/src/main/spark-home/bin/spark-embed" ] \
  && grep -qE "^COPY .* ${spark_home}/?( |$)" "$lb_df" \
  || problem "main.bicep runs ${launcher:-the launcher}, but $(basename "$lb_df") puts the Spark home's bin/spark-embed at ${spark_home:-?}/bin/spark-embed"
ok "ports: ${PORT[*]}"

# ---- 4. options and environment variables ----------------------------------------------------
cli_src="$ROOT/cli/src/main/java"
for option in $(grep -oE "'--[a-z][a-z0-9-]*'" "$BICEP" | tr -d "'" | sort -u); do
  grep -rqE "(names = \\{? *|, *)\"$option\"" "$cli_src" \
    || problem "main.bicep passes $option, which no spark-embed command defines ($cli_src)"
done
# JUPYTER_TOKEN is read by Jupyter Server itself.
while read -r var; do
  case "$var" in
    JUPYTER_TOKEN) continue ;;
  esac
  grep -rqF "$var" "$ROOT/docker" "$cli_src" "$ROOT/embed-query/src/main" "$ROOT/lb/src/main" \
    "$ROOT/serving-source/src/main" 2>/dev/null \
    || problem "main.bicep sets $var, which nothing in docker/ or the CLI reads"
done < <(grep -oE "name: '[A-Z][A-Z0-9_]*'" "$BICEP" | sed "s/name: '\\(.*\\)'/\\1/" | sort -u)
[ -n "$controller_ep" ] && grep -q 'SPARK_EMBED_COMMAND' "$controller_ep" \
  || problem "main.bicep chooses the controller's command with SPARK_EMBED_COMMAND, which ${controller_ep:-its entrypoint} ignores"
[ -n "$worker_ep" ] && grep -q 'SPARK_MASTER_URL' "$worker_ep" \
  || problem "main.bicep gives workers SPARK_MASTER_URL, which ${worker_ep:-their entrypoint} ignores"
ok "options and environment variables of main.bicep"

# ---- 5. shellcheck ---------------------------------------------------------------------------
scripts=()
for f in "$ROOT"/aca/*.sh "$ROOT"/docker/*.sh "$ROOT"/docker/*/*.sh "$ROOT"/scripts/*.sh \
  "$ROOT"/scripts/*/*.sh "$ROOT"/bin/spark-embed "$ROOT"/cli/src/main/spark-home/bin/*; do
  [ -f "$f" ] && scripts+=("$f")
done
# -x from the repository root: scripts that source a library are checked with it.
if (cd "$ROOT" && shellcheck -x "${scripts[@]}"); then
  ok "shellcheck: ${#scripts[@]} scripts"
else
  problem "shellcheck found problems (above)"
fi

if [ "$failures" -gt 0 ]; then
  echo "check.sh: $failures check(s) failed" >&2
  exit 1
fi
echo "check.sh: all checks passed"
