# R's printouts of three GLMs on the bundled demo hospitals pooled (examples/demo/data/colon_*.csv),
# for tests/engine_equivalence_test.cc (GlmPrintout): summary(fit) from "Coefficients:" to the
# Fisher scoring line, and for log and logit links exp(cbind(coef, confint.default)).
#   Rscript tests/golden/glm_printout.R > tests/golden/glm_printout.txt
# Checked with R 4.2.2 in a UTF-8 locale (the significance legend's quotes).
invisible(Sys.setlocale("LC_COLLATE", "C"))
files <- sort(list.files("examples/demo/data", pattern = "^colon_[a-z]\\.csv$", full.names = TRUE))
d <- do.call(rbind, lapply(files, read.csv, na.strings = c("NA", ""), stringsAsFactors = FALSE))
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
  cat("### ", name, "\n", sep = "")
  cat(sub(" +$", "", printed[first:last]), sep = "\n")
  if (!is.na(m[[3]])) {
    ratios <- exp(cbind(coef(fit), confint.default(fit)))
    colnames(ratios)[1] <- m[[3]]
    cat(sub(" +$", "", capture.output(print(ratios))), sep = "\n")
  }
}
