# R's printouts of models on the bundled demo hospitals pooled (examples/demo/data/colon_*.csv),
# for tests/engine_equivalence_test.cc (Printouts):
#   glm      summary(fit) from "Coefficients:" to the Fisher scoring line, then for log and
#            logit links exp(cbind(coef, confint.default))
#   coxph    summary(fit) from "n=" to the score test (Concordance left out: medfed does not
#            compute it)
#   survdiff print(survdiff(...)) from the table on
#   survfit  print(fit)'s table, then print(summary(fit, times =)) from the first stratum on
#   Rscript tests/golden/printouts.R > tests/golden/printouts.txt
# Checked with R 4.2.2 and survival 3.4 in a UTF-8 locale (the significance legend's quotes).
suppressMessages(library(survival))
invisible(Sys.setlocale("LC_COLLATE", "C"))
files <- sort(list.files("examples/demo/data", pattern = "^colon_[a-z]\\.csv$", full.names = TRUE))
d <- do.call(rbind, lapply(files, read.csv, na.strings = c("NA", ""), stringsAsFactors = FALSE))
trimmed <- function(lines) sub(" +$", "", lines)
models <- list(
  binomial = list(recurrence ~ rx + age + sex + stage + nodes + obstruct, binomial, "OR"),
  poisson = list(nodes ~ rx + age, poisson, "RR"),
  gaussian = list(age ~ rx + sex, gaussian, NA))
for (name in names(models)) {
  m <- models[[name]]
  fit <- glm(m[[1]], family = m[[2]], data = d)
  printed <- capture.output(print(summary(fit)))
  first <- grep("^Coefficients:", printed)
  last <- grep("^Number of Fisher Scoring iterations", printed)
  cat("### glm ", name, "\n", sep = "")
  cat(trimmed(printed[first:last]), sep = "\n")
  if (!is.na(m[[3]])) {
    ratios <- exp(cbind(coef(fit), confint.default(fit)))
    colnames(ratios)[1] <- m[[3]]
    cat(trimmed(capture.output(print(ratios))), sep = "\n")
  }
}
fit <- coxph(Surv(time, status) ~ rx + age + sex + stage + nodes + obstruct, data = d)
printed <- capture.output(print(summary(fit)))
first <- grep("^  n=", printed)
last <- grep("^Score \\(logrank\\) test", printed)
cat("### cox\n")
cat(trimmed(printed[first:last][!grepl("^Concordance", printed[first:last])]), sep = "\n")
for (formula in c("Surv(time, status) ~ rx + strata(stage)", "Surv(time, status) ~ sex")) {
  printed <- capture.output(print(survdiff(as.formula(formula), data = d)))
  cat("### logrank ", formula, "\n", sep = "")
  cat(trimmed(printed[grep("N Observed", printed):length(printed)]), sep = "\n")
}
fit <- survfit(Surv(time, status) ~ rx, data = d)
printed <- capture.output(print(fit))
cat("### kaplan_meier\n")
cat(trimmed(printed[grep("n events median", printed):length(printed)]), sep = "\n")
cat("\n")
printed <- capture.output(print(summary(fit, times = c(365, 1095, 1826))))
cat(trimmed(printed[grep("rx=Lev$", trimmed(printed))[1]:length(printed)]), sep = "\n")
