#!/usr/bin/env bash
# Runs every fuzz target for FUZZ_SECONDS (default 30) each, seeded from the fixtures, and prints
# a summary (executions, executions/s, crashes). Used by `make fuzz`.
#
# Only the stable toolchain is needed: cargo-fuzz passes nightly-only flags to rustc, which
# RUSTC_BOOTSTRAP=1 allows. The sanitizer is off (`-s none`): every crate forbids `unsafe`, so
# the findings are panics, overflows (debug assertions are on) and hangs, at full speed.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
seconds="${FUZZ_SECONDS:-30}"
targets="${FUZZ_TARGETS:-admission_review webhook_decode config_flatten duration_cron history}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz (one-off)" >&2
  cargo install cargo-fuzz --locked
fi

(cd "$root" && cargo run -q -p flink-savepoint-bench --bin fuzz-seeds -- "$here/corpus")
cd "$here"
cargo fuzz build -s none
mkdir -p "$here/target/logs"
summary="$here/target/fuzz-results.md"
{
  echo "| target | seconds | executions | exec/s | corpus | crashes |"
  echo "|---|---|---|---|---|---|"
} > "$summary"
status=0
for t in $targets; do
  log="$here/target/logs/$t.log"
  echo "== fuzzing $t for ${seconds}s (log: $log)" >&2
  set +e
  cargo fuzz run -s none "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  corpus=$(find "corpus/$t" -type f | wc -l)
  crashes=$(find "artifacts/$t" -type f 2>/dev/null | wc -l)
  echo "| $t | $seconds | ${runs:-?} | ${speed:-?} | $corpus | $crashes |" >> "$summary"
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "!! $t failed (exit $rc); reproducer(s) in $here/artifacts/$t:" >&2
    grep -E "panicked at|SUMMARY|Test unit written" "$log" | head -5 >&2 || true
  fi
done
cat "$summary"
exit "$status"
