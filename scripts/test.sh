#!/usr/bin/env bash
# Every test of the project: what CI runs (.ci/run) and what the README's test command is.
#
#   1. the Maven suite (mvn -B verify): unit, Spark, PostgreSQL, HTTP and black-box tests;
#   2. the system tests, which need root because they install Debian packages and make network
#      namespaces: each script installs what it needs itself and cleans up after itself:
#      aca/check.sh (the ACA templates against docker/ and the CLI, shellcheck),
#      docker/test-images.sh (every image built with buildah and run in network namespaces),
#      scripts/testbed.sh (distributed serving across hosts made of network namespaces: the LB,
#      executors that dial out, a worker host killed under load, a batch job to PostgreSQL),
#      scripts/ci-pytorch.sh (the TorchScript export and the PyTorch engine's tests).
#
#   SPARK_EMBED_TESTS=java   run only the Maven suite (no root needed)
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
step() { echo; echo "=== $1 ($(( SECONDS - started )) s so far)"; }

step "Maven suite: mvn -B verify"
mvn -B verify

if [ "${SPARK_EMBED_TESTS:-all}" = java ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/test.sh: the system tests need root (apt-get, ip netns); run as root, or set SPARK_EMBED_TESTS=java" >&2
  exit 1
fi

step "Azure Container Apps templates: aca/check.sh"
aca/check.sh

step "Docker images, built and run without a daemon: docker/test-images.sh"
docker/test-images.sh

step "Distributed serving across hosts: scripts/testbed.sh"
scripts/testbed.sh

step "The PyTorch engine: scripts/ci-pytorch.sh"
scripts/ci-pytorch.sh

echo; echo "=== all tests passed in $(( SECONDS - started )) s"
