# Shared helpers for the benchmark scripts (sourced).
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
MEDFED="${MEDFED:-$ROOT/build/release/medfed}"
OUT="${BENCH_OUT:-$ROOT/bench/out}"
REPEATS="${REPEATS:-3}"
# Benchmarks rerun the same studies on generated data: the sites' release history (budgets,
# differencing) would only measure the state directory, so it is kept in memory.
export MEDFED_STATE_HOME=memory
mkdir -p "$OUT"

# Wall-clock seconds of one run of a command (stdout discarded).
seconds_of() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  echo "scale=3; ($end - $start) / 1000000000" | bc
}

# Median wall-clock seconds over $REPEATS runs.
median_seconds() {
  local times=()
  for _ in $(seq "$REPEATS"); do times+=("$(seconds_of "$@")"); done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

ratio() { echo "scale=3; $1 / $2" | bc; }

require() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing; run make deps-reference" >&2; exit 1; }
  done
}
