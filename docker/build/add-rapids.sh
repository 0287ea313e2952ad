#!/usr/bin/env bash
# Image build step: adds the RAPIDS Accelerator to a Spark home when a version is given (opt-in):
# its jar into jars/ (so it is on the classpath of the driver and of every executor the Worker
# starts) and its settings (docker/conf/rapids.conf) to conf/spark-defaults.conf. No version: no-op.
#
#   add-rapids.sh SPARK_HOME VERSION POM
# The jar comes from Maven Central through Maven (the project's pom gives the plugin's version).
set -euo pipefail
home="$1" version="$2" pom="$3"
[ -n "$version" ] || exit 0

# Spark 3.4.4 needs a release that supports it: 24.12.0 or later (24.08.1 does not).
if ! [[ "$version" =~ ^([0-9]+)\.([0-9]+)\.[0-9]+$ ]]; then
  echo "add-rapids.sh: RAPIDS_VERSION='$version' is not a release number such as 24.12.0" >&2
  exit 1
fi
if (( 10#${BASH_REMATCH[1]} * 100 + 10#${BASH_REMATCH[2]} < 2412 )); then
  echo "add-rapids.sh: RAPIDS_VERSION=$version does not support Spark 3.4.4; use 24.12.0 or later" >&2
  exit 1
fi

mvn -B -q -N -f "$pom" dependency:copy \
  -Dartifact="com.nvidia:rapids-4-spark_2.12:$version" -DoutputDirectory="$home/jars"
conf="$(dirname "$pom")/docker/conf/rapids.conf"
{ echo; cat "$conf"; } >> "$home/conf/spark-defaults.conf"
echo "add-rapids.sh: RAPIDS Accelerator $version in $home/jars, settings in conf/spark-defaults.conf" >&2
