// The site half of `gwas`: joins the phenotype table to the genotype samples, agrees on the
// variant list, and answers counting and regression rounds block by block straight from the
// memory-mapped genotypes (docs/protocols/gwas.md).
#include <cmath>
#include <set>
#include <unordered_map>

#include "medfed/analysis/engine/noised_release.h"
#include "medfed/analysis/gwas/gwas_site.h"
#include "medfed/core/parallel.h"
#include "medfed/core/text.h"
#include "medfed/crypto/sodium.h"
#include "medfed/genomics/genotype_counts.h"
#include "medfed/stats/glm_irls.h"
#include "medfed/stats/logistic_sums.h"
#include "medfed/table/design_matrix.h"
#include "medfed/table/evaluator.h"

namespace medfed::analysis::gwas {
namespace {

constexpr char kPhenotypeValues[] = "phenotype_values";
constexpr char kVariantDigest[] = "variant_digest";
constexpr char kVariantLines[] = "variant_lines";

std::string Digest(const std::vector<genomics::VariantRecord>& variants) {
  crypto::Sha256Stream hash;
  for (const auto& variant : variants) hash.Update(genomics::VariantLine(variant) + "\n");
  return hash.FinalHex();
}

}  // namespace

GwasSite::GwasSite(GwasSpec spec, std::shared_ptr<const table::Table> table,
                   std::unique_ptr<genomics::GenotypeMatrix> genotypes, SiteContext context)
    : ProtocolSite(GwasProtocol()),
      spec_(std::move(spec)),
      table_(std::move(table)),
      genotypes_(std::move(genotypes)),
      context_(context) {}

StatusOr<Contribution> GwasSite::Samples(const RoundParameters&, SampleSums& sums) {
  ASSIGN_OR_RETURN(std::vector<uint32_t> selected, table::SelectRows(spec_.where, *table_));
  ASSIGN_OR_RETURN(table::ModelFrame frame, table::ModelFrame::Build(spec_.formula, *table_, selected));
  frame_ = std::make_unique<table::ModelFrame>(std::move(frame));
  ASSIGN_OR_RETURN(const table::Column* ids, table_->GetColumn(spec_.sample_id));
  std::unordered_map<std::string, size_t> frame_row_of;
  for (size_t r = 0; r < frame_->rows(); ++r) {
    std::string id = ids->TextValue(frame_->source_rows()[r]);
    if (!frame_row_of.emplace(id, r).second) {
      return InvalidArgument(table_->source() + ":" + std::to_string(table_->LineOfRow(frame_->source_rows()[r])) +
                             ": sample " + QuoteForMessage(id) + " appears twice in the table");
    }
  }
  const table::RowValues& phenotype = frame_->response_parts().at(0);
  std::set<std::string> values;
  genotype_index_.clear();
  frame_row_.clear();
  const auto& samples = genotypes_->samples();
  for (size_t s = 0; s < samples.size(); ++s) {
    auto found = frame_row_of.find(samples[s].id);
    if (found == frame_row_of.end()) continue;
    const size_t r = found->second;
    if (spec_.case_control()) {
      double value = phenotype.kind == table::RowValues::Kind::kLogical   ? phenotype.logicals[r]
                     : phenotype.kind == table::RowValues::Kind::kNumeric ? phenotype.numbers[r]
                                                                          : std::nan("");
      if (!(value == 0 || value == 1 || value == 2 || value == -9)) {
        return InvalidArgument(table_->source() + ":" + std::to_string(table_->LineOfRow(frame_->source_rows()[r])) +
                               ": phenotype " + spec_.phenotype + " is " +
                               (std::isnan(value)
                                    ? QuoteForMessage(phenotype.kind == table::RowValues::Kind::kFactor
                                                          ? phenotype.levels[static_cast<size_t>(phenotype.codes[r])]
                                                          : std::string("text"))
                                    : FormatSignificant(value, 6)) +
                               "; a case/control test needs 0/1 (control/case) or plink's 1/2 (control/case; 0 and "
                               "-9 missing)");
      }
      values.insert(FormatSignificant(value, 3));
    } else if (phenotype.kind == table::RowValues::Kind::kFactor) {
      return InvalidArgument(table_->source() + ": phenotype " + spec_.phenotype +
                             " is text; a linear test needs a numeric phenotype");
    }
    genotype_index_.push_back(static_cast<uint32_t>(s));
    frame_row_.push_back(static_cast<uint32_t>(r));
  }
  const size_t matched = genotype_index_.size();
  if (auto refusal = RefuseIfTooFewRows(matched, context_, "samples with genotypes and phenotype")) {
    return *refusal;
  }
  Contribution contribution;
  DiscloseSchemas(frame_->Schemas(context_.policy.min_cell_count), contribution);
  contribution.disclosed[kPhenotypeValues].assign(values.begin(), values.end());
  if (spec_.privacy) {
    // A noised GWAS releases no exact count: the design round's noised cases and controls say
    // how many samples were analysed.
    return contribution;
  }
  // The samples the researcher selected: which of them are genotyped, or lack a phenotype or a
  // covariate, is the data's doing (model_rounds.h, MakeSelectedRows).
  contribution.released_rows.push_back(MakeReleasedRows(*table_, selected));
  sums.matched = static_cast<double>(matched);
  sums.genotype_only = static_cast<double>(samples.size() - matched);
  sums.table_only = static_cast<double>(frame_->rows() - matched);
  sums.missing_values = static_cast<double>(frame_->missing());
  return contribution;
}

StatusOr<Contribution> GwasSite::Variants(const RoundParameters&, VariantCountSums& sums) {
  Contribution contribution;
  contribution.disclosed[kVariantDigest] = {Digest(genotypes_->variants())};
  sums.variants = static_cast<double>(genotypes_->variant_count());
  return contribution;
}

StatusOr<Contribution> GwasSite::VariantList(const RoundParameters& parameters, EmptySums&) {
  Contribution contribution;
  ASSIGN_OR_RETURN(std::vector<std::string> from, parameters.Texts("from"));
  if (std::find(from.begin(), from.end(), context_.data.site()) == from.end()) return contribution;
  auto& lines = contribution.disclosed[kVariantLines];
  lines.reserve(genotypes_->variant_count());
  for (const auto& variant : genotypes_->variants()) lines.push_back(genomics::VariantLine(variant));
  return contribution;
}

StatusOr<Contribution> GwasSite::Canonical(const RoundParameters& parameters, EmptySums&) {
  if (parameters.Has("identity")) {
    map_.index.resize(genotypes_->variant_count());
    for (size_t v = 0; v < map_.index.size(); ++v) map_.index[v] = static_cast<uint32_t>(v);
    map_.flipped.assign(map_.index.size(), 0);
    return Contribution{};
  }
  ASSIGN_OR_RETURN(std::vector<std::string> lines, parameters.Texts("canonical"));
  std::vector<genomics::VariantRecord> canonical;
  canonical.reserve(lines.size());
  for (const auto& line : lines) {
    ASSIGN_OR_RETURN(genomics::VariantRecord variant, genomics::ParseVariantLine(line));
    canonical.push_back(std::move(variant));
  }
  ASSIGN_OR_RETURN(map_, genomics::MapToCanonical(canonical, genotypes_->variants(), context_.data.site()));
  return Contribution{};
}

StatusOr<Contribution> GwasSite::Design(const RoundParameters& parameters, DesignSums& sums) {
  if (!frame_) return FailedPrecondition("gwas: the design round came before the samples round");
  ASSIGN_OR_RETURN(table::GlobalLevels levels, GetGlobalLevels(parameters));
  ASSIGN_OR_RETURN(std::string coding, parameters.Text("coding"));
  ASSIGN_OR_RETURN(table::DesignLayout layout, table::MakeDesignLayout(spec_.formula, levels));
  ASSIGN_OR_RETURN(Eigen::MatrixXd design, table::BuildDesignMatrix(*frame_, spec_.formula, layout, levels));
  const table::RowValues& phenotype = frame_->response_parts().at(0);
  // Keep the samples with a usable phenotype, in genotype order.
  std::vector<uint32_t> kept_genotype;
  std::vector<double> y;
  std::vector<Eigen::Index> rows;
  for (size_t i = 0; i < genotype_index_.size(); ++i) {
    const uint32_t r = frame_row_[i];
    double value = phenotype.kind == table::RowValues::Kind::kLogical ? phenotype.logicals[r] : phenotype.numbers[r];
    if (spec_.case_control()) {
      if (coding == "12") {
        if (value != 1 && value != 2) continue;  // 0 and -9 are missing in plink's coding
        value -= 1;
      } else {
        if (value != 0 && value != 1) continue;
      }
    }
    kept_genotype.push_back(genotype_index_[i]);
    y.push_back(value);
    rows.push_back(static_cast<Eigen::Index>(r));
  }
  genotype_index_ = std::move(kept_genotype);
  y_ = Eigen::Map<Eigen::VectorXd>(y.data(), static_cast<Eigen::Index>(y.size()));
  covariates_.resize(static_cast<Eigen::Index>(rows.size()), design.cols());
  for (size_t i = 0; i < rows.size(); ++i) covariates_.row(static_cast<Eigen::Index>(i)) = design.row(rows[i]);
  // Sample masks over the genotype file's samples.
  std::vector<uint32_t> cases, controls, founders;
  const auto& samples = genotypes_->samples();
  for (size_t i = 0; i < genotype_index_.size(); ++i) {
    const uint32_t s = genotype_index_[i];
    (spec_.case_control() && y_[static_cast<Eigen::Index>(i)] == 0 ? controls : cases).push_back(s);
    if (samples[s].founder) founders.push_back(s);
  }
  cases_ = genomics::SampleMask(samples.size(), cases);
  controls_ = genomics::SampleMask(samples.size(), controls);
  founders_ = genomics::SampleMask(samples.size(), founders);
  // Binary-phenotype disclosure rule, as for GLMs.
  if (spec_.case_control()) {
    for (size_t count : {cases.size(), controls.size()}) {
      if (privacy::IsSmallCount(static_cast<double>(count), context_.policy.min_cell_count)) {
        return Contribution::Refuse("min_cell_count", "site " + context_.data.site() + ": fewer than " +
                                                          std::to_string(context_.policy.min_cell_count) +
                                                          (count == cases.size() ? " cases" : " controls") +
                                                          " (min_cell_count)");
      }
    }
  }
  Contribution contribution;
  if (spec_.privacy) {
    // Only the case and control counts, noised; the whole analysis is charged here, before any
    // noised count leaves (NoiseRequest in analysis.h).
    sums.cases = static_cast<double>(cases.size());
    sums.controls = static_cast<double>(controls.size());
    const size_t groups = NoisedGroups(spec_, map_.index.size());
    contribution.noise = MakeNoiseRequest({kDesignNoise}, *spec_.privacy, 1.0 / static_cast<double>(groups), 1.0);
    prepaid_groups_ = groups;
    noised_groups_released_ = 1;
    return contribution;
  }
  sums.samples = static_cast<double>(y.size());
  sums.cases = static_cast<double>(cases.size());
  sums.controls = static_cast<double>(controls.size());
  sums.sum_y = y_.sum();
  for (Eigen::Index j = 1; j < covariates_.cols(); ++j) sums.covariate_sums.push_back(covariates_.col(j).sum());
  return contribution;
}

StatusOr<Contribution> GwasSite::Moments(const RoundParameters& parameters, LinearMomentSums& sums) {
  RETURN_IF_ERROR(Centre(parameters));
  sums.sum_y = y_.sum();
  sums.sum_y2 = y_.squaredNorm();
  const Eigen::Index p = covariates_.cols() - 1;
  for (Eigen::Index a = 1; a <= p; ++a) sums.sum_c.push_back(covariates_.col(a).sum());
  for (Eigen::Index a = 1; a <= p; ++a) sums.sum_cy.push_back(covariates_.col(a).dot(y_));
  for (Eigen::Index a = 1; a <= p; ++a) {
    for (Eigen::Index b = a; b <= p; ++b) sums.sum_cc.push_back(covariates_.col(a).dot(covariates_.col(b)));
  }
  return Contribution{};
}

Status GwasSite::Centre(const RoundParameters& parameters) {
  if (centred_) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<double> means, parameters.Numbers("means"));
  if (means.size() != static_cast<size_t>(covariates_.cols())) return InvalidArgument("means do not match");
  y_.array() -= means[0];
  for (Eigen::Index j = 1; j < covariates_.cols(); ++j) covariates_.col(j).array() -= means[static_cast<size_t>(j)];
  centred_ = true;
  return absl::OkStatus();
}

StatusOr<Contribution> GwasSite::NullModel(const RoundParameters& parameters, NullModelSums& round) {
  const Eigen::VectorXd offset = Eigen::VectorXd::Zero(y_.size());
  stats::IrlsSums sums;
  if (parameters.Has("beta")) {
    ASSIGN_OR_RETURN(std::vector<double> beta, parameters.Numbers("beta"));
    Eigen::VectorXd coefficients = Eigen::Map<Eigen::VectorXd>(beta.data(), static_cast<Eigen::Index>(beta.size()));
    sums = stats::ComputeIrlsSums(stats::GlmFamily::kBinomial, covariates_, y_, offset, &coefficients);
  } else {
    sums = stats::ComputeIrlsSums(stats::GlmFamily::kBinomial, covariates_, y_, offset, nullptr);
  }
  round.irls = IrlsField::Of(std::move(sums));
  return Contribution{};
}

StatusOr<Contribution> GwasSite::Counts(const RoundParameters& parameters, BlockCountSums& sums) {
  ASSIGN_OR_RETURN(double first_number, parameters.Number("first"));
  ASSIGN_OR_RETURN(double count_number, parameters.Number("count"));
  const auto first = static_cast<size_t>(first_number);
  const auto count = static_cast<size_t>(count_number);
  if (first + count > map_.index.size()) return InvalidArgument("variant block out of range");
  Contribution contribution;
  sums.variants.assign(count, VariantCounts{});
  const size_t bytes = genotypes_->bytes_per_variant();
  genotypes_->Prefetch(map_.index[first], count);
  ParallelFor(count, HardwareThreads(), [&](size_t begin, size_t end) {
    for (size_t k = begin; k < end; ++k) {
      const size_t v = first + k;
      const uint8_t* packed = genotypes_->Variant(map_.index[v]);
      const bool flip = map_.flipped[v];
      VariantCounts& out = sums.variants[k];
      // Codes: 0 hom ALT (dosage 2), 1 missing, 2 het, 3 hom REF (dosage 0).
      auto write = [&](const std::array<uint32_t, 4>& c, double* target, bool with_missing) {
        const double dosage0 = flip ? c[0] : c[3];
        const double dosage2 = flip ? c[3] : c[0];
        target[0] = dosage0;
        target[1] = c[2];
        target[2] = dosage2;
        if (with_missing) target[3] = c[1];
      };
      write(genomics::CountGenotypes(packed, bytes, cases_), out.cases.data(), true);
      write(genomics::CountGenotypes(packed, bytes, controls_), out.controls.data(), true);
      write(genomics::CountGenotypes(packed, bytes, founders_), out.founders.data(), false);
    }
  });
  if (spec_.privacy && count > 0) {
    std::vector<privacy::NoiseGroup> groups = CountNoise(spec_, count);
    if (spec_.hwe == 0) {
      // No HWE filter: the founders' classes are not released at all.
      for (VariantCounts& counts : sums.variants) counts.founders = {};
    }
    // The design round paid for the analysis' groups; what goes beyond them (a block asked for
    // again, or counts without a design round) is charged now.
    const size_t total = NoisedGroups(spec_, map_.index.size());
    const size_t before = noised_groups_released_;
    noised_groups_released_ += groups.size();
    const size_t paid_up_to = std::max(prepaid_groups_, before);
    const size_t beyond = noised_groups_released_ > paid_up_to ? noised_groups_released_ - paid_up_to : 0;
    const double share = static_cast<double>(groups.size()) / static_cast<double>(total);
    contribution.noise = MakeNoiseRequest(std::move(groups), *spec_.privacy, share,
                                          static_cast<double>(beyond) / static_cast<double>(total));
  }
  return contribution;
}

StatusOr<std::vector<size_t>> GwasSite::RequestedVariants(const RoundParameters& parameters) const {
  ASSIGN_OR_RETURN(std::vector<double> numbers, parameters.Numbers("variants"));
  std::vector<size_t> variants;
  variants.reserve(numbers.size());
  for (double number : numbers) {
    auto v = static_cast<size_t>(number);
    if (v >= map_.index.size()) return InvalidArgument("variant index out of range");
    variants.push_back(v);
  }
  return variants;
}

void GwasSite::Dosages(size_t variant, std::vector<int8_t>& out) const {
  genomics::ExtractDosages(genotypes_->Variant(map_.index[variant]), genotype_index_, out);
  if (map_.flipped[variant]) {
    for (int8_t& d : out) {
      if (d >= 0) d = static_cast<int8_t>(2 - d);
    }
  }
}

StatusOr<Contribution> GwasSite::Linear(const RoundParameters& parameters, RegressionSums& sums) {
  RETURN_IF_ERROR(Centre(parameters));
  ASSIGN_OR_RETURN(std::vector<size_t> variants, RequestedVariants(parameters));
  const auto p = static_cast<size_t>(covariates_.cols() - 1);
  const size_t per = LinearValuesPerVariant(p);
  sums.per_variant.assign(variants.size() * per, 0.0);
  ParallelFor(variants.size(), HardwareThreads(), [&](size_t begin, size_t end) {
    std::vector<int8_t> dosage;
    for (size_t k = begin; k < end; ++k) {
      Dosages(variants[k], dosage);
      double* out = sums.per_variant.data() + k * per;
      double* g_c = out + 4;
      double* missing = out + 4 + p;  // y, y^2, c (p), c y (p), c c' (tri)
      for (size_t i = 0; i < dosage.size(); ++i) {
        const auto r = static_cast<Eigen::Index>(i);
        const double y = y_[r];
        if (dosage[i] < 0) {
          out[0] += 1;
          missing[0] += y;
          missing[1] += y * y;
          size_t t = 2 + 2 * p;
          for (size_t a = 0; a < p; ++a) {
            const double ca = covariates_(r, static_cast<Eigen::Index>(a + 1));
            missing[2 + a] += ca;
            missing[2 + p + a] += ca * y;
            for (size_t b = a; b < p; ++b) missing[t++] += ca * covariates_(r, static_cast<Eigen::Index>(b + 1));
          }
          continue;
        }
        const double g = dosage[i];
        if (g == 0) continue;
        out[1] += g;
        out[2] += g * g;
        out[3] += g * y;
        for (size_t a = 0; a < p; ++a) g_c[a] += g * covariates_(r, static_cast<Eigen::Index>(a + 1));
      }
    }
  });
  return Contribution{};
}

StatusOr<Contribution> GwasSite::Logistic(const RoundParameters& parameters, RegressionSums& sums) {
  ASSIGN_OR_RETURN(std::vector<size_t> variants, RequestedVariants(parameters));
  ASSIGN_OR_RETURN(std::vector<double> theta, parameters.Numbers("theta"));
  ASSIGN_OR_RETURN(std::vector<double> want_loglik, parameters.Numbers("loglik"));
  const Eigen::Index base = covariates_.cols();    // intercept and covariates
  const size_t q = static_cast<size_t>(base) + 1;  // theta: intercept, dosage, covariates
  if (theta.size() != variants.size() * q || want_loglik.size() != variants.size()) {
    return InvalidArgument("theta does not match the variants");
  }
  const size_t per = LogisticValuesPerVariant(q);
  sums.per_variant.assign(variants.size() * per, 0.0);
  const Eigen::Index n = covariates_.rows();
  const Eigen::ArrayXd y = y_.array();
  // Samples in file order need no index (the common case: every genotyped sample analysed).
  bool in_file_order = true;
  for (size_t i = 0; i < genotype_index_.size() && in_file_order; ++i) in_file_order = genotype_index_[i] == i;
  ParallelFor(variants.size(), HardwareThreads(), [&](size_t begin, size_t end) {
    // x: intercept, dosage, covariates; the dosage column is refilled per variant, and a
    // variant's missing calls get weight 0.
    Eigen::MatrixXd x(n, static_cast<Eigen::Index>(q));
    x.col(0) = covariates_.col(0);
    for (Eigen::Index j = 1; j < base; ++j) x.col(j + 1) = covariates_.col(j);
    Eigen::ArrayXd valid(n), eta(n), e(n), mu(n), log_terms(n);
    Eigen::VectorXd theta_base(base), cached_base(base);
    bool cached = false;  // eta, e and mu hold the fit at cached_base with no dosage effect
    bool have_log_terms = false;
    for (size_t k = begin; k < end; ++k) {
      const size_t v = variants[k];
      genomics::ExtractDosageColumns(genotypes_->Variant(map_.index[v]), in_file_order ? nullptr : &genotype_index_,
                                     static_cast<size_t>(n), map_.flipped[v], x.col(1).data(), valid.data());
      const double* t = theta.data() + k * q;
      theta_base[0] = t[0];
      for (Eigen::Index j = 1; j < base; ++j) theta_base[j] = t[j + 1];
      const double dosage_effect = t[1];
      // Every variant's first Newton step starts from the same null fit: compute it once.
      if (!(dosage_effect == 0 && cached && theta_base == cached_base)) {
        eta = (covariates_ * theta_base).array() + dosage_effect * x.col(1).array();
        e = (-eta).exp();
        mu = 1 / (1 + e);
        cached = dosage_effect == 0;
        if (cached) cached_base = theta_base;
        have_log_terms = false;
      }
      // The hub asks for the log-likelihood only while it guards large Newton steps.
      const bool loglik = want_loglik[k] != 0;
      if (loglik && !have_log_terms) {
        // Per-sample log-likelihood: log mu = -log(1 + e), log(1 - mu) = -eta - log(1 + e).
        log_terms = -(1 + e).log() - (1 - y) * eta;
        have_log_terms = true;
      }
      double* out = sums.per_variant.data() + k * per;
      out[0] = stats::AccumulateLogisticSums(x, mu, y, valid, out + 2, out + 2 + q);
      out[1] = loglik ? (valid * log_terms).sum() : 0;
    }
  });
  return Contribution{};
}

}  // namespace medfed::analysis::gwas
