#!/usr/bin/env bash
# medfed deid reaching 5-anonymity on the Adult benchmark's shape (30,162 rows, 8
# quasi-identifiers with ARX's hierarchy heights: age 5, education 4, marital-status 3,
# native-country 3, race 2, salary-class 2, sex 2, workclass 3 -> 4,320 lattice nodes;
# occupation kept as the sensitive attribute), against ARX's published Flash time for the same
# task (28 ms, 115 checks; anonbench, CBMS 2014, quad-core i5 3.1 GHz, suppression limit 0;
# shared/research/deidentification-anchors.md). ARX itself is not a Debian package and is not run
# here: the reference is the published number, so the ratio compares machines too.
#
# The data are synthetic with Adult's columns and value sets and skewed marginals (the UCI file
# is not bundled). medfed's time is the whole de-identification (scan excluded): preparing the
# hierarchies, the lattice search, rewriting and checking the output; from its JSON report.
source "$(dirname "$0")/lib.sh"
require Rscript bc
data="$OUT/adult"
mkdir -p "$data"
Rscript - "$data" <<'RSCRIPT'
args <- commandArgs(TRUE); dir <- args[1]
set.seed(30162); n <- 30162
pick <- function(values, weights) sample(values, n, replace = TRUE, prob = weights)
age <- pmin(90, pmax(17, round(rgamma(n, shape = 8, scale = 4.8) + 10)))
workclass <- pick(c("Private", "Self-emp-not-inc", "Self-emp-inc", "Federal-gov", "Local-gov", "State-gov", "Without-pay"),
                  c(73.9, 8.3, 3.6, 3.1, 6.9, 4.2, 0.05))
education <- pick(c("Bachelors", "Some-college", "11th", "HS-grad", "Prof-school", "Assoc-acdm", "Assoc-voc", "9th",
                    "7th-8th", "12th", "Masters", "1st-4th", "10th", "Doctorate", "5th-6th", "Preschool"),
                  c(16.7, 22.2, 3.5, 32.6, 1.8, 3.3, 4.3, 1.5, 1.9, 1.3, 5.4, 0.5, 2.7, 1.2, 1.0, 0.15))
marital <- pick(c("Married-civ-spouse", "Divorced", "Never-married", "Separated", "Widowed", "Married-spouse-absent",
                  "Married-AF-spouse"), c(46.6, 13.9, 32.2, 3.1, 2.7, 1.2, 0.07))
occupation <- pick(c("Tech-support", "Craft-repair", "Other-service", "Sales", "Exec-managerial", "Prof-specialty",
                     "Handlers-cleaners", "Machine-op-inspct", "Adm-clerical", "Farming-fishing", "Transport-moving",
                     "Priv-house-serv", "Protective-serv", "Armed-Forces"),
                   c(3, 13.4, 10.7, 11.9, 13.2, 13.4, 4.5, 6.5, 12.3, 3.3, 5.2, 0.5, 2.1, 0.03))
race <- pick(c("White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other", "Black"), c(86, 3, 1, 0.8, 9.3))
sex <- pick(c("Male", "Female"), c(67.6, 32.4))
countries <- c("United-States", "Mexico", "Philippines", "Germany", "Puerto-Rico", "Canada", "India", "El-Salvador",
               "Cuba", "England", "Jamaica", "South", "China", "Italy", "Dominican-Republic", "Vietnam", "Guatemala",
               "Japan", "Poland", "Columbia", "Iran", "Taiwan", "Haiti", "Portugal", "Nicaragua", "Peru", "Greece",
               "France", "Ecuador", "Ireland", "Hong", "Cambodia", "Trinadad&Tobago", "Thailand", "Laos", "Yugoslavia",
               "Outlying-US(Guam-USVI-etc)", "Hungary", "Honduras", "Scotland", "Holand-Netherlands")
country <- pick(countries, c(91.2, 2, 0.6, rep(0.4, 5), rep(0.25, 10), rep(0.1, 23)))
salary <- pick(c("<=50K", ">50K"), c(75, 25))
write.csv(data.frame(age, workclass, education, "marital-status" = marital, occupation, race, sex,
                     "native-country" = country, "salary-class" = salary, check.names = FALSE),
          file.path(dir, "adult.csv"), row.names = FALSE, quote = FALSE)
# Hierarchies with ARX's heights (levels above the value; the last level is *).
band <- function(a, w) { lo <- a - a %% w; paste0(lo, "-", lo + w - 1) }
ages <- 17:90
write.table(data.frame(ages, band(ages, 5), band(ages, 10), band(ages, 20), "*"), file.path(dir, "age.csv"),
            sep = ";", row.names = FALSE, col.names = FALSE, quote = FALSE)
ed <- c("Bachelors", "Some-college", "11th", "HS-grad", "Prof-school", "Assoc-acdm", "Assoc-voc", "9th", "7th-8th", "12th",
        "Masters", "1st-4th", "10th", "Doctorate", "5th-6th", "Preschool")
ed1 <- ifelse(ed %in% c("Bachelors", "Masters", "Doctorate", "Prof-school"), "Higher",
       ifelse(ed %in% c("Some-college", "Assoc-acdm", "Assoc-voc"), "Some-higher",
       ifelse(ed == "HS-grad", "Secondary", "Primary")))
ed2 <- ifelse(ed1 %in% c("Higher", "Some-higher"), "College", "School")
write.table(data.frame(ed, ed1, ed2, "*"), file.path(dir, "education.csv"), sep = ";", row.names = FALSE,
            col.names = FALSE, quote = FALSE)
ma <- c("Married-civ-spouse", "Divorced", "Never-married", "Separated", "Widowed", "Married-spouse-absent", "Married-AF-spouse")
write.table(data.frame(ma, ifelse(ma %in% c("Married-civ-spouse", "Married-AF-spouse"), "spouse present", "spouse not present"), "*"),
            file.path(dir, "marital.csv"), sep = ";", row.names = FALSE, col.names = FALSE, quote = FALSE)
write.table(data.frame(countries, ifelse(countries %in% c("United-States", "Canada", "Mexico", "Puerto-Rico",
                       "Outlying-US(Guam-USVI-etc)", "Cuba", "Jamaica", "Haiti", "Dominican-Republic", "El-Salvador",
                       "Guatemala", "Nicaragua", "Honduras", "Trinadad&Tobago"), "North America",
                       ifelse(countries %in% c("Columbia", "Ecuador", "Peru"), "South America",
                       ifelse(countries %in% c("Philippines", "India", "South", "China", "Vietnam", "Japan", "Iran",
                       "Taiwan", "Hong", "Cambodia", "Thailand", "Laos"), "Asia", "Europe"))), "*"),
            file.path(dir, "country.csv"), sep = ";", row.names = FALSE, col.names = FALSE, quote = FALSE)
wc <- c("Private", "Self-emp-not-inc", "Self-emp-inc", "Federal-gov", "Local-gov", "State-gov", "Without-pay")
write.table(data.frame(wc, ifelse(grepl("gov", wc), "Government", ifelse(grepl("Self", wc), "Self-employed",
            ifelse(wc == "Private", "Private", "Unemployed"))), "*"), file.path(dir, "workclass.csv"), sep = ";",
            row.names = FALSE, col.names = FALSE, quote = FALSE)
RSCRIPT
limit="${SUPPRESSION:-0}"
cat > "$data/policy.toml" <<TOML
k = 5
suppression_limit = $limit
[columns]
age = { action = "generalize", hierarchy = "age.csv" }
education = { action = "generalize", hierarchy = "education.csv" }
marital-status = { action = "generalize", hierarchy = "marital.csv" }
native-country = { action = "generalize", hierarchy = "country.csv" }
race = "generalize"
salary-class = "generalize"
sex = "generalize"
workclass = { action = "generalize", hierarchy = "workclass.csv" }
occupation = "keep"
TOML
times=()
search_times=()
for _ in $(seq "$REPEATS"); do
  "$MEDFED" deid "$data/adult.csv" --out "$data/adult_5anon.csv" --policy "$data/policy.toml" --json 2>/dev/null > "$data/report.json"
  times+=("$(grep -o '"milliseconds": [0-9.e+-]*' "$data/report.json" | awk '{print $2}')")
  search_times+=("$(grep -o '"search_milliseconds": [0-9.e+-]*' "$data/report.json" | awk '{print $2}')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]}'; }
ms=$(median "${times[@]}")
search_ms=$(median "${search_times[@]}")
nodes=$(grep -o '"lattice_nodes": [0-9]*' "$data/report.json" | awk '{print $2}')
checks=$(grep -o '"checks": [0-9]*' "$data/report.json" | awk '{print $2}')
levels=$(tr -d '\n ' < "$data/report.json" | grep -o '"levels":\[[0-9,]*\]' | head -1)
echo "5-anonymity, Adult shape: 30,162 rows x 8 quasi-identifiers, suppression limit $limit"
echo "  medfed lattice search:                 ${search_ms} ms, $checks of $nodes nodes checked, $levels"
echo "  medfed deid (search, masking, checks): ${ms} ms"
echo "  ARX Flash, published (anonbench):      28 ms, 115 checks"
echo "  ratio medfed search / ARX published:   $(ratio "$search_ms" 28)"
