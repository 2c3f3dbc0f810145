#!/usr/bin/env bash
# Runs every benchmark; each prints medfed's time, the reference tool's time and the ratio.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for bench in "$here"/*_vs_*.sh; do
  echo "== $(basename "$bench")"
  bash "$bench"
  echo
done
