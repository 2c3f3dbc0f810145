# R's exact per-variant logistic regressions for the GWAS test (plink2 fits in single precision,
# so its estimates differ from the exact maximum likelihood by up to ~3e-4 standard errors).
#   Rscript make_gwas_r_reference.R RAW PHENO OUT_DIR
# RAW: plink2 --export A of the pooled fileset (it counts the REF allele, .bim column 6); writes
# logistic_r.tsv (y ~ g) and logistic_pc1_r.tsv (y ~ g + pc1): ID, BETA (per REF copy), SE, Z, P.
args <- commandArgs(trailingOnly = TRUE)
raw <- read.table(args[1], header = TRUE, check.names = FALSE)
pheno <- read.csv(args[2])
out <- args[3]
index <- match(raw$IID, pheno$IID)
y <- pheno$cc[index] - 1
pc1 <- pheno$pc1[index]
variants <- names(raw)[-(1:6)]
fit <- function(formula) {
  rows <- lapply(variants, function(v) {
    g <- raw[[v]]
    f <- suppressWarnings(glm(formula, family = binomial, data = data.frame(y = y, g = g, pc1 = pc1),
                              control = glm.control(epsilon = 1e-14, maxit = 100)))
    s <- summary(f)$coefficients
    if (!("g" %in% rownames(s))) return(c(sub("_[^_]*$", "", v), NA, NA, NA, NA))
    c(sub("_[^_]*$", "", v), sprintf("%.12g", s["g", ]))
  })
  table <- do.call(rbind, rows)
  colnames(table) <- c("ID", "BETA", "SE", "Z", "P")
  table
}
write.table(fit(y ~ g), file.path(out, "logistic_r.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
write.table(fit(y ~ g + pc1), file.path(out, "logistic_pc1_r.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
