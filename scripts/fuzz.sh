#!/usr/bin/env bash
# Runs every libFuzzer target (build/fuzz, `cmake --build --preset fuzz`) for FUZZ_SECONDS each
# (default 60) on a scratch copy of its seed corpus in fuzz/corpus/NAME, so that the inputs it
# finds do not dirty the repository. Any crash, leak, sanitizer report or timeout fails the run;
# the input that caused it is kept in build/fuzz/findings/NAME/ for a regression seed.
#
#   FUZZ_SECONDS=600 scripts/fuzz.sh            every target for ten minutes
#   FUZZ_TARGETS="csv obo" scripts/fuzz.sh      some of them
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"csv expression study_toml plink obo note frames"}
passed=0
failed=0
for target in $targets; do
  binary=build/fuzz/fuzz/fuzz_$target
  scratch=build/fuzz/corpus/$target
  findings=build/fuzz/findings/$target
  mkdir -p "$scratch" "$findings"
  cp -n fuzz/corpus/"$target"/* "$scratch"/ 2>/dev/null || true
  echo "fuzz: $target for ${seconds}s" >&2
  # -rss_limit_mb: a parser that buffers without bound fails here; -timeout: one that stalls.
  if "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$findings/" "$scratch" > "build/fuzz/$target.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "build/fuzz/$target.log" | grep -o '[0-9]*$' || echo 0)
    echo "fuzz: $target clean, $runs executions ($((runs / seconds))/s)" >&2
    passed=$((passed + 1))
  else
    echo "fuzz: $target FAILED; see build/fuzz/$target.log and $findings/" >&2
    tail -40 "build/fuzz/$target.log" >&2
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed" >&2
[[ $failed -eq 0 ]]
