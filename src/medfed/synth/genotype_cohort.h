// A seeded generator of multi-site genotype data for a case-control GWAS: PLINK 1 filesets
// (.bed/.bim/.fam) and a phenotype table per site. Samples descend from two populations in
// site-specific proportions (allele frequencies differ as under Balding-Nichols with F_ST 0.015),
// and the case probability rises with ancestry as well as with a few causal variants: unadjusted
// tests are inflated by population structure, adjusting for `pc1` (an ancestry score, as a first
// genetic principal component would give) removes the inflation. No linkage disequilibrium.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace medfed::synth {

struct GenotypeCohortOptions {
  uint64_t seed = 20240701;
  std::vector<size_t> samples = {600, 500, 400};  // per site
  size_t variants = 6000;
  int chromosomes = 22;
  double missing_rate = 0.005;  // per call
};

struct GenotypeSite {
  std::string bed;  // binary, SNP-major
  std::string bim, fam;
  std::string phenotypes_csv;  // IID, case (0/1), pc1, age, sex
};

// Causal variants are named rs_causal_1 ... (odds ratios 1.9, 1.8, 1.7, 1.5, 1.35 per ALT copy).
std::vector<GenotypeSite> GenerateGenotypeCohort(const GenotypeCohortOptions& options);

}  // namespace medfed::synth
