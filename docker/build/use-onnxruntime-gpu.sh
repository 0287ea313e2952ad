#!/usr/bin/env bash
# Image build step: replaces ONNX Runtime's CPU build in a Spark home's jars/ by its CUDA build
# (com.microsoft.onnxruntime:onnxruntime_gpu), at the version the project's pom names in the property
# onnxruntime.gpu.version (the same one `mvn -Pgpu` uses; never a second copy here).
#
#   use-onnxruntime-gpu.sh SPARK_HOME POM
set -euo pipefail
home="$1" pom="$2"
version="$(sed -n 's:.*<onnxruntime\.gpu\.version>\([^<]*\)</onnxruntime\.gpu\.version>.*:\1:p' "$pom")"
if [ -z "$version" ]; then
  echo "use-onnxruntime-gpu.sh: no <onnxruntime.gpu.version> property in $pom" >&2
  exit 1
fi
rm -f "$home"/jars/onnxruntime-[0-9]*.jar
mvn -B -q -N -f "$pom" dependency:copy \
  -Dartifact="com.microsoft.onnxruntime:onnxruntime_gpu:$version" -DoutputDirectory="$home/jars"
echo "use-onnxruntime-gpu.sh: ONNX Runtime GPU $version in $home/jars" >&2
