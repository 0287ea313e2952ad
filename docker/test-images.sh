#!/usr/bin/env bash
# Builds every image in docker/ and runs them, without a Docker daemon (what CI runs after the
# Maven suite; root, Debian). The images are built by Debian's buildah (chroot isolation, vfs
# storage of its own under /var/tmp, removed at the end) from stand-in base images tagged with the
# names the Dockerfiles use: Debian bookworm made by debootstrap, plus the same packages the real
# bases bring (a JRE; a JDK and Maven for the build stage; Jupyter), plus this host's CA
# certificates. The host's Maven repository is mounted into the build stage.
#
# Then, each in a network namespace of its own on a private bridge (10.231.0.0/24, inside those
# namespaces only), it runs the controller and one CPU worker as separate hosts, and checks:
#   - the controller's port opens at once: /healthz 200, /readyz 503 naming what it waits for,
#     POST /v1/embeddings 503 with Retry-After, before any worker exists;
#   - the worker (no GPU here) warns once and registers with the master (its web UI lists it);
#   - /readyz goes to 200, and POST /v1/embeddings through the controller returns vectors that
#     match the independent reference (../shared/reference, cosine >= 0.9999);
#   - the Jupyter image refuses an empty token, prints a made-up token once, answers 302/403
#     without it and 200 with it;
#   - a RAPIDS build (a stand-in jar: the real one is not served to these machines) puts the jar
#     in jars/ and the plugin's settings in conf/spark-defaults.conf; 24.08 is refused.
# Everything it made (processes, containers, images, namespaces, mounts) is removed on exit.
#
#   SPARK_EMBED_IMAGES_CACHE  where the debootstrap and stand-in tarballs are kept between runs
#                             (default /var/cache/spark-embed-images; delete it to start cold)
#   SPARK_EMBED_REFERENCE     the reference folder (default: ../shared/reference from the repo)
#   SPARK_EMBED_HEAVY_LOCK    a lock file to hold while the containers run (a shared machine's
#                             convention for jobs that start Spark); unset in CI
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${SPARK_EMBED_IMAGES_CACHE:-/var/cache/spark-embed-images}"
REFERENCE="${SPARK_EMBED_REFERENCE:-$ROOT/../shared/reference}/embeddings-minilm.json"
M2="${HOME}/.m2"
# shellcheck source=docker/test/lib.sh
. "$ROOT/docker/test/lib.sh"

[ "$(id -u)" -eq 0 ] || fail "needs root (apt-get, buildah, ip netns)"
[ -f "$REFERENCE" ] || fail "no reference vectors at $REFERENCE"

step "tools"
install_tools

WORK="$(mktemp -d /var/tmp/spark-embed-images.XXXXXX)"
trap cleanup EXIT
mkdir -p "$WORK/logs" "$M2/repository"

step "stand-in base images"
standin_images

step "image builds"
build_image spark-embed-master docker/Dockerfile.master
build_image spark-embed-worker docker/Dockerfile.worker
build_image spark-embed-interact docker/Dockerfile.interact --build-arg PYSPARK_VERSION=
image_sizes

if [ -n "${SPARK_EMBED_HEAVY_LOCK:-}" ]; then
  say "waiting for $SPARK_EMBED_HEAVY_LOCK"
  exec 9>"$SPARK_EMBED_HEAVY_LOCK"
  flock 9
fi

step "controller before any worker"
network_up
start_container controller 10.231.0.2 spark-embed-master \
  SPARK_DRIVER_HOST=10.231.0.2 SPARK_MASTER_HOST=10.231.0.2 \
  -- /opt/spark/bin/controller-entrypoint.sh
check_waiting_controller

step "one CPU worker"
start_container worker 10.231.0.3 spark-embed-worker \
  SPARK_MASTER_URL=spark://10.231.0.2:7077 SPARK_LOCAL_IP=10.231.0.3 SPARK_WORKER_CORES=2 \
  SPARK_WORKER_MEMORY=3g -- /opt/spark/bin/worker-entrypoint.sh
check_worker_registers
check_ready_and_embeddings

step "Jupyter"
check_jupyter

step "RAPIDS configuration"
check_rapids

step "done"
echo "test-images.sh: all checks passed in $((SECONDS)) s" >&2
