#!/usr/bin/env bash
# CI step for the PyTorch engine: the TorchScript export and the tests of `--engine pytorch`.
#
#   1. installs Debian's python3-torch and python3-onnx when /usr/bin/python3 lacks them (root);
#   2. scripts/export-torchscript.sh makes the TorchScript all-MiniLM-L6-v2 (and checks it
#      against testdata/reference);
#   3. builds with -Ppytorch (DJL's PyTorch engine, natives as jars) and runs the tests that use
#      the exported model: the engine against the reference and against ONNX Runtime, a bad
#      model.pt, the Spark transformer (embed-query), and bin/spark-embed embed and serve with
#      --engine pytorch in their own JVMs (service-it);
#   4. fails if any of those tests was skipped instead of run.
#
#   SPARK_EMBED_TORCHSCRIPT_DIR   where the model goes (default target/torchscript/all-minilm-l6-v2)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
started=$SECONDS
step() { echo; echo "=== ci-pytorch: $1 ($(( SECONDS - started )) s so far)"; }

step "Debian's python3-torch and python3-onnx"
if ! /usr/bin/python3 -c 'import torch, onnx' 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ci-pytorch: needs root to run: apt-get install python3-torch python3-onnx" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends python3-torch python3-onnx
fi

MODEL_DIR="${SPARK_EMBED_TORCHSCRIPT_DIR:-$ROOT/target/torchscript/all-minilm-l6-v2}"
step "scripts/export-torchscript.sh $MODEL_DIR"
scripts/export-torchscript.sh "$MODEL_DIR"

step "mvn -Ppytorch: the PyTorch engine's tests"
ENGINE_TESTS=PyTorchEngineTest,EmbeddingTransformerPyTorchTest
mvn -B -Ppytorch -pl service-it -am verify \
  -Dtest="$ENGINE_TESTS" -Dit.test=PyTorchEngineIT \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dspark.embed.test.torchscriptDir="$MODEL_DIR"

# A test that found no model or no engine is skipped (or, skipped in @BeforeAll, not run at all),
# not failed: here either is a failure.
for report in \
  embed-query/target/surefire-reports/TEST-dev.sparkembed.embed.engine.PyTorchEngineTest.xml \
  embed-query/target/surefire-reports/TEST-dev.sparkembed.embed.spark.EmbeddingTransformerPyTorchTest.xml \
  service-it/target/failsafe-reports/TEST-dev.sparkembed.serviceit.PyTorchEngineIT.xml; do
  if [ ! -f "$report" ] || ! grep -q '<testsuite[^>]* tests="[1-9]' "$report" \
      || ! grep -q '<testsuite[^>]* skipped="0"' "$report"; then
    echo "ci-pytorch: $report is missing, or reports no tests run or skipped ones" >&2
    exit 1
  fi
done

echo; echo "=== ci-pytorch: passed in $(( SECONDS - started )) s"
