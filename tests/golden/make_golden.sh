#!/usr/bin/env bash
# Regenerates tests/golden/*_expected.json from R (needs `make deps-reference`).
#   tests/golden/make_golden.sh [path/to/medfed]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
medfed="${1:-$here/../../build/release/medfed}"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
# One data set per (seed, rows) used by the cases.
tail -n +2 "$here/engine_cases.csv" "$here/descriptive_cases.csv" "$here/survival_cases.csv" |
  grep -E '^[a-z][0-9]+,' |
  cut -d, -f2,3 | sort -u | while IFS=, read -r seed rows; do
    "$medfed" synth colorectal --seed "$seed" --rows "${rows//;/,}" \
      --out "$data/s${seed}_${rows//;/_}" 2>/dev/null
  done
Rscript "$here/make_golden.R" "$here" "$data" "$here/engine_expected.json"
Rscript "$here/make_survival_golden.R" "$here" "$data" "$here/survival_expected.json"
echo "wrote $here/engine_expected.json and $here/survival_expected.json" >&2
