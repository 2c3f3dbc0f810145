#!/usr/bin/env bash
# Federated Cox model (Efron ties), 3 sites, 200,000 patients, 10 covariates, secure
# aggregation on, whole process with CSV reading, against R (data.table::fread + coxph) on the
# pooled file in the same run. Prints both timings, the ratio and the largest coefficient gap.
source "$(dirname "$0")/lib.sh"
require Rscript bc
data="$OUT/cox"
if [[ ! -f "$data/colon_pooled.csv" ]]; then
  "$MEDFED" synth colorectal --seed 11 --rows 70000,70000,60000 --covariates 3 --pooled --out "$data" 2>/dev/null
fi
formula="Surv(time, status) ~ age + sex + rx + stage + nodes + obstruct + bmi + x1 + x2 + x3"
cat > "$data/study.toml" <<TOML
[study]
name = "bench-cox"
[[sites]]
name = "hospital-a"
tables.colon = "colon_a.csv"
[[sites]]
name = "hospital-b"
tables.colon = "colon_b.csv"
[[sites]]
name = "hospital-c"
tables.colon = "colon_c.csv"
[[analyses]]
id = "cox"
type = "cox"
table = "colon"
ties = "efron"
formula = "$formula"
TOML
cat > "$data/cox.R" <<RSCRIPT
suppressMessages({library(data.table); library(survival)})
t0 <- proc.time()[["elapsed"]]
d <- fread("$data/colon_pooled.csv")
fit <- coxph($formula, data = d, ties = "efron")
t1 <- proc.time()[["elapsed"]]
cat(sprintf("%.4f\n", t1 - t0))
write.csv(data.frame(term = names(coef(fit)), estimate = coef(fit)), "$data/r_coef.csv", row.names = FALSE)
RSCRIPT
medfed_seconds=$(median_seconds "$MEDFED" run "$data/study.toml" --quiet)
r_process_seconds=$(median_seconds Rscript "$data/cox.R")
r_inside_seconds=$(Rscript "$data/cox.R")
"$MEDFED" run "$data/study.toml" --json --quiet > "$data/medfed.json"
max_diff=$(python3 - "$data" <<'PY' 2>/dev/null || echo "n/a"
import csv, json, sys
d = sys.argv[1]
ours = {c["term"]: c["estimate"] for c in json.load(open(d + "/medfed.json"))["results"][0]["coefficients"]}
worst = 0.0
for row in csv.DictReader(open(d + "/r_coef.csv")):
    r = float(row["estimate"]); m = ours[row["term"]]
    worst = max(worst, abs(m - r) / max(abs(r), 1e-12))
print("%.2e" % worst)
PY
)
echo "cox (Efron, 200,000 patients, 10 covariates, 3 sites, secure aggregation)"
echo "  medfed, whole process:            ${medfed_seconds} s"
echo "  R fread + coxph (inside R):       ${r_inside_seconds} s"
echo "  R, whole Rscript process:         ${r_process_seconds} s"
echo "  ratio medfed / R (fread + coxph): $(ratio "$medfed_seconds" "$r_inside_seconds")   (target <= 1.0, aim <= 0.5)"
echo "  ratio medfed / R (whole process): $(ratio "$medfed_seconds" "$r_process_seconds")"
echo "  largest relative coefficient difference vs R: $max_diff"
