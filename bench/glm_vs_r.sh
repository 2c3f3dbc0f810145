#!/usr/bin/env bash
# Federated logistic GLM, 3 sites, 200,000 patients, 10 covariates, secure aggregation on,
# whole process (CSV reading included) against R (data.table::fread + glm) on the pooled file,
# in the same run. Prints both timings, the ratio, and the largest coefficient difference.
source "$(dirname "$0")/lib.sh"
require Rscript bc
data="$OUT/glm"
if [[ ! -f "$data/colon_pooled.csv" ]]; then
  "$MEDFED" synth colorectal --seed 7 --rows 70000,70000,60000 --covariates 3 --pooled --out "$data" 2>/dev/null
fi
formula="recurrence ~ age + sex + rx + stage + nodes + obstruct + bmi + x1 + x2 + x3"
cat > "$data/study.toml" <<TOML
[study]
name = "bench-glm"
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
id = "glm"
type = "glm"
table = "colon"
family = "binomial"
formula = "$formula"
TOML
cat > "$data/glm.R" <<RSCRIPT
suppressMessages(library(data.table))
t0 <- proc.time()[["elapsed"]]
d <- fread("$data/colon_pooled.csv")
fit <- glm($formula, family = binomial, data = d)
t1 <- proc.time()[["elapsed"]]
cat(sprintf("%.4f\n", t1 - t0))
write.csv(data.frame(term = names(coef(fit)), estimate = coef(fit)), "$data/r_coef.csv", row.names = FALSE)
RSCRIPT

medfed_seconds=$(median_seconds "$MEDFED" run "$data/study.toml" --quiet)
r_process_seconds=$(median_seconds Rscript "$data/glm.R")
r_inside_seconds=$(Rscript "$data/glm.R")
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
echo "glm (binomial, 200,000 rows, 10 covariates, 3 sites, secure aggregation)"
echo "  medfed, whole process:            ${medfed_seconds} s"
echo "  R fread + glm (inside R):         ${r_inside_seconds} s"
echo "  R, whole Rscript process:         ${r_process_seconds} s"
echo "  ratio medfed / R (fread + glm):   $(ratio "$medfed_seconds" "$r_inside_seconds")   (target <= 1.0, aim <= 0.5)"
echo "  ratio medfed / R (whole process): $(ratio "$medfed_seconds" "$r_process_seconds")"
echo "  largest relative coefficient difference vs R: $max_diff"
