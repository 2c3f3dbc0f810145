#!/usr/bin/env bash
# CSV reading throughput: medfed's reader (a count over one 1,000,000-row, 22-column table,
# whole process) against data.table::fread with one thread and with all threads, same file.
source "$(dirname "$0")/lib.sh"
require Rscript bc
data="$OUT/csv"
if [[ ! -f "$data/colon_a.csv" ]]; then
  "$MEDFED" synth colorectal --seed 3 --rows 1000000 --covariates 6 --out "$data" 2>/dev/null
fi
cat > "$data/study.toml" <<TOML
[study]
name = "bench-csv"
[[sites]]
name = "a"
tables.t = "colon_a.csv"
[[analyses]]
type = "count"
table = "t"
TOML
megabytes=$(echo "scale=1; $(stat -c %s "$data/colon_a.csv") / 1000000" | bc)
medfed_seconds=$(median_seconds "$MEDFED" run "$data/study.toml" --quiet)
fread1=$(Rscript -e "suppressMessages(library(data.table)); cat(system.time(fread('$data/colon_a.csv', nThread = 1))[['elapsed']])")
fread_all=$(Rscript -e "suppressMessages(library(data.table)); cat(system.time(fread('$data/colon_a.csv'))[['elapsed']])")
echo "CSV read: ${megabytes} MB, 1,000,000 rows x 22 columns"
echo "  medfed (one core, whole process): ${medfed_seconds} s = $(echo "scale=0; $megabytes / $medfed_seconds" | bc) MB/s"
echo "  fread, 1 thread (inside R):       ${fread1} s"
echo "  fread, all threads (inside R):    ${fread_all} s"
echo "  ratio medfed / fread 1 thread:    $(ratio "$medfed_seconds" "$fread1")"
echo "  ratio medfed / fread all threads: $(ratio "$medfed_seconds" "$fread_all")"
