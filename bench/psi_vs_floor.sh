#!/usr/bin/env bash
# ECDH-PSI (medfed psi, both parties in one process over the real messages, intersection mode)
# against the floor of its elliptic-curve work on this machine, in the same run: bench/psi_floor
# does only the per-item libsodium operations both parties must do (2N hash-to-group, 4N
# ristretto255 scalar multiplications) on all cores. Sets of N keys on each side, half shared.
# Also checks the intersection size. Target: ratio <= 1.3. SIZES="200000 1000000" by default.
source "$(dirname "$0")/lib.sh"
require bc python3
FLOOR="${PSI_FLOOR:-$ROOT/build/release/bench/psi_floor}"
[[ -x "$FLOOR" ]] || { echo "bench: $FLOOR is missing; run make" >&2; exit 1; }
data="$OUT/psi"
mkdir -p "$data"
for n in ${SIZES:-200000 1000000}; do
  if [[ ! -f "$data/a_$n.csv" ]]; then
    # Hex pseudonyms as a keyed-pseudonym column looks; keys n/2 .. 3n/2 are shared.
    python3 - "$data" "$n" <<'PY'
import hashlib, sys
d, n = sys.argv[1], int(sys.argv[2])
def key(i): return hashlib.sha256(b"bench-%d" % i).hexdigest()[:32]
with open(f"{d}/a_{n}.csv", "w") as a:
    a.write("pseudonym\n"); a.writelines(key(i) + "\n" for i in range(n))
with open(f"{d}/b_{n}.csv", "w") as b:
    b.write("pseudonym\n"); b.writelines(key(i) + "\n" for i in range(n // 2, n + n // 2))
PY
  fi
  # One timed run (minutes at 10^6); its result document is checked afterwards.
  medfed_seconds=$(REPEATS=1 median_seconds "$MEDFED" psi --a "$data/a_$n.csv" --b "$data/b_$n.csv" \
                   --column pseudonym --mode cardinality --out "$data/result_$n.json")
  floor_seconds=$("$FLOOR" "$n")
  size=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["intersection_size"])' "$data/result_$n.json")
  [[ "$size" == "$((n / 2))" ]] || { echo "bench: intersection size $size, expected $((n / 2))" >&2; exit 1; }
  echo "psi $n x $n keys (half shared; found $size)"
  echo "  medfed psi, whole process (CSV, both parties, messages): ${medfed_seconds} s"
  echo "  floor: libsodium hash-to-group + scalar mult only:       ${floor_seconds} s"
  echo "  ratio medfed / floor: $(ratio "$medfed_seconds" "$floor_seconds")   (target <= 1.3)"
done
