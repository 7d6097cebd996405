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
echo
if [ "$status" -ne 0 ] && [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  # Nothing ran: the build failed. CI keeps only the end of the output, so repeat the cause here,
  # with the machine's disk and memory (a full disk or an OOM-killed linker looks like this).
  echo "$label: the test build failed before any test ran; its errors:"
  grep -E '^(error|rustc-LLVM ERROR|.*LLVM ERROR|.*No space left|.*signal: 9|.*SIGKILL)' "$log" | head -20
  df -h . | tail -1 | awk '{print "disk: " $4 " free of " $2 " (" $5 " used)"}'
  free -m 2>/dev/null | awk '/^Mem:/ {print "memory: " $7 " MiB available of " $2 " MiB"}'
fi
rm -f "$log"
echo "$label: $passed passed, $failed failed, $ignored ignored"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "$label: no test ran" >&2
  exit 1
fi
exit "$status"
