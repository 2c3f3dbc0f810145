#!/usr/bin/env bash
# Regenerates the GWAS test data and plink's reference outputs (needs `make deps-reference`).
#   tests/golden/gwas/make_gwas_golden.sh
#
# 1. plink 1.9 --simulate: 1200 samples (600 cases), 2400 null and 8 causal variants, seed 11.
# 2. make_gwas_data.R: chromosomes 1-22, missing calls, a monomorphic variant, phenotype table.
# 3. Three sites (400 / 500 / 300 samples, interleaved): site_b's .bim lists every variant's
#    alleles in the other order (genotypes recoded to match), site_c is also written as VCF.
# 4. References on the pooled fileset: plink2 --glm (logistic and linear, with and without
#    covariates, hide-covar, no-firth), plink 1.9 --assoc and --model trend-only, plink2 --freq,
#    --hardy, --missing, and the variants kept by --maf 0.05 --geno 0.1 --hwe 1e-6; and R's
#    exact glm() per variant (make_gwas_r_reference.R), since plink2 fits in single precision.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
printf '2400 null 0.05 0.95 1.00 1.00\n8 causal 0.15 0.50 1.35 mult\n' > sim.txt
plink1.9 --simulate sim.txt --simulate-ncases 600 --simulate-ncontrols 600 \
  --simulate-prevalence 0.1 --seed 11 --make-bed --out sim >/dev/null
Rscript "$here/make_gwas_data.R" "$work"
# Sites: every third sample pattern with unequal sizes.
awk '{ r = NR % 12; site = (r < 4) ? "a" : (r < 9 ? "b" : "c"); print $1, $2 > ("keep_" site ".txt") }' pooled.fam
for s in a b c; do
  plink1.9 --bfile pooled --keep "keep_$s.txt" --make-bed --keep-allele-order --out "site_$s" >/dev/null
done
# site_b: swap the allele columns, and the genotype codes with them (00 <-> 11).
Rscript -e '
bim <- read.table("site_b.bim", stringsAsFactors = FALSE); tmp <- bim$V5; bim$V5 <- bim$V6; bim$V6 <- tmp
write.table(bim, "site_b.bim", quote = FALSE, row.names = FALSE, col.names = FALSE, sep = "\t")
n <- nrow(read.table("site_b.fam")); m <- nrow(bim); bytes <- ceiling(n / 4)
raw <- readBin("site_b.bed", "raw", 3 + m * bytes); body <- as.integer(raw[-(1:3)])
swap <- function(b) { out <- 0; for (k in 0:3) { c <- (b %/% 4^k) %% 4; c <- c(3, 1, 2, 0)[c + 1]; out <- out + c * 4^k }; out }
table <- sapply(0:255, swap); writeBin(c(raw[1:3], as.raw(table[body + 1])), "site_b.bed")'
plink2 --bfile site_c --export vcf bgz id-paste=iid --out site_c >/dev/null
# References.
awk -F, 'NR > 1 { print $1, $1, $2 }' pheno.csv | (echo "#FID IID cc"; cat) > cc.txt
awk -F, 'NR > 1 { print $1, $1, $3 }' pheno.csv | (echo "#FID IID qt"; cat) > qt.txt
awk -F, 'NR > 1 { print $1, $1, $4, $5 }' pheno.csv | (echo "#FID IID pc1 age"; cat) > covar.txt
plink2 --bfile pooled --pheno cc.txt --glm allow-no-covars no-firth --out ref_logistic >/dev/null
plink2 --bfile pooled --pheno cc.txt --covar covar.txt --covar-name pc1 --glm no-firth hide-covar --out ref_logistic_pc1 >/dev/null
plink2 --bfile pooled --pheno qt.txt --glm allow-no-covars --out ref_linear >/dev/null
plink2 --bfile pooled --pheno qt.txt --covar covar.txt --glm hide-covar --out ref_linear_covars >/dev/null
plink1.9 --bfile pooled --assoc --allow-no-sex --out ref_assoc >/dev/null
plink1.9 --bfile pooled --model trend-only --allow-no-sex --out ref_trend >/dev/null
plink2 --bfile pooled --freq --hardy --missing --out ref_qc >/dev/null
plink2 --bfile pooled --maf 0.05 --geno 0.1 --hwe 1e-6 --write-snplist --out ref_filtered >/dev/null
plink2 --bfile pooled --export A --out pooled_alt >/dev/null
Rscript "$here/make_gwas_r_reference.R" pooled_alt.raw pheno.csv "$work"
mkdir -p "$here/data" "$here/expected"
cp site_a.{bed,bim,fam} site_b.{bed,bim,fam} site_c.{bed,bim,fam} site_c.vcf.gz pheno.csv "$here/data/"
cp ref_logistic.cc.glm.logistic "$here/expected/logistic.tsv"
cp ref_logistic_pc1.cc.glm.logistic "$here/expected/logistic_pc1.tsv"
cp ref_linear.qt.glm.linear "$here/expected/linear.tsv"
cp ref_linear_covars.qt.glm.linear "$here/expected/linear_covars.tsv"
cp ref_assoc.assoc "$here/expected/assoc.txt"
cp ref_trend.model "$here/expected/trend.txt"
cp ref_qc.afreq ref_qc.hardy ref_qc.vmiss "$here/expected/"
cp ref_filtered.snplist "$here/expected/filtered.snplist"
cp logistic_r.tsv logistic_pc1_r.tsv "$here/expected/"
echo "wrote $here/data and $here/expected" >&2
