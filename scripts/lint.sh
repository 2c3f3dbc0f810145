#!/usr/bin/env bash
# make lint: the declared style and checks (docs/style.md).
#   1. every tracked C++ file is formatted as .clang-format says (clang-format --dry-run);
#   2. clang-tidy with .clang-tidy (bugprone, modernize, naming) and clang's -Wthread-safety
#      analysis over every source file of src/, from the compile commands of the asan build.
# Fails on the first kind of finding, naming the file and line.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cc' '*.h')
echo "lint: formatting of ${#files[@]} files (.clang-format)" >&2
if ! clang-format --dry-run --Werror "${files[@]}"; then
  echo "lint: run clang-format -i on the files above (or: git ls-files '*.cc' '*.h' | xargs clang-format -i)" >&2
  exit 1
fi
# clang-tidy reads the compile commands, and the generated protobuf headers must exist.
cmake --preset asan >/dev/null
cmake --build --preset asan --target medfed_network_proto >/dev/null
mapfile -t sources < <(git ls-files 'src/*.cc' | grep -v '_test\.cc$')
echo "lint: clang-tidy and -Wthread-safety over ${#sources[@]} sources (.clang-tidy)" >&2
# Parallel, one file per job; -quiet keeps the output to the findings.
printf '%s\n' "${sources[@]}" |
  xargs -P "$(nproc)" -n 4 clang-tidy -p build/asan --quiet --extra-arg=-Wthread-safety \
    --extra-arg=-Wno-unknown-warning-option 2> >(grep -v -E '^[0-9]+ warnings? generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter' >&2)
# The canary: the analysis must reject a write to a guarded member without its lock.
canary_output=$(clang++ -std=c++20 -fsyntax-only -Wthread-safety -Werror=thread-safety-analysis \
  scripts/lint/thread_safety_canary.cc 2>&1 || true)
if ! grep -q "requires holding mutex 'mutex_'" <<<"$canary_output"; then
  echo "lint: the -Wthread-safety canary (scripts/lint/thread_safety_canary.cc) was not caught; the" \
    "thread-safety analysis is not running, so a clean run would prove nothing:" >&2
  echo "$canary_output" >&2
  exit 1
fi
echo "lint: clean (and the thread-safety canary was caught)" >&2
