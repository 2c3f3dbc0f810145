// The hub half of the `gwas` analysis.
#pragma once

#include <array>
#include <memory>
#include <optional>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/gwas/gwas_output.h"
#include "medfed/analysis/gwas/gwas_protocol.h"
#include "medfed/analysis/gwas/gwas_spec.h"
#include "medfed/core/progress.h"
#include "medfed/genomics/genotype_matrix.h"
#include "medfed/stats/glm_irls.h"
#include "medfed/stats/logistic_newton.h"
#include "medfed/table/model_frame.h"

namespace medfed::analysis::gwas {

class GwasHub : public ProtocolHub<GwasSite, GwasHub> {
 public:
  GwasHub(GwasSpec spec, const HubContext& context);
  StatusOr<RoundParameters> Begin() override;

 private:
  friend const Protocol<GwasSite, GwasHub>& GwasProtocol();

  // One variant of the current block awaiting its regression.
  struct Pending {
    size_t variant;
    double observed;
    bool a1_is_ref = false;                       // A1 is the minor allele: REF when ALT is the major one
    std::string error;                            // plink2 ERRCODE when already decided
    std::optional<stats::LogisticNewton> newton;  // logistic with covariates
    bool done = false;
    double beta = NAN, std_error = NAN, statistic = NAN, p_value = NAN;
  };

  // The hub steps of the protocol (gwas_protocol.h).
  StatusOr<HubStep> AfterSamples(SampleSums& pooled, const PooledRound& round);
  StatusOr<HubStep> AfterVariants(VariantCountSums& pooled, const PooledRound& round);
  StatusOr<HubStep> AfterVariantList(EmptySums& pooled, const PooledRound& round);
  StatusOr<HubStep> AfterCanonical(EmptySums& pooled, const PooledRound& round);
  StatusOr<HubStep> AfterDesign(DesignSums& pooled, const PooledRound& round);
  StatusOr<HubStep> AfterMoments(LinearMomentSums& pooled, const PooledRound& round);
  StatusOr<HubStep> AfterNull(NullModelSums& pooled, const PooledRound& round);
  StatusOr<HubStep> AfterCounts(BlockCountSums& pooled, const PooledRound& round);
  StatusOr<HubStep> AfterLinear(RegressionSums& pooled, const PooledRound& round);
  StatusOr<HubStep> AfterLogistic(RegressionSums& pooled, const PooledRound& round);

  NullModelSums NullShape() const;
  Status Extract();
  StatusOr<HubStep> StartBlock();
  bool RevealsSmallCount(const std::array<double, 3>& a1_cases, const std::array<double, 3>& a1_controls,
                         const std::array<double, 3>& a1_all, const std::array<double, 3>& founders) const;
  HubStep LogisticRound();
  StatusOr<HubStep> FinishBlock();
  Json Result();
  // Writes the row of a regression variant.
  Status WriteRegressionRow(const Pending& pending);

  GwasSpec spec_;
  HubContext context_;
  std::string coding_ = "01";
  table::GlobalLevels levels_;
  std::vector<genomics::VariantRecord> canonical_;
  bool identical_lists_ = false;
  std::vector<std::string> left_out_, strand_ambiguous_;
  size_t variants_in_files_ = 0;
  size_t variants_shared_ = 0;              // before extract
  std::vector<std::string> not_extracted_;  // extract IDs the sites do not share
  double count_noise_sd_ = 0;               // privacy: sd of each pooled genotype count
  double samples_ = 0, cases_ = 0, controls_ = 0;
  double genotype_only_ = 0, table_only_ = 0, missing_values_ = 0;
  size_t covariates_ = 0;  // p
  std::vector<double> means_;
  // Pooled totals of the centred y and covariates (linear).
  double sum_y_ = 0, sum_y2_ = 0;
  Eigen::VectorXd sum_c_, sum_cy_;
  Eigen::MatrixXd sum_cc_;
  std::optional<stats::IrlsController> null_;
  Eigen::VectorXd null_coefficients_;
  size_t block_first_ = 0, block_count_ = 0;
  std::vector<Pending> pending_;
  size_t newton_fits_ = 0, newton_iterations_ = 0;
  int newton_max_iterations_ = 0;
  size_t filtered_geno_ = 0, filtered_maf_ = 0, filtered_hwe_ = 0;
  size_t filtered_small_ = 0;  // withheld: a released count would be below min_cell_count
  GwasOutput output_;
  std::unique_ptr<Progress> progress_;
};

}  // namespace medfed::analysis::gwas
