// The site half of the `gwas` analysis.
#pragma once

#include <memory>

#include <Eigen/Dense>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/gwas/gwas_protocol.h"
#include "medfed/analysis/gwas/gwas_spec.h"
#include "medfed/genomics/genotype_counts.h"
#include "medfed/genomics/genotype_matrix.h"
#include "medfed/genomics/variant_harmonisation.h"

namespace medfed::analysis::gwas {

class GwasSite : public ProtocolSite<GwasSite, GwasHub> {
 public:
  GwasSite(GwasSpec spec, std::shared_ptr<const table::Table> table,
           std::unique_ptr<genomics::GenotypeMatrix> genotypes, SiteContext context);

 private:
  friend const Protocol<GwasSite, GwasHub>& GwasProtocol();

  // The site steps of the protocol (gwas_protocol.h).
  StatusOr<Contribution> Samples(const RoundParameters& parameters, SampleSums& sums);
  StatusOr<Contribution> Variants(const RoundParameters& parameters, VariantCountSums& sums);
  StatusOr<Contribution> VariantList(const RoundParameters& parameters, EmptySums& sums);
  StatusOr<Contribution> Canonical(const RoundParameters& parameters, EmptySums& sums);
  StatusOr<Contribution> Design(const RoundParameters& parameters, DesignSums& sums);
  StatusOr<Contribution> Moments(const RoundParameters& parameters, LinearMomentSums& sums);
  StatusOr<Contribution> NullModel(const RoundParameters& parameters, NullModelSums& sums);
  StatusOr<Contribution> Counts(const RoundParameters& parameters, BlockCountSums& sums);
  StatusOr<Contribution> Linear(const RoundParameters& parameters, RegressionSums& sums);
  StatusOr<Contribution> Logistic(const RoundParameters& parameters, RegressionSums& sums);

  Status Centre(const RoundParameters& parameters);
  StatusOr<std::vector<size_t>> RequestedVariants(const RoundParameters& parameters) const;
  // ALT dosages of the analysis samples for a canonical variant, in the study's allele order.
  void Dosages(size_t variant, std::vector<int8_t>& out) const;

  GwasSpec spec_;
  std::shared_ptr<const table::Table> table_;
  std::unique_ptr<genomics::GenotypeMatrix> genotypes_;
  SiteContext context_;
  std::unique_ptr<table::ModelFrame> frame_;
  std::vector<uint32_t> genotype_index_;  // analysis samples: index in the genotype file
  std::vector<uint32_t> frame_row_;       // and row of the model frame
  Eigen::VectorXd y_;
  Eigen::MatrixXd covariates_;  // design with the intercept column first
  bool centred_ = false;
  genomics::SampleMask cases_, controls_, founders_;
  genomics::SiteVariantMap map_;
  // Differential privacy: noise groups released so far, and how many of them the design round
  // paid for (NoisedGroups, or 0 before it).
  size_t noised_groups_released_ = 0;
  size_t prepaid_groups_ = 0;
};

}  // namespace medfed::analysis::gwas
