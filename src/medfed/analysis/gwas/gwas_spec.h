// Pieces shared by the two halves of the `gwas` analysis (docs/protocols/gwas.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "medfed/analysis/engine/analysis_spec.h"
#include "medfed/core/status.h"
#include "medfed/privacy/differential_privacy.h"
#include "medfed/table/formula.h"

namespace medfed::analysis::gwas {

enum class Test { kLogistic, kLinear, kAllelic, kTrend, kQc };

struct GwasSpec {
  std::string genotypes;  // name of the site's genotype set
  std::string table;
  std::string sample_id;
  std::string phenotype;
  std::vector<std::string> covariates;
  std::string where;
  Test test = Test::kLogistic;
  std::string output;
  double maf = 0, geno = 1, hwe = 0;  // filters (off by default)
  int top = 10;
  size_t block_size = 8192;                       // variants per counting round
  std::vector<std::string> extract;               // variant IDs to test (plink --extract); empty: all
  std::optional<privacy::PrivacyTarget> privacy;  // noised counts (allelic and trend tests only)

  bool case_control() const { return test != Test::kLinear && test != Test::kQc; }
  bool regression() const { return test == Test::kLogistic || test == Test::kLinear; }
  // "phenotype ~ covariates" (or "~ 1"), evaluated by the model-frame machinery.
  table::Formula formula;
};

StatusOr<GwasSpec> ParseGwasSpec(const AnalysisSpec& spec);
const char* TestName(Test test);

// Linear round: per variant, with y and covariates centred by the pooled means:
//   n_missing, sum g, sum g^2, sum g y, sum g c (p),
//   sum_missing y, sum_missing y^2, sum_missing c (p), sum_missing c y (p), sum_missing c c' (tri)
inline size_t LinearValuesPerVariant(size_t p) { return 4 + p + 2 + 2 * p + p * (p + 1) / 2; }

// Logistic round: per variant, n, log-likelihood, score (q) and information (upper triangle of
// q x q), q = 2 + p parameters (intercept, allele-1 dosage, covariates).
inline size_t LogisticValuesPerVariant(size_t q) { return 2 + q + q * (q + 1) / 2; }

// Differential privacy (docs/privacy/differential-privacy.md). A noised GWAS releases, as the
// sites' noised sums, the design round's case and control counts and each tested variant's
// counts; one person is in one cell of each, so each is a noise group of sensitivity 1: the
// design's cases and controls (values 1 and 2 of the design round), and per variant the
// genotype classes of cases and controls with missing (8 values) and, only when the HWE filter
// needs them, the founders' classes (3 values; zeros otherwise). The target's cost is split
// evenly over all these groups, so a counting block of k variants carries the share k *
// groups-per-variant / NoisedGroups of it.
inline constexpr privacy::NoiseGroup kDesignNoise = {1, 2, 1};
size_t NoiseGroupsPerVariant(const GwasSpec& spec);
size_t NoisedGroups(const GwasSpec& spec, size_t variants);
// The groups of a counting round of `variants` variants.
std::vector<privacy::NoiseGroup> CountNoise(const GwasSpec& spec, size_t variants);

}  // namespace medfed::analysis::gwas
