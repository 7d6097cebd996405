#!/usr/bin/env bash
# summary.sh LABEL COMMAND…: runs a `cargo test` command, keeps its output, and ends with one line that adds
# up every test binary's result, `LABEL: N passed, N failed, N ignored`. Exits with the command's status, and
# non-zero when nothing ran at all (a filter that matches no test is a broken suite, not a pass).
set -uo pipefail
label=$1; shift
log=$(mktemp)
"$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
read -r passed failed ignored < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) g += $i } } END { print p+0, f+0, g+0 }' "$log")
rm -f "$log"
echo
echo "$label: $passed passed, $failed failed, $ignored ignored"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "$label: no test ran" >&2
  exit 1
fi
exit "$status"
