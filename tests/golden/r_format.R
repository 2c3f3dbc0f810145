# The expectations of src/medfed/core/r_format_test.cc: R's format(), format.pval() and the
# printCoefmat() columns of summary.glm, printed as C++ initialisers.
#   Rscript tests/golden/r_format.R
# Checked with R 4.2.2.
q <- function(x) paste0('"', x, '"', collapse = ", ")
num <- function(x) paste(sprintf("%.17g", x), collapse = ", ")
cases <- list(
  list(c(-3.275568, -0.583374, 0.009249, 0.004265, 0.353457), 4),
  list(c(131.403, -0.259, -1.553, 0.716), 4),
  list(c(1e-10, 1, 1000), 7),
  list(c(123456789, 0.5), 7),
  list(c(0.03779539, 0.55801232, 8.74988612, 1.00929177), 7),
  list(c(2749.719, 2447.145), 5),
  list(c(0, -0.0001234, 5), 4),
  list(c(1e15, 2e15), 7),
  list(c(NaN, 1.5, Inf, -Inf), 7),
  list(c(20841.2345), 5),
  list(c(-9.267, -4.415, 1.347, 2.169, -0.843), 4))
cat("// FormatLikeR\n")
for (case in cases) {
  cat(sprintf("{{%s}, %d, {%s}},\n", num(case[[1]]), case[[2]], q(format(case[[1]], digits = case[[2]]))))
}
pcases <- list(
  c(1e-20, 1.01e-05, 0.1779, 0.03011, 0.39899, 3.63e-05, 2.92e-10, 2.81e-14, 0.00334, 0.31692),
  c(1e-20, 0.796, 0.120, 0.474),
  c(0.5, 0.0004, 0.00004),
  c(1e-300, 1e-17))
cat("// FormatPValuesLikeR (digits 3)\n")
for (p in pcases) cat(sprintf("{{%s}, {%s}},\n", num(p), q(format.pval(p, digits = 3))))
