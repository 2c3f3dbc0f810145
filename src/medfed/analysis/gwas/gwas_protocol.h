// The round protocol of the `gwas` analysis, shared by its site and hub halves
// (docs/protocols/gwas.md):
//
//   samples       sites match genotyped samples to table rows; disclose levels and phenotype values
//   variants      each site's variant-list digest (identical lists need one copy)
//   variant_list  the lists the hub asked for, as text lines
//   canonical     the harmonised variant list (or "identity"); sites map their variants to it
//   design        analysis samples, cases, controls, sum of y and of each covariate
//   moments       (linear) centred sums of y, y^2, covariates, c*y and c*c'
//   null          (logistic with covariates) IRLS sums of the null model
//   counts        per variant of a block, genotype classes of cases, controls and founders
//   linear        per requested variant, the sums of the per-variant regression
//   logistic      per requested variant, the Newton sums at the hub's coefficients
#pragma once

#include <array>
#include <vector>

#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/round_protocol.h"

namespace medfed::analysis::gwas {

class GwasSite;
class GwasHub;
const Protocol<GwasSite, GwasHub>& GwasProtocol();

// A round whose sites send nothing but disclosed sets.
struct EmptySums {
  template <class Fields>
  void Layout(Fields&) {}
};

struct SampleSums {
  double matched = 0;        // in the genotypes and the table
  double genotype_only = 0;  // genotyped, not in the table
  double table_only = 0;     // in the table, not genotyped
  double missing_values = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("matched", matched);
    fields("genotype_only", genotype_only);
    fields("table_only", table_only);
    fields("missing_values", missing_values);
  }
};

struct VariantCountSums {
  double variants = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("variants", variants);
  }
};

// With privacy only cases and controls are sent (noised); the rest are zero and there are no
// covariate sums.
struct DesignSums {
  double samples = 0;
  double cases = 0;
  double controls = 0;
  double sum_y = 0;
  std::vector<double> covariate_sums;  // p
  template <class Fields>
  void Layout(Fields& fields) {
    fields("samples", samples);
    fields("cases", cases);
    fields("controls", controls);
    fields("sum_y", sum_y);
    fields("covariate_sums", covariate_sums);
  }
};

// Centred sums for the linear test.
struct LinearMomentSums {
  double sum_y = 0;
  double sum_y2 = 0;
  std::vector<double> sum_c;   // p
  std::vector<double> sum_cy;  // p
  std::vector<double> sum_cc;  // upper triangle of c c', row by row
  template <class Fields>
  void Layout(Fields& fields) {
    fields("sum_y", sum_y);
    fields("sum_y2", sum_y2);
    fields("sum_c", sum_c);
    fields("sum_cy", sum_cy);
    fields("sum_cc", sum_cc);
  }
};

struct NullModelSums {
  IrlsField irls;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("irls", irls);
  }
};

// Genotype classes by ALT dosage: 0, 1, 2 and missing among cases and among controls (all
// analysis samples are "cases" for a quantitative trait), and 0, 1, 2 among founders (for the
// Hardy-Weinberg test; zero under privacy without an HWE filter).
struct VariantCounts {
  std::array<double, 4> cases{};
  std::array<double, 4> controls{};
  std::array<double, 3> founders{};
  template <class Fields>
  void Layout(Fields& fields) {
    fields("cases", cases);
    fields("controls", controls);
    fields("founders", founders);
  }
};
inline constexpr size_t kCountsPerVariant = 11;  // the numbers of one VariantCounts

struct BlockCountSums {
  std::vector<VariantCounts> variants;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("variants", variants);
  }
};

// Per requested variant, a block of LinearValuesPerVariant(p) or LogisticValuesPerVariant(q)
// numbers (gwas_spec.h says what each holds); the hot loops fill them in place.
struct RegressionSums {
  std::vector<double> per_variant;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("per_variant", per_variant);
  }
};

inline constexpr Phase<SampleSums> kSamples{"samples"};
inline constexpr Phase<VariantCountSums> kVariants{"variants"};
inline constexpr Phase<EmptySums> kVariantList{"variant_list"};
inline constexpr Phase<EmptySums> kCanonical{"canonical"};
inline constexpr Phase<DesignSums> kDesign{"design"};
inline constexpr Phase<LinearMomentSums> kMoments{"moments"};
inline constexpr Phase<NullModelSums> kNull{"null"};
inline constexpr Phase<BlockCountSums> kCounts{"counts"};
inline constexpr Phase<RegressionSums> kLinear{"linear"};
inline constexpr Phase<RegressionSums> kLogistic{"logistic"};

}  // namespace medfed::analysis::gwas
