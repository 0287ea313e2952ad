# Progress and failure lines of the system test scripts (docker/test-images.sh,
# scripts/testbed.sh): each line starts with SCRIPT_NAME, which the caller sets.
# shellcheck shell=bash

STEP_STARTED=$SECONDS
say() { echo "$SCRIPT_NAME: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
step() {
  step_time
  STEP_NAME="$1" STEP_STARTED=$SECONDS
  echo >&2; say "=== $1 (at $SECONDS s)"
}
# How long the current step took (cleanup says it for the step a failure ended).
step_time() {
  [ -z "${STEP_NAME:-}" ] || say "$STEP_NAME: $((SECONDS - STEP_STARTED)) s"
}

# After a failure: the last lines of every log under DIR.
log_tails() {
  local log
  for log in "$1"/*.log; do
    [ -f "$log" ] && { echo "---- $(basename "$log") (last 15 lines)" >&2; tail -15 "$log" >&2; }
  done
}
