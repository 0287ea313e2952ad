# The steps of docker/test-images.sh (sourced by it; it sets ROOT, CACHE, REFERENCE, M2, WORK).
# shellcheck shell=bash

NET=10.231.0
NS_PREFIX="se$$"
# shellcheck source=scripts/lib/netns.sh
. "$ROOT/scripts/lib/netns.sh"
SCRIPT_NAME=test-images.sh
# shellcheck source=scripts/lib/steps.sh
. "$ROOT/scripts/lib/steps.sh"

# buildah on this run's own storage: nothing it builds outlives the run.
bh() {
  buildah --root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs "$@"
}

install_tools() {
  local missing=()
  command -v buildah >/dev/null || missing+=(buildah)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v curl >/dev/null || missing+=(curl)
  command -v python3 >/dev/null || missing+=(python3)
  command -v jar >/dev/null || missing+=(openjdk-17-jdk-headless)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# ---- stand-in base images ---------------------------------------------------------------------

# The name a Dockerfile's ARG defaults to, e.g. default_of docker/Dockerfile.worker BASE_IMAGE.
default_of() {
  sed -n "s/^ARG $2=//p" "$ROOT/$1" | head -1
}

# Debian bookworm, minbase, made once and kept in $CACHE.
minbase_tar() {
  local tar="$CACHE/bookworm-minbase.tar"
  if [ ! -f "$tar" ]; then
    say "debootstrap --variant=minbase bookworm (once; kept in $CACHE)"
    mkdir -p "$CACHE"
    debootstrap --variant=minbase bookworm "$WORK/rootfs" http://deb.debian.org/debian \
      > "$WORK/logs/debootstrap.log" 2>&1 || { tail -20 "$WORK/logs/debootstrap.log"; fail "debootstrap"; }
    tar -C "$WORK/rootfs" -cf "$tar.part" . && mv "$tar.part" "$tar"
    rm -rf --one-file-system "$WORK/rootfs"
  fi
  echo "$tar"
}

# A stand-in: minbase + the host's CA certificates + Debian packages, squashed to one layer and
# kept in $CACHE as an OCI archive named after what went into it; loaded and tagged with NAMES.
#   standin FLAVOR "PACKAGES" NAME...
standin() {
  local flavor="$1" packages="$2"
  shift 2
  local ctx="$WORK/standin-$flavor"
  mkdir -p "$ctx/certs"
  cp /usr/local/share/ca-certificates/*.crt "$ctx/certs/" 2>/dev/null || true
  cat > "$ctx/Containerfile" <<'EOF'
FROM scratch
ADD minbase.tar /
COPY certs/ /usr/local/share/ca-certificates/
ARG PACKAGES
RUN apt-get update -q >/tmp/apt.log 2>&1 \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates $PACKAGES >>/tmp/apt.log 2>&1 \
 || { tail -30 /tmp/apt.log; exit 1; }; \
    update-ca-certificates >/dev/null && apt-get clean && rm -f /tmp/apt.log
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
EOF
  local key
  key="$( { cat "$ctx/Containerfile" "$ctx"/certs/*; echo "$packages"; } | sha256sum | cut -c1-16)"
  local archive="$CACHE/standin-$flavor-$key.oci.tar"
  if [ ! -f "$archive" ]; then
    say "making the $flavor stand-in (Debian packages: $packages; once, kept in $CACHE)"
    ln -f "$(minbase_tar)" "$ctx/minbase.tar" 2>/dev/null || cp "$(minbase_tar)" "$ctx/minbase.tar"
    bh bud --isolation chroot --network host --squash --layers=false --build-arg "PACKAGES=$packages" \
      -t "standin-$flavor" -f "$ctx/Containerfile" "$ctx" > "$WORK/logs/standin-$flavor.log" 2>&1 \
      || { tail -40 "$WORK/logs/standin-$flavor.log"; fail "the $flavor stand-in did not build"; }
    rm -f "$CACHE"/standin-"$flavor"-*.oci.tar
    bh push --disable-compression "standin-$flavor" "oci-archive:$archive.part" >/dev/null 2>&1
    mv "$archive.part" "$archive"
    bh rmi "standin-$flavor" >/dev/null
  fi
  local id
  id="$(bh pull -q "oci-archive:$archive")"
  for name in "$@"; do
    bh tag "$id" "$name"
  done
}

standin_images() {
  standin jdk "openjdk-17-jdk-headless maven" \
    "$(default_of docker/Dockerfile.master BUILD_IMAGE)"
  standin jre "openjdk-17-jre-headless" \
    "$(default_of docker/Dockerfile.master BASE_IMAGE)" \
    "$(default_of docker/Dockerfile.worker BASE_IMAGE)"
  standin jupyter "openjdk-17-jre-headless python3 jupyter-notebook" \
    "$(default_of docker/Dockerfile.interact BASE_IMAGE)"
  bh images
}

# ---- builds -----------------------------------------------------------------------------------

#   build_image NAME DOCKERFILE [buildah bud options...]
build_image() {
  local name="$1" file="$2" started=$SECONDS
  shift 2
  say "building $name from $file"
  bh bud --isolation chroot --network host --layers --pull-never \
    -v "$M2:/root/.m2" "$@" -f "$ROOT/$file" -t "$name" "$ROOT" \
    > "$WORK/logs/build-$name.log" 2>&1 \
    || { tail -60 "$WORK/logs/build-$name.log"; fail "$name did not build"; }
  say "built $name in $((SECONDS - started)) s"
}

image_sizes() {
  bh images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep spark-embed- | sed 's/^/  /' >&2
  for image in spark-embed-master spark-embed-worker spark-embed-interact; do
    local ctr
    ctr="$(bh from --pull-never -q "$image")"
    say "$image: /opt/spark/jars holds $(bh run --isolation chroot "$ctr" -- sh -c \
      'ls /opt/spark/jars | wc -l; du -sh /opt/spark/jars | cut -f1' | paste -sd' ') (jars, size)"
    local unwanted
    unwanted="$(bh run --isolation chroot "$ctr" -- sh -c \
      'ls /opt/spark/jars | grep -E "postgres-binaries|embedded-postgres|bench|tests\.jar|junit|assertj" || true')"
    [ -z "$unwanted" ] || fail "$image has test or benchmark jars: $unwanted"
    bh rm "$ctr" >/dev/null
  done
  local ort
  ort="$(sed -n 's:.*<onnxruntime\.gpu\.version>\([^<]*\)<.*:\1:p' "$ROOT/pom.xml")"
  local ctr
  ctr="$(bh from --pull-never -q spark-embed-worker)"
  bh run --isolation chroot "$ctr" -- test -f "/opt/spark/jars/onnxruntime_gpu-$ort.jar" \
    || fail "the worker has no onnxruntime_gpu-$ort.jar (the pom's onnxruntime.gpu.version)"
  [ -z "$(bh run --isolation chroot "$ctr" -- sh -c 'ls /opt/spark/jars | grep "^onnxruntime-[0-9]" || true')" ] \
    || fail "the worker still has ONNX Runtime's CPU jar"
  bh rm "$ctr" >/dev/null
  say "worker: ONNX Runtime GPU $ort (the pom's onnxruntime.gpu.version), no CPU build"
}

# ---- network namespaces -----------------------------------------------------------------------

network_up() {
  netns_switch br0
  add_host client "$NET.100"
}

# A network namespace NAME with eth0 at ADDRESS on the private bridge.
add_host() {
  netns_host "$1"
  netns_plug "$1" eth0 br0 "$2"
}

# curl from the client host; prints the status code (000: no answer).
status_of() {
  ip netns exec "$NS_PREFIX-client" curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@" || true
}
body_of() {
  ip netns exec "$NS_PREFIX-client" curl -s --max-time 120 "$@"
}

#   start_container NAME ADDRESS IMAGE [ENV=VALUE...] -- COMMAND...
start_container() {
  local name="$1" address="$2" image="$3"
  shift 3
  local env=()
  while [ "$1" != -- ]; do env+=("$1"); shift; done
  shift
  add_host "$name" "$address"
  bh from --pull-never --name "se-$name" "$image" >/dev/null
  ip netns exec "$NS_PREFIX-$name" buildah --root "$WORK/storage" --runroot "$WORK/run" \
    --storage-driver vfs run --isolation chroot --network host "se-$name" -- \
    env "${env[@]}" "$@" > "$WORK/logs/$name.log" 2>&1 &
  say "started $name at $address (log: $WORK/logs/$name.log)"
}

alive() { netns_alive "$1"; }

# Waits (at most SECONDS) until `status_of URL` is CODE; fails naming the last answer.
#   await_status SECONDS CODE CONTAINER URL [curl options...]
await_status() {
  local limit="$1" code="$2" container="$3"
  shift 3
  local got="" deadline=$((SECONDS + limit))
  while [ $SECONDS -lt $deadline ]; do
    got="$(status_of "$@")"
    [ "$got" = "$code" ] && return 0
    alive "$container" || { tail -40 "$WORK/logs/$container.log" >&2; fail "$container exited while waiting for $code from $*"; }
    sleep 2
  done
  tail -40 "$WORK/logs/$container.log" >&2
  fail "no $code from $* within $limit s (last: $got)"
}

# ---- checks -----------------------------------------------------------------------------------

check_waiting_controller() {
  local base="http://$NET.2:8888" started=$SECONDS
  await_status 180 200 controller "$base/healthz"
  say "controller: /healthz 200 after $((SECONDS - started)) s"
  local ready
  ready="$(body_of -w ' %{http_code}' "$base/readyz")"
  [[ "$ready" == *"no executor has loaded the model yet"*" 503" ]] \
    || fail "/readyz before any worker: expected 503 naming the missing executor, got: $ready"
  say "controller: /readyz: $ready"
  local headers
  headers="$(body_of -D - -o /dev/null -H 'content-type: application/json' \
    -d '{"input": ["hello"]}' "$base/v1/embeddings")"
  { grep -q '^HTTP/1.1 503' <<< "$headers" && grep -qi '^retry-after: ' <<< "$headers"; } \
    || fail "POST /v1/embeddings before any worker: expected 503 with Retry-After, got: $headers"
  say "controller: POST /v1/embeddings: 503, $(grep -i '^retry-after' <<< "$headers" | tr -d '\r')"
  await_status 60 200 controller "http://$NET.2:8080/"
  say "controller: the master's web UI answers 200"
}

check_worker_registers() {
  local deadline=$((SECONDS + 120)) workers=""
  while [ $SECONDS -lt $deadline ]; do
    workers="$(body_of "http://$NET.2:8080/json/" | python3 -c '
import json, sys
print(" ".join(w["host"] + ":" + w["state"] for w in json.load(sys.stdin).get("workers", [])))' 2>/dev/null || true)"
    [[ "$workers" == *"$NET.3:ALIVE"* ]] && break
    alive worker || { tail -40 "$WORK/logs/worker.log" >&2; fail "the worker exited"; }
    sleep 2
  done
  [[ "$workers" == *"$NET.3:ALIVE"* ]] || { tail -40 "$WORK/logs/worker.log" >&2; fail "the worker did not register (master lists: $workers)"; }
  say "worker: registered with the master (its UI lists $workers)"
  local warnings
  warnings="$(grep -c 'WARNING: no GPU found' "$WORK/logs/worker.log" || true)"
  [ "$warnings" = 1 ] || fail "the GPU-less worker should warn once, warned $warnings times"
  say "worker: $(grep 'WARNING: no GPU found' "$WORK/logs/worker.log")"
}

check_ready_and_embeddings() {
  local base="http://$NET.2:8888" started=$SECONDS
  await_status 300 200 controller "$base/readyz"
  say "controller: /readyz 200 $((SECONDS - started)) s after the worker started registering"
  python3 "$ROOT/scripts/lib/reference.py" request "$REFERENCE" > "$WORK/request.json"
  body_of -H 'content-type: application/json' --data-binary "@$WORK/request.json" \
    "$base/v1/embeddings" > "$WORK/answer.json"
  python3 "$ROOT/scripts/lib/reference.py" check "$REFERENCE" "$WORK/answer.json" "through the controller" \
    || fail "the vectors do not match the reference"
}

check_jupyter() {
  add_host refused "$NET.9"
  bh from --pull-never --name se-refused spark-embed-interact >/dev/null
  local out status=0
  out="$(ip netns exec "$NS_PREFIX-refused" timeout 60 buildah --root "$WORK/storage" \
    --runroot "$WORK/run" --storage-driver vfs run --isolation chroot --network host se-refused -- \
    env JUPYTER_TOKEN= /opt/spark/bin/jupyter-entrypoint.sh 2>&1)" || status=$?
  { [ "$status" = 2 ] && [[ "$out" == *"refusing to start"* ]]; } \
    || fail "Jupyter with an empty JUPYTER_TOKEN: expected exit 2 and a refusal, got $status: $out"
  say "jupyter: an empty JUPYTER_TOKEN is refused: $out"

  start_container jupyter "$NET.4" spark-embed-interact SPARK_DRIVER_HOST="$NET.4" \
    -- /opt/spark/bin/jupyter-entrypoint.sh
  local base="http://$NET.4:8888"
  await_status 120 403 jupyter "$base/api/status"
  local printed token
  printed="$(grep -c "this container's token is: " "$WORK/logs/jupyter.log" || true)"
  [ "$printed" = 1 ] || fail "the made-up token should be printed once, was printed $printed times"
  token="$(sed -n "s/.*this container's token is: \([0-9a-f]*\).*/\1/p" "$WORK/logs/jupyter.log")"
  grep -c "$token" "$WORK/logs/jupyter.log" | grep -qx 1 || fail "the token appears more than once in the log"
  local tree api_ok examples
  tree="$(status_of "$base/tree")"
  [ "$tree" = 302 ] || fail "Jupyter /tree without the token: expected 302 to the login page, got $tree"
  api_ok="$(status_of -H "Authorization: token $token" "$base/api/status")"
  [ "$api_ok" = 200 ] || fail "Jupyter /api/status with the token: expected 200, got $api_ok"
  [ "$(status_of "$base/tree?token=$token")" = 200 ] || fail "Jupyter /tree?token=... is not 200"
  examples="$(body_of -H "Authorization: token $token" "$base/api/contents/examples" | python3 -c '
import json, sys
print(" ".join(sorted(c["name"] for c in json.load(sys.stdin)["content"])))')"
  [ "$examples" = "embedding-service.ipynb httpserver-pyspark.ipynb" ] \
    || fail "Jupyter's examples folder holds: $examples"
  say "jupyter: made-up token printed once; /api/status 403 and /tree 302 without it, 200 with it; examples: $examples"
}

check_rapids() {
  local out status=0
  out="$("$ROOT/docker/build/add-rapids.sh" "$WORK/none" 24.08.1 "$ROOT/pom.xml" 2>&1)" || status=$?
  { [ "$status" != 0 ] && [[ "$out" == *"does not support Spark 3.4.4"* ]]; } \
    || fail "RAPIDS 24.08.1 should be refused, got $status: $out"
  say "rapids: $out"

  # The stand-in jar, in an overlay of the host's Maven repository (the host's stays untouched).
  local version=24.12.0 dir="$WORK/m2-upper/repository/com/nvidia/rapids-4-spark_2.12/24.12.0"
  mkdir -p "$dir" "$WORK/m2-work" "$WORK/m2" "$WORK/standin-rapids/com/nvidia/spark"
  echo "stand-in for the RAPIDS Accelerator jar (test-images.sh)" > "$WORK/standin-rapids/com/nvidia/spark/STAND-IN"
  jar cf "$dir/rapids-4-spark_2.12-$version.jar" -C "$WORK/standin-rapids" .
  # Its own pom too, so Maven does not read the real one (whose parent is not served here).
  printf '%s\n' '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>' \
    "<groupId>com.nvidia</groupId><artifactId>rapids-4-spark_2.12</artifactId><version>$version</version>" \
    '</project>' > "$dir/rapids-4-spark_2.12-$version.pom"
  mount -t overlay overlay -o "lowerdir=$M2,upperdir=$WORK/m2-upper,workdir=$WORK/m2-work" "$WORK/m2"
  local saved_m2="$M2"
  M2="$WORK/m2"
  build_image spark-embed-master-rapids docker/Dockerfile.master --build-arg "RAPIDS_VERSION=$version"
  M2="$saved_m2"
  umount "$WORK/m2"

  local ctr conf
  ctr="$(bh from --pull-never -q spark-embed-master-rapids)"
  bh run --isolation chroot "$ctr" -- unzip -l "/opt/spark/jars/rapids-4-spark_2.12-$version.jar" 2>/dev/null | grep -q STAND-IN \
    || bh run --isolation chroot "$ctr" -- test -f "/opt/spark/jars/rapids-4-spark_2.12-$version.jar" \
    || fail "the RAPIDS build has no rapids-4-spark_2.12-$version.jar in /opt/spark/jars"
  conf="$(bh run --isolation chroot "$ctr" -- cat /opt/spark/conf/spark-defaults.conf)"
  for setting in "spark.plugins +com.nvidia.spark.SQLPlugin" "spark.rapids.memory.pinnedPool.size " \
      "spark.rapids.sql.concurrentGpuTasks " "spark.executor.resource.gpu.amount +1" \
      "spark.task.resource.gpu.amount +0\.[0-9]+"; do
    grep -Eq "^$setting" <<< "$conf" || fail "the RAPIDS build's spark-defaults.conf lacks '$setting'"
  done
  bh rm "$ctr" >/dev/null
  say "rapids: the jar is in /opt/spark/jars (driver and executor classpath); spark-defaults.conf has spark.plugins, pinnedPool.size, concurrentGpuTasks, executor GPU 1, task GPU $(sed -n 's/^spark.task.resource.gpu.amount *//p' <<< "$conf")"
}

# ---- cleanup ----------------------------------------------------------------------------------

cleanup() {
  local status=$?
  set +e
  step_time
  [ "$status" = 0 ] || [ ! -d "${WORK:-}/logs" ] || log_tails "$WORK/logs"
  netns_cleanup
  wait 2>/dev/null
  if [ -n "${WORK:-}" ] && [ -d "$WORK" ]; then
    bh rm -a >/dev/null 2>&1
    bh rmi -a -f >/dev/null 2>&1
    # Anything still mounted below WORK (the Maven overlay, a container's mounts) first.
    grep -o " $WORK/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
    rm -rf --one-file-system "$WORK"
  fi
  if [ "$status" = 0 ]; then say "cleaned up"; else say "cleaned up after a failure ($status)"; fi
  exit "$status"
}
