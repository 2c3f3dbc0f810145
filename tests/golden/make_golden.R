# Produces engine_expected.json: R's answers on the pooled rows for every case in
# engine_cases.csv (glm) and descriptive_cases.csv (summary: mean, sd, quantile type 7;
# crosstab: table()). Run through make_golden.sh, which writes the sites' CSVs with
# `medfed synth` (the generator the C++ tests call in-process) into DATA_DIR/s<seed>_<rows>/.
#
#   Rscript make_golden.R CASES_DIR DATA_DIR OUT_FILE
#
# Checked with R 4.2.2. Collation is C, so factor levels sort in byte order as in medfed.
args <- commandArgs(trailingOnly = TRUE)
cases_dir <- args[1]
data_dir <- args[2]
out_file <- args[3]
invisible(Sys.setlocale("LC_COLLATE", "C"))

num <- function(x) if (length(x) == 0 || is.na(x)) "null" else sprintf("%.17g", x)
str <- function(x) paste0('"', gsub('"', '\\\\"', x), '"')
obj <- function(fields) paste0("{", paste(str(names(fields)), fields, sep = ": ", collapse = ", "), "}")
arr <- function(items) paste0("[", paste(items, collapse = ",\n  "), "]")

pooled <- function(seed, rows) {
  dir <- file.path(data_dir, paste0("s", seed, "_", gsub(";", "_", rows)))
  files <- sort(list.files(dir, pattern = "^colon_[a-z]\\.csv$", full.names = TRUE))
  do.call(rbind, lapply(files, read.csv, na.strings = c("NA", "", "NaN"),
                        stringsAsFactors = FALSE))
}
filtered <- function(d, where) {
  if (is.na(where) || where == "") return(d)
  expression <- gsub(" and ", " & ", gsub(" or ", " | ", where))
  d[which(eval(parse(text = expression), d)), ]
}

glm_cases <- read.csv(file.path(cases_dir, "engine_cases.csv"), stringsAsFactors = FALSE,
                      na.strings = character())
glm_results <- c()
for (i in seq_len(nrow(glm_cases))) {
  case <- glm_cases[i, ]
  d <- filtered(pooled(case$seed, case$rows), case$where)
  fit <- glm(as.formula(case$formula), family = case$family, data = d)
  s <- summary(fit)
  table <- coef(s)
  terms <- names(coef(fit))
  coefficients <- sapply(terms, function(term) {
    if (term %in% rownames(table)) {
      obj(list(term = str(term), estimate = num(table[term, 1]), std_error = num(table[term, 2]),
               statistic = num(table[term, 3]), p_value = num(table[term, 4])))
    } else {
      obj(list(term = str(term), estimate = "null", std_error = "null", statistic = "null",
               p_value = "null"))
    }
  })
  glm_results <- c(glm_results, obj(list(
    id = str(case$id), n = num(nobs(fit)), deviance = num(fit$deviance),
    null_deviance = num(fit$null.deviance), aic = num(fit$aic), iterations = num(fit$iter),
    df_residual = num(fit$df.residual), df_null = num(fit$df.null),
    coefficients = arr(coefficients))))
}

descriptive <- read.csv(file.path(cases_dir, "descriptive_cases.csv"), stringsAsFactors = FALSE,
                        na.strings = character())
descriptive_results <- c()
for (i in seq_len(nrow(descriptive))) {
  case <- descriptive[i, ]
  d <- filtered(pooled(case$seed, case$rows), case$where)
  if (case$kind == "summary") {
    variables <- strsplit(case$variables, ";")[[1]]
    entries <- sapply(variables, function(v) {
      x <- d[[v]]
      q <- quantile(x, c(0.25, 0.5, 0.75), na.rm = TRUE, type = 7)
      obj(list(name = str(v), n = num(sum(!is.na(x))), missing = num(sum(is.na(x))),
               mean = num(mean(x, na.rm = TRUE)), sd = num(sd(x, na.rm = TRUE)),
               q25 = num(q[[1]]), q50 = num(q[[2]]), q75 = num(q[[3]])))
    })
    descriptive_results <- c(descriptive_results,
                             obj(list(id = str(case$id), variables = arr(entries))))
  } else {
    if (case$col_variable == "") {
      tab <- table(d[[case$row_variable]])
      rows <- names(tab)
      counts <- sapply(seq_along(rows), function(r) paste0("[", tab[[r]], "]"))
      cols <- c("n")
    } else {
      tab <- table(d[[case$row_variable]], d[[case$col_variable]])
      rows <- rownames(tab)
      cols <- colnames(tab)
      counts <- sapply(seq_along(rows), function(r) paste0("[", paste(tab[r, ], collapse = ", "), "]"))
    }
    descriptive_results <- c(descriptive_results, obj(list(
      id = str(case$id), rows = paste0("[", paste(str(rows), collapse = ", "), "]"),
      cols = paste0("[", paste(str(cols), collapse = ", "), "]"),
      counts = paste0("[", paste(counts, collapse = ", "), "]"))))
  }
}

writeLines(paste0("{\n\"generated_by\": ", str(R.version.string), ",\n\"glm\": ",
                  arr(glm_results), ",\n\"descriptive\": ", arr(descriptive_results), "\n}"),
           out_file)
