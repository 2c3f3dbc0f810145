#!/usr/bin/env bash
# medfed scan of a 1,000,000-row x 30-column extract (the messy registry extract with its names,
# IDs, phones, addresses, dates and notes, plus 13 numeric lab columns), against reading the same
# file with R's data.table::fread (2 threads) in the same run: the whole scan (CSV reading,
# detectors on every column, free-text search of every value, equivalence classes) as a multiple
# of just parsing the file.
source "$(dirname "$0")/lib.sh"
require Rscript bc awk paste
data="$OUT/scan"
mkdir -p "$data"
rows="${ROWS:-1000000}"
file="$data/extract_$rows.csv"
if [[ ! -f "$file" ]]; then
  "$MEDFED" synth messy --rows "$rows" --out "$data" 2>/dev/null
  awk -v n="$rows" 'BEGIN { srand(11); printf "lab1"; for (j = 2; j <= 13; j++) printf ",lab%d", j; print "";
    for (i = 0; i < n; i++) { printf "%.2f", 50 + 20 * rand(); for (j = 2; j <= 13; j++) printf ",%.3f", rand() * j; print "" } }' \
    > "$data/labs.csv"
  paste -d, "$data/messy_extract.csv" "$data/labs.csv" > "$file"
  rm -f "$data/labs.csv"
fi
size_mb=$(echo "scale=1; $(stat -c %s "$file") / 1000000" | bc)
cat > "$data/fread.R" <<RSCRIPT
suppressMessages(library(data.table))
setDTthreads(2)
t0 <- proc.time()[["elapsed"]]
d <- suppressWarnings(fread("$file", encoding = "UTF-8"))
cat(sprintf("%.3f\n", proc.time()[["elapsed"]] - t0))
RSCRIPT
medfed_seconds=$(median_seconds "$MEDFED" scan "$file")
fread_seconds=$(Rscript "$data/fread.R")
echo "scan of $rows rows x 30 columns ($size_mb MB)"
echo "  medfed scan, whole process:         ${medfed_seconds} s"
echo "  R data.table::fread (2 threads):    ${fread_seconds} s (reading only)"
echo "  ratio medfed scan / fread:          $(ratio "$medfed_seconds" "$fread_seconds")"
