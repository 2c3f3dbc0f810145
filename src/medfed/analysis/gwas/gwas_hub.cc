#include "medfed/analysis/gwas/gwas_hub.h"

#include <cmath>
#include <set>

#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/noised_release.h"
#include "medfed/core/text.h"
#include "medfed/genomics/variant_harmonisation.h"
#include "medfed/stats/distributions.h"
#include "medfed/stats/gwas_tests.h"

namespace medfed::analysis::gwas {
namespace {

std::string OutputPath(const std::string& directory, const std::string& output) {
  if (!output.empty() && output[0] == '/') return output;
  return directory.empty() || directory == "." ? output : directory + "/" + output;
}

}  // namespace

GwasHub::GwasHub(GwasSpec spec, const HubContext& context)
    : ProtocolHub(GwasProtocol()), spec_(std::move(spec)), context_(context) {}

StatusOr<RoundParameters> GwasHub::Begin() { return Ask(kSamples); }

StatusOr<HubStep> GwasHub::AfterSamples(SampleSums& pooled, const PooledRound& round) {
  samples_ = pooled.matched;
  genotype_only_ = pooled.genotype_only;
  table_only_ = pooled.table_only;
  missing_values_ = pooled.missing_values;
  if (samples_ == 0 && !spec_.privacy) {
    return InvalidArgument("no sample is in both a site's genotypes and its table (check sample_id = \"" +
                           spec_.sample_id + "\" against the .fam / VCF sample names)");
  }
  ASSIGN_OR_RETURN(levels_, UniteDisclosedSchemas(round));
  std::set<std::string> values;
  for (const auto& disclosed : round.disclosed) {
    auto found = disclosed.find("phenotype_values");
    if (found != disclosed.end()) values.insert(found->second.begin(), found->second.end());
  }
  // plink's convention: with any 2, 1 = control and 2 = case (0 and -9 missing).
  coding_ = values.count("2") ? "12" : "01";
  return Next(kVariants);
}

StatusOr<HubStep> GwasHub::AfterVariants(VariantCountSums&, const PooledRound& round) {
  std::set<std::string> digests;
  for (const auto& disclosed : round.disclosed) {
    auto found = disclosed.find("variant_digest");
    if (found != disclosed.end()) digests.insert(found->second.begin(), found->second.end());
  }
  identical_lists_ = digests.size() == 1;
  RoundParameters parameters;
  // With identical lists one copy is enough; otherwise every site's is needed.
  parameters.texts["from"] = identical_lists_ ? std::vector<std::string>{round.sites[0]} : round.sites;
  return Next(kVariantList, std::move(parameters));
}

StatusOr<HubStep> GwasHub::AfterVariantList(EmptySums&, const PooledRound& round) {
  std::vector<std::vector<genomics::VariantRecord>> lists;
  for (const auto& disclosed : round.disclosed) {
    std::vector<genomics::VariantRecord> list;
    auto found = disclosed.find("variant_lines");
    if (found != disclosed.end()) {
      list.reserve(found->second.size());
      for (const auto& line : found->second) {
        ASSIGN_OR_RETURN(genomics::VariantRecord variant, genomics::ParseVariantLine(line));
        list.push_back(std::move(variant));
      }
    }
    lists.push_back(std::move(list));
  }
  if (identical_lists_) {
    canonical_ = std::move(lists[0]);
    variants_in_files_ = canonical_.size();
    for (const auto& variant : canonical_) {
      if (genomics::IsStrandAmbiguous(variant)) strand_ambiguous_.push_back(genomics::VariantKey(variant));
    }
  } else {
    genomics::Harmonisation harmonised = genomics::HarmoniseVariants(lists, round.sites);
    variants_in_files_ = lists[0].size();
    canonical_ = std::move(harmonised.canonical);
    left_out_ = std::move(harmonised.left_out);
    strand_ambiguous_ = std::move(harmonised.strand_ambiguous);
  }
  if (canonical_.empty()) return InvalidArgument("the sites share no variant (matched by ID with the same alleles)");
  variants_shared_ = canonical_.size();
  if (!spec_.extract.empty()) RETURN_IF_ERROR(Extract());
  RoundParameters parameters;
  if (identical_lists_ && spec_.extract.empty()) {
    parameters.numbers["identity"] = {1};
  } else {
    auto& lines = parameters.texts["canonical"];
    for (const auto& variant : canonical_) lines.push_back(genomics::VariantLine(variant));
  }
  return Next(kCanonical, std::move(parameters));
}

StatusOr<HubStep> GwasHub::AfterCanonical(EmptySums&, const PooledRound&) {
  RoundParameters parameters;
  parameters.texts["coding"] = {coding_};
  PutGlobalLevels(levels_, parameters);
  DesignSums shape;
  if (!spec_.privacy) {
    // The covariate columns of the design (without the intercept), as every site builds it.
    ASSIGN_OR_RETURN(table::DesignLayout layout, table::MakeDesignLayout(spec_.formula, levels_));
    shape.covariate_sums.resize(layout.columns() - 1);
  }
  return Next(kDesign, std::move(parameters), std::move(shape));
}

StatusOr<HubStep> GwasHub::AfterDesign(DesignSums& pooled, const PooledRound&) {
  samples_ = pooled.samples;
  cases_ = pooled.cases;
  controls_ = pooled.controls;
  covariates_ = pooled.covariate_sums.size();
  if (spec_.privacy) {
    // The noised case and control counts, rounded and kept non-negative (post-processing).
    cases_ = std::max(0.0, std::nearbyint(cases_));
    controls_ = std::max(0.0, std::nearbyint(controls_));
    samples_ = cases_ + controls_;
    ASSIGN_OR_RETURN(privacy::NoiseCalibration noise,
                     PooledNoise({{0, 1, 1}}, *spec_.privacy, context_.sites.size(),
                                 1.0 / static_cast<double>(NoisedGroups(spec_, canonical_.size()))));
    count_noise_sd_ = std::sqrt(noise.pooled_variance[0]);
  }
  if (spec_.case_control() && (cases_ == 0 || controls_ == 0)) {
    return InvalidArgument("the phenotype has " + FormatSignificant(cases_, 10) + " cases and " +
                           FormatSignificant(controls_, 10) + " controls in all; a case/control test needs both");
  }
  means_ = {pooled.sum_y / samples_};
  for (double sum : pooled.covariate_sums) means_.push_back(sum / samples_);
  RETURN_IF_ERROR(output_.Open(OutputPath(context_.output_directory, spec_.output), spec_.test, spec_.top));
  progress_ = std::make_unique<Progress>("gwas " + std::string(TestName(spec_.test)), canonical_.size(), "variants");
  if (spec_.test == Test::kLinear) {
    RoundParameters parameters;
    parameters.numbers["means"] = means_;
    LinearMomentSums shape;
    shape.sum_c.resize(covariates_);
    shape.sum_cy.resize(covariates_);
    shape.sum_cc.resize(covariates_ * (covariates_ + 1) / 2);
    return Next(kMoments, std::move(parameters), std::move(shape));
  }
  if (spec_.test == Test::kLogistic && covariates_ > 0) {
    null_.emplace(stats::GlmFamily::kBinomial, covariates_ + 1);
    return Next(kNull, {}, NullShape());
  }
  return StartBlock();
}

NullModelSums GwasHub::NullShape() const {
  NullModelSums shape;
  shape.irls = IrlsField::Shaped(covariates_ + 1);
  return shape;
}

StatusOr<HubStep> GwasHub::AfterMoments(LinearMomentSums& pooled, const PooledRound&) {
  const auto p = static_cast<Eigen::Index>(covariates_);
  sum_y_ = pooled.sum_y;
  sum_y2_ = pooled.sum_y2;
  sum_c_ = Eigen::Map<const Eigen::VectorXd>(pooled.sum_c.data(), p);
  sum_cy_ = Eigen::Map<const Eigen::VectorXd>(pooled.sum_cy.data(), p);
  sum_cc_ = Eigen::MatrixXd(p, p);
  size_t t = 0;
  for (Eigen::Index a = 0; a < p; ++a) {
    for (Eigen::Index b = a; b < p; ++b) sum_cc_(a, b) = sum_cc_(b, a) = pooled.sum_cc[t++];
  }
  return StartBlock();
}

StatusOr<HubStep> GwasHub::AfterNull(NullModelSums& pooled, const PooledRound&) {
  ASSIGN_OR_RETURN(bool more, null_->Update(pooled.irls.sums));
  if (more) {
    RoundParameters parameters;
    const Eigen::VectorXd& beta = null_->point();
    parameters.numbers["beta"] = std::vector<double>(beta.data(), beta.data() + beta.size());
    return Next(kNull, std::move(parameters), NullShape());
  }
  null_coefficients_ = null_->Result().coefficients;
  for (Eigen::Index j = 0; j < null_coefficients_.size(); ++j) {
    if (std::isnan(null_coefficients_[j])) {
      return InvalidArgument("covariate " + std::to_string(j) + " is constant or collinear with the others; remove it");
    }
  }
  return StartBlock();
}

// As plink's --extract: only the listed IDs are tested; IDs the sites do not share are reported.
Status GwasHub::Extract() {
  const std::set<std::string> wanted(spec_.extract.begin(), spec_.extract.end());
  std::set<std::string> found, kept_keys;
  std::vector<genomics::VariantRecord> kept;
  for (auto& variant : canonical_) {
    if (!wanted.count(variant.id)) continue;
    found.insert(variant.id);
    kept_keys.insert(genomics::VariantKey(variant));
    kept.push_back(std::move(variant));
  }
  canonical_ = std::move(kept);
  for (const auto& id : wanted) {
    if (!found.count(id)) not_extracted_.push_back(id);
  }
  std::vector<std::string> ambiguous;
  for (auto& key : strand_ambiguous_) {
    if (kept_keys.count(key)) ambiguous.push_back(std::move(key));
  }
  strand_ambiguous_ = std::move(ambiguous);
  if (canonical_.empty()) {
    return InvalidArgument("none of the " + std::to_string(wanted.size()) +
                           " variant IDs in extract is among the variants the sites share (e.g. " +
                           QuoteForMessage(*wanted.begin()) + ")");
  }
  return absl::OkStatus();
}

StatusOr<HubStep> GwasHub::StartBlock() {
  if (block_first_ >= canonical_.size()) {
    RETURN_IF_ERROR(output_.Commit());
    progress_->Finish();
    return HubStep::Finish(Result());
  }
  block_count_ = std::min(spec_.block_size, canonical_.size() - block_first_);
  RoundParameters parameters;
  parameters.numbers["first"] = {static_cast<double>(block_first_)};
  parameters.numbers["count"] = {static_cast<double>(block_count_)};
  BlockCountSums shape;
  shape.variants.resize(block_count_);
  return Next(kCounts, std::move(parameters), std::move(shape));
}

// A variant's row is released only if no count it shows (or lets one recompute) is between 1
// and min_cell_count - 1: the A1 allele counts in cases and controls for the allelic test (F_A,
// F_U), the genotype classes for the trend test, the minor allele count for QC and the
// regressions, and the founders' genotype classes behind the HWE p-value.
bool GwasHub::RevealsSmallCount(const std::array<double, 3>& a1_cases, const std::array<double, 3>& a1_controls,
                                const std::array<double, 3>& a1_all, const std::array<double, 3>& founders) const {
  const double min_cell = context_.policy.min_cell_count;
  auto small = [min_cell](double count) { return privacy::IsSmallCount(count, static_cast<int>(min_cell)); };
  auto allele_count = [](const std::array<double, 3>& dosage) { return 2 * dosage[2] + dosage[1]; };
  switch (spec_.test) {
    case Test::kAllelic:
      return small(allele_count(a1_cases)) || small(allele_count(a1_controls));
    case Test::kTrend:
      for (size_t k = 0; k < 3; ++k) {
        if (small(a1_cases[k]) || small(a1_controls[k])) return true;
      }
      return false;
    case Test::kQc:
      return small(allele_count(a1_all)) || small(founders[0]) || small(founders[1]) || small(founders[2]);
    case Test::kLogistic:
      return small(allele_count(a1_cases)) || small(allele_count(a1_controls));
    case Test::kLinear:
      return small(allele_count(a1_all));
  }
  return false;
}

StatusOr<HubStep> GwasHub::AfterCounts(BlockCountSums& pooled, const PooledRound&) {
  pending_.clear();
  const double count_noise_variance = count_noise_sd_ * count_noise_sd_;  // 0 without privacy
  for (size_t k = 0; k < block_count_; ++k) {
    const size_t v = block_first_ + k;
    // Noised counts are rounded and kept non-negative (post-processing, which costs no privacy).
    auto released = [this](double value) { return spec_.privacy ? std::max(0.0, std::nearbyint(value)) : value; };
    const VariantCounts& counts = pooled.variants[k];
    // Dosage counts (0, 1, 2) of cases, of controls and of founders.
    const std::array<double, 3> cases = {released(counts.cases[0]), released(counts.cases[1]),
                                         released(counts.cases[2])};
    const std::array<double, 3> controls = {released(counts.controls[0]), released(counts.controls[1]),
                                            released(counts.controls[2])};
    const std::array<double, 3> founders = {released(counts.founders[0]), released(counts.founders[1]),
                                            released(counts.founders[2])};
    const double missing = released(counts.cases[3]) + released(counts.controls[3]);
    std::array<double, 3> all = {cases[0] + controls[0], cases[1] + controls[1], cases[2] + controls[2]};
    const double called = all[0] + all[1] + all[2];
    // QC on the pooled counts, as plink's --geno, --hwe (founders) and --maf.
    if (called + missing > 0 && missing / (called + missing) > spec_.geno) {
      ++filtered_geno_;
      continue;
    }
    if (spec_.hwe > 0 && stats::HardyWeinbergExactP(static_cast<int>(founders[2]), static_cast<int>(founders[1]),
                                                    static_cast<int>(founders[0])) < spec_.hwe) {
      ++filtered_hwe_;
      continue;
    }
    const double alt_frequency = called > 0 ? (2 * all[2] + all[1]) / (2 * called) : 0;
    if (spec_.maf > 0 && std::min(alt_frequency, 1 - alt_frequency) < spec_.maf) {
      ++filtered_maf_;
      continue;
    }
    // As plink2 --glm and plink 1.9 --assoc, A1 is the minor allele (ALT unless ALT is the
    // major allele); effects are for A1, statistics do not depend on it.
    const bool a1_is_ref = alt_frequency > 0.5;
    const genomics::VariantRecord& variant = canonical_[v];
    const std::string& a1 = a1_is_ref ? variant.allele2 : variant.allele1;
    const std::string observed = std::to_string(static_cast<int64_t>(called));
    std::array<double, 3> a1_cases = cases, a1_controls = controls, a1_all = all;
    if (a1_is_ref) {
      std::swap(a1_cases[0], a1_cases[2]);
      std::swap(a1_controls[0], a1_controls[2]);
      std::swap(a1_all[0], a1_all[2]);
    }
    // Noised counts need no small-count rule: the noise is what protects them.
    if (!spec_.privacy && RevealsSmallCount(a1_cases, a1_controls, a1_all, founders)) {
      ++filtered_small_;
      continue;
    }
    const int classes = (all[0] > 0) + (all[1] > 0) + (all[2] > 0);
    switch (spec_.test) {
      case Test::kAllelic: {
        // Noised counts: the statistic's variance includes the noise's (stats/gwas_tests.h).
        stats::AllelicTest test = stats::NoisedAllelicChiSquare(a1_cases, a1_controls, count_noise_variance);
        RETURN_IF_ERROR(
            output_.Write(variant, a1,
                          {observed, PlinkNumber(test.case_frequency), PlinkNumber(test.control_frequency),
                           PlinkNumber(test.chi_square), PlinkNumber(test.p_value), PlinkNumber(test.odds_ratio)},
                          test.p_value, test.chi_square));
        continue;
      }
      case Test::kQc: {
        const double hwe = stats::HardyWeinbergExactP(static_cast<int>(founders[2]), static_cast<int>(founders[1]),
                                                      static_cast<int>(founders[0]));
        RETURN_IF_ERROR(
            output_.Write(variant, a1,
                          {PlinkNumber(alt_frequency), observed, std::to_string(static_cast<int64_t>(missing)),
                           PlinkNumber(missing / (called + missing)), PlinkNumber(hwe)},
                          hwe, alt_frequency));
        continue;
      }
      case Test::kTrend: {
        stats::TrendTest test = stats::NoisedCochranArmitage(cases, controls, count_noise_variance);
        RETURN_IF_ERROR(output_.Write(variant, a1, {observed, PlinkNumber(test.chi_square), PlinkNumber(test.p_value)},
                                      test.p_value, test.chi_square));
        continue;
      }
      case Test::kLogistic:
      case Test::kLinear:
        break;
    }
    Pending pending;
    pending.variant = v;
    pending.observed = called;
    pending.a1_is_ref = a1_is_ref;
    if (classes <= 1) {
      pending.error = "CONST_OMITTED_ALLELE";
    } else if (spec_.test == Test::kLogistic) {
      const double ref_cases = 2 * cases[0] + cases[1], ref_controls = 2 * controls[0] + controls[1];
      const double alt_cases = 2 * cases[2] + cases[1], alt_controls = 2 * controls[2] + controls[1];
      if (ref_cases == 0 || ref_controls == 0) {
        pending.error = "SEPARATION,REF";
      } else if (alt_cases == 0 || alt_controls == 0) {
        pending.error = "SEPARATION,ALT1";
      } else if (covariates_ == 0) {
        // Intercept and dosage only: the counts are sufficient statistics.
        stats::RegressionResult fit = stats::GroupedLogistic(a1_all, a1_cases);
        if (!fit.ok) {
          pending.error = "LOGISTIC_CONVERGE_FAIL";
        } else {
          pending.beta = fit.beta;
          pending.std_error = fit.std_error;
          pending.statistic = fit.statistic;
          pending.p_value = fit.p_value;
        }
        pending.done = true;
      }
    }
    if (!pending.error.empty()) pending.done = true;
    pending_.push_back(std::move(pending));
  }
  bool regressions = false;
  for (const auto& pending : pending_) regressions = regressions || !pending.done;
  if (!regressions) return FinishBlock();
  if (spec_.test == Test::kLinear) {
    RoundParameters parameters;
    parameters.numbers["means"] = means_;
    auto& variants = parameters.numbers["variants"];
    for (const auto& pending : pending_) {
      if (!pending.done) variants.push_back(static_cast<double>(pending.variant));
    }
    RegressionSums shape;
    shape.per_variant.resize(variants.size() * LinearValuesPerVariant(covariates_));
    return Next(kLinear, std::move(parameters), std::move(shape));
  }
  const auto q = static_cast<Eigen::Index>(covariates_ + 2);
  for (auto& pending : pending_) {
    if (pending.done) continue;
    // Start from the null fit with no dosage effect: (intercept, dosage, covariates).
    Eigen::VectorXd start = Eigen::VectorXd::Zero(q);
    start[0] = null_coefficients_[0];
    for (Eigen::Index j = 2; j < q; ++j) start[j] = null_coefficients_[j - 1];
    pending.newton.emplace(std::move(start), 1);
  }
  return LogisticRound();
}

StatusOr<HubStep> GwasHub::AfterLinear(RegressionSums& pooled, const PooledRound&) {
  const size_t p = covariates_;
  const size_t per = LinearValuesPerVariant(p);
  const auto q = static_cast<Eigen::Index>(p + 2);
  size_t k = 0;
  for (auto& pending : pending_) {
    if (pending.done) continue;
    const double* s = pooled.per_variant.data() + (k++) * per;
    const double* g_c = s + 4;
    const double* missing = s + 4 + p;
    const double n = samples_ - s[0];
    Eigen::MatrixXd xtx = Eigen::MatrixXd::Zero(q, q);
    Eigen::VectorXd xty = Eigen::VectorXd::Zero(q);
    xtx(0, 0) = n;
    xtx(0, 1) = xtx(1, 0) = s[1];
    xtx(1, 1) = s[2];
    xty[0] = sum_y_ - missing[0];
    xty[1] = s[3];
    double yty = sum_y2_ - missing[1];
    size_t t = 2 + 2 * p;
    for (size_t a = 0; a < p; ++a) {
      const Eigen::Index ia = static_cast<Eigen::Index>(a) + 2;
      xtx(0, ia) = xtx(ia, 0) = sum_c_[static_cast<Eigen::Index>(a)] - missing[2 + a];
      xtx(1, ia) = xtx(ia, 1) = g_c[a];
      xty[ia] = sum_cy_[static_cast<Eigen::Index>(a)] - missing[2 + p + a];
      for (size_t b = a; b < p; ++b) {
        const Eigen::Index ib = static_cast<Eigen::Index>(b) + 2;
        xtx(ia, ib) = xtx(ib, ia) = sum_cc_(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) - missing[t++];
      }
    }
    stats::RegressionResult fit = stats::LinearFromCrossproducts(xtx, xty, yty, n, 1);
    if (!fit.ok) {
      pending.error = "VIF_INFINITE";
    } else {
      const double sign = pending.a1_is_ref ? -1 : 1;  // sites count ALT copies
      pending.beta = sign * fit.beta;
      pending.std_error = fit.std_error;
      pending.statistic = sign * fit.statistic;
      pending.p_value = fit.p_value;
    }
    pending.done = true;
  }
  return FinishBlock();
}

HubStep GwasHub::LogisticRound() {
  RoundParameters parameters;
  auto& variants = parameters.numbers["variants"];
  auto& theta = parameters.numbers["theta"];
  auto& loglik = parameters.numbers["loglik"];
  for (const auto& pending : pending_) {
    if (pending.done) continue;
    const Eigen::VectorXd& point = pending.newton->point();
    variants.push_back(static_cast<double>(pending.variant));
    theta.insert(theta.end(), point.data(), point.data() + point.size());
    loglik.push_back(pending.newton->wants_loglik() ? 1 : 0);
  }
  RegressionSums shape;
  shape.per_variant.resize(variants.size() * LogisticValuesPerVariant(covariates_ + 2));
  return Next(kLogistic, std::move(parameters), std::move(shape));
}

StatusOr<HubStep> GwasHub::AfterLogistic(RegressionSums& pooled, const PooledRound&) {
  const size_t q = covariates_ + 2;
  const size_t per = LogisticValuesPerVariant(q);
  const auto qi = static_cast<Eigen::Index>(q);
  size_t k = 0;
  bool more = false;
  for (auto& pending : pending_) {
    if (pending.done) continue;
    const double* s = pooled.per_variant.data() + (k++) * per;
    const double loglik = s[1];
    Eigen::VectorXd score(qi);
    Eigen::MatrixXd information(qi, qi);
    for (Eigen::Index a = 0; a < qi; ++a) score[a] = s[2 + a];
    size_t t = 2 + q;
    for (Eigen::Index a = 0; a < qi; ++a) {
      for (Eigen::Index b = a; b < qi; ++b) information(a, b) = information(b, a) = s[t++];
    }
    switch (pending.newton->Update(loglik, score, information)) {
      case stats::LogisticNewton::State::kEvaluate:
        more = true;
        continue;
      case stats::LogisticNewton::State::kNotConverged:
        pending.error = "LOGISTIC_CONVERGE_FAIL";
        break;
      case stats::LogisticNewton::State::kAliased:
        pending.error = "VIF_INFINITE";
        break;
      case stats::LogisticNewton::State::kConverged: {
        const double sign = pending.a1_is_ref ? -1 : 1;  // sites count ALT copies
        pending.beta = sign * pending.newton->estimate()[1];
        pending.std_error = std::sqrt(pending.newton->inverse_information()(1, 1));
        pending.statistic = pending.beta / pending.std_error;
        pending.p_value = stats::TwoSidedNormalP(pending.statistic);
        ++newton_fits_;
        newton_iterations_ += static_cast<size_t>(pending.newton->evaluations());
        newton_max_iterations_ = std::max(newton_max_iterations_, pending.newton->evaluations());
        break;
      }
    }
    pending.done = true;
  }
  if (more) return LogisticRound();
  return FinishBlock();
}

Status GwasHub::WriteRegressionRow(const Pending& pending) {
  const genomics::VariantRecord& variant = canonical_[pending.variant];
  const std::string& a1 = pending.a1_is_ref ? variant.allele2 : variant.allele1;
  const bool logistic = spec_.test == Test::kLogistic;
  const std::string observed = std::to_string(static_cast<int64_t>(pending.observed));
  if (!pending.error.empty() || std::isnan(pending.beta)) {
    return output_.Write(variant, a1,
                         {"ADD", observed, "NA", "NA", "NA", "NA", pending.error.empty() ? "." : pending.error},
                         std::nan(""), std::nan(""));
  }
  const double effect = logistic ? std::exp(pending.beta) : pending.beta;
  return output_.Write(variant, a1,
                       {"ADD", observed, PlinkNumber(effect), PlinkNumber(pending.std_error),
                        PlinkNumber(pending.statistic), PlinkNumber(pending.p_value), "."},
                       pending.p_value, effect);
}

StatusOr<HubStep> GwasHub::FinishBlock() {
  for (const auto& pending : pending_) RETURN_IF_ERROR(WriteRegressionRow(pending));
  pending_.clear();
  progress_->Advance(block_count_);
  block_first_ += block_count_;
  return StartBlock();
}

Json GwasHub::Result() {
  Json result;
  result["status"] = "ok";
  result["test"] = TestName(spec_.test);
  result["samples"] = static_cast<int64_t>(samples_);
  if (spec_.case_control()) {
    result["cases"] = static_cast<int64_t>(cases_);
    result["controls"] = static_cast<int64_t>(controls_);
  }
  result["samples_left_out"] = {{"genotypes_without_table_row", static_cast<int64_t>(genotype_only_)},
                                {"table_rows_without_genotypes", static_cast<int64_t>(table_only_)},
                                {"missing_phenotype_or_covariate", static_cast<int64_t>(missing_values_)}};
  result["variants_in_files"] = static_cast<int64_t>(variants_in_files_);
  result["variants_shared"] = static_cast<int64_t>(variants_shared_);
  if (!spec_.extract.empty()) {
    result["variants_extracted"] = static_cast<int64_t>(canonical_.size());
    if (!not_extracted_.empty()) {
      result["extract_not_found"] = not_extracted_.size();
      result["extract_not_found_examples"] = std::vector<std::string>(
          not_extracted_.begin(),
          not_extracted_.begin() + static_cast<long>(std::min<size_t>(20, not_extracted_.size())));
    }
  }
  result["variants_filtered"] = {
      {"geno", filtered_geno_}, {"hwe", filtered_hwe_}, {"maf", filtered_maf_}, {"small_count", filtered_small_}};
  result["variants_tested"] = static_cast<int64_t>(output_.rows());
  result["output"] = spec_.output;
  result["lambda_gc"] = std::isfinite(output_.LambdaGc()) ? Json(output_.LambdaGc()) : Json(nullptr);
  result["top"] = output_.TopHits();
  if (!left_out_.empty()) {
    result["variants_left_out"] = left_out_.size();
    result["left_out_examples"] = std::vector<std::string>(
        left_out_.begin(), left_out_.begin() + static_cast<long>(std::min<size_t>(20, left_out_.size())));
  }
  if (!strand_ambiguous_.empty()) {
    result["strand_ambiguous"] = strand_ambiguous_.size();
    result["strand_ambiguous_examples"] = std::vector<std::string>(
        strand_ambiguous_.begin(),
        strand_ambiguous_.begin() + static_cast<long>(std::min<size_t>(20, strand_ambiguous_.size())));
  }
  result["chromosomes"] = output_.Chromosomes();
  if (spec_.privacy) {
    // Nothing exact leaves a site: the sample counts come from the noised design round.
    result.erase("samples_left_out");
    result["privacy"] = PrivacyJson(*spec_.privacy, context_.sites.size());
    result["count_noise_sd"] = count_noise_sd_;
    result["note"] = "noised genotype counts: each count of a genotype class (cases, controls) carries noise of sd " +
                     FormatSignificant(count_noise_sd_, 3) +
                     " (an allele count sqrt(5) times that); the test "
                     "statistics include the noise's variance, frequencies and filters use the noised counts";
  }
  if (newton_fits_ > 0) {
    result["newton_iterations"] = {
        {"mean", static_cast<double>(newton_iterations_) / static_cast<double>(newton_fits_)},
        {"max", newton_max_iterations_}};
  }
  return result;
}

}  // namespace medfed::analysis::gwas
