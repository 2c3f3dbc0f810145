# Post-processes plink1.9's simulated fileset (sim.bed/bim/fam) into the test's pooled fileset:
#  - variants spread over chromosomes 1-22 at increasing positions;
#  - 1% of genotype calls set missing (and one variant with 30% missing, one monomorphic);
#  - a phenotype table: case/control (1/2), a quantitative trait depending on two causal
#    variants and the covariates, a population covariate pc1 that shifts risk, and age.
# Usage: Rscript make_gwas_data.R DIR   (reads DIR/sim.*, writes DIR/pooled.* and DIR/pheno.csv)
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
set.seed(20240901)
fam <- read.table(file.path(dir, "sim.fam"), stringsAsFactors = FALSE)
bim <- read.table(file.path(dir, "sim.bim"), stringsAsFactors = FALSE)
n <- nrow(fam); m <- nrow(bim); bytes <- ceiling(n / 4)
raw <- readBin(file.path(dir, "sim.bed"), "raw", 3 + m * bytes)
codes <- matrix(0L, nrow = n, ncol = m)
for (v in seq_len(m)) {
  b <- as.integer(raw[3 + (v - 1) * bytes + seq_len(bytes)])
  all <- as.vector(rbind(b %% 4, (b %/% 4) %% 4, (b %/% 16) %% 4, (b %/% 64) %% 4))
  codes[, v] <- all[seq_len(n)]
}
# Missing calls (code 1).
missing <- matrix(runif(n * m) < 0.01, n, m)
codes[missing] <- 1L
codes[runif(n) < 0.3, 10] <- 1L       # a variant with a 30% missing rate (fails --geno 0.1)
codes[, 20] <- 3L                     # a monomorphic variant
bim$V1 <- rep(1:22, length.out = m)[order(rep(1:22, length.out = m))]
bim$V4 <- ave(seq_len(m), bim$V1, FUN = function(i) seq_along(i) * 15000 + 1000)
out <- raw[1:3]
packed <- vector("list", m)
for (v in seq_len(m)) {
  x <- c(codes[, v], rep(0L, bytes * 4 - n))
  q <- matrix(x, nrow = 4)
  packed[[v]] <- as.raw(q[1, ] + 4 * q[2, ] + 16 * q[3, ] + 64 * q[4, ])
}
writeBin(c(out, unlist(packed)), file.path(dir, "pooled.bed"))
write.table(bim, file.path(dir, "pooled.bim"), quote = FALSE, row.names = FALSE, col.names = FALSE, sep = "\t")
write.table(fam, file.path(dir, "pooled.fam"), quote = FALSE, row.names = FALSE, col.names = FALSE)
dosage <- function(v) { d <- c(2, NA, 1, 0)[codes[, v] + 1]; d }
causal <- grep("^causal", bim$V2)
g1 <- dosage(causal[1]); g2 <- dosage(causal[2])
g1[is.na(g1)] <- mean(g1, na.rm = TRUE); g2[is.na(g2)] <- mean(g2, na.rm = TRUE)
pc1 <- round(rnorm(n) + 0.4 * (fam$V6 == 2), 4)
age <- round(rnorm(n, 55, 9))
qt <- round(10 + 0.6 * g1 - 0.4 * g2 + 0.3 * pc1 + 0.02 * age + rnorm(n), 4)
pheno <- data.frame(IID = fam$V2, cc = fam$V6, qt = qt, pc1 = pc1, age = age)
pheno$age[c(7, 300)] <- NA            # two samples without age
write.csv(pheno, file.path(dir, "pheno.csv"), row.names = FALSE, quote = FALSE, na = "NA")
