# Produces survival_expected.json: R's survival package (3.5) on the pooled rows for every case
# in survival_cases.csv. Run through make_golden.sh (which writes the sites' CSVs with
# `medfed synth`). A case with resolution r is computed on times coarsened as medfed's policy
# coarsens them: ceiling(time / r) * r.
#
#   Rscript make_survival_golden.R CASES_DIR DATA_DIR OUT_FILE
args <- commandArgs(trailingOnly = TRUE)
cases_dir <- args[1]; data_dir <- args[2]; out_file <- args[3]
invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressMessages(library(survival))

num <- function(x) if (length(x) == 0 || is.na(x) || !is.finite(x)) "null" else sprintf("%.17g", x)
str <- function(x) paste0('"', gsub('"', '\\\\"', x), '"')
obj <- function(fields) paste0("{", paste(str(names(fields)), fields, sep = ": ", collapse = ", "), "}")
arr <- function(items) paste0("[", paste(items, collapse = ",\n  "), "]")

pooled <- function(seed, rows) {
  dir <- file.path(data_dir, paste0("s", seed, "_", gsub(";", "_", rows)))
  files <- sort(list.files(dir, pattern = "^colon_[a-z]\\.csv$", full.names = TRUE))
  do.call(rbind, lapply(files, read.csv, na.strings = c("NA", "", "NaN"), stringsAsFactors = FALSE))
}
filtered <- function(d, where) {
  if (is.na(where) || where == "") return(d)
  d[which(eval(parse(text = gsub(" and ", " & ", where)), d)), ]
}

cases <- read.csv(file.path(cases_dir, "survival_cases.csv"), stringsAsFactors = FALSE,
                  na.strings = character())
results <- c()
for (i in seq_len(nrow(cases))) {
  case <- cases[i, ]
  d <- filtered(pooled(case$seed, case$rows), case$where)
  if (case$resolution > 0) d$time <- ceiling(d$time / case$resolution) * case$resolution
  f <- as.formula(case$formula)
  if (case$type == "kaplan_meier") {
    fit <- survfit(f, data = d)
    table <- summary(fit)$table
    if (is.null(dim(table))) table <- t(as.matrix(table))
    strata_names <- if (is.null(fit$strata)) "all" else names(fit$strata)
    times <- as.numeric(strsplit(case$times, ";")[[1]])
    s <- summary(fit, times = times)
    s_strata <- if (is.null(s$strata)) rep("all", length(s$time)) else as.character(s$strata)
    strata <- sapply(seq_along(strata_names), function(k) {
      rows <- which(s_strata == strata_names[k])
      points <- sapply(rows, function(r) obj(list(time = num(s$time[r]), n_risk = num(s$n.risk[r]),
                                                  n_event = num(s$n.event[r]), survival = num(s$surv[r]),
                                                  std_error = num(s$std.err[r]), lower = num(s$lower[r]),
                                                  upper = num(s$upper[r]))))
      obj(list(stratum = str(strata_names[k]), n = num(table[k, "n.max"]),
               events = num(table[k, "events"]), median = num(table[k, "median"]),
               median_lower = num(table[k, "0.95LCL"]), median_upper = num(table[k, "0.95UCL"]),
               points = arr(points)))
    })
    results <- c(results, obj(list(id = str(case$id), strata = arr(strata))))
  } else if (case$type == "logrank") {
    test <- survdiff(f, data = d)
    observed <- if (is.matrix(test$obs)) rowSums(test$obs) else test$obs
    expected <- if (is.matrix(test$exp)) rowSums(test$exp) else test$exp
    df <- sum(expected > 0) - 1
    groups <- sapply(seq_along(observed), function(g)
      obj(list(group = str(names(test$n)[g]), n = num(test$n[g]), observed = num(observed[g]),
               expected = num(expected[g]))))
    results <- c(results, obj(list(id = str(case$id), statistic = num(test$chisq), df = num(df),
                                   p_value = num(pchisq(test$chisq, df, lower.tail = FALSE)),
                                   groups = arr(groups))))
  } else {
    fit <- coxph(f, data = d, ties = case$ties)
    s <- summary(fit)
    coefficients <- sapply(names(coef(fit)), function(term) {
      if (is.na(coef(fit)[term])) {
        return(obj(list(term = str(term), estimate = "null", std_error = "null",
                        statistic = "null", p_value = "null")))
      }
      row <- s$coefficients[term, ]
      obj(list(term = str(term), estimate = num(row[["coef"]]), std_error = num(row[["se(coef)"]]),
               statistic = num(row[["z"]]), p_value = num(row[["Pr(>|z|)"]])))
    })
    results <- c(results, obj(list(
      id = str(case$id), n = num(fit$n), events = num(fit$nevent),
      log_likelihood = num(fit$loglik[2]), log_likelihood_null = num(fit$loglik[1]),
      iterations = num(fit$iter), likelihood_ratio = num(2 * diff(fit$loglik)),
      wald = num(fit$wald.test), score = num(fit$score),
      df = num(s$logtest[["df"]]), coefficients = arr(coefficients))))
  }
}
writeLines(paste0("{\n\"generated_by\": ", str(paste(R.version.string, "survival",
                                                     packageVersion("survival"))),
                  ",\n\"cases\": ", arr(results), "\n}"), out_file)
