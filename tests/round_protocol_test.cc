// The round-protocol driver and contribution layouts (analysis/engine/round_protocol.h,
// analysis/engine/contribution_layout.h): layouts pack and unpack exactly, a site and a hub that
// disagree about a layout fail with an error naming the analysis, the phase and the fields, and
// a phase the protocol does not declare is refused.
#include <gtest/gtest.h>

#include "medfed/analysis/engine/contribution_layout.h"
#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/round_protocol.h"

namespace medfed {
namespace {

struct Cell {
  double events = 0;
  double censored = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("events", events);
    fields("censored", censored);
  }
};

struct Everything {
  double n = 0;
  std::vector<double> sums;
  std::array<double, 3> classes{};
  std::vector<Cell> cells;
  Eigen::MatrixXd matrix;
  analysis::IrlsField irls;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("n", n);
    fields("sums", sums);
    fields("classes", classes);
    fields("cells", cells);
    fields("matrix", matrix);
    fields("irls", irls);
  }
};

Everything Shaped() {
  Everything shape;
  shape.sums.resize(2);
  shape.cells.resize(2);
  shape.matrix = Eigen::MatrixXd::Zero(2, 2);
  shape.irls = analysis::IrlsField::Shaped(2);
  return shape;
}

TEST(ContributionLayout, PacksInDeclaredOrderAndUnpacksExactly) {
  Everything sent = Shaped();
  sent.n = 7;
  sent.sums = {1.5, -2};
  sent.classes = {3, 4, 5};
  sent.cells = {{1, 2}, {3, 4}};
  sent.matrix << 1, 2, 3, 4;
  stats::IrlsSums irls;
  irls.deviance = 10;
  irls.log_likelihood = -5;
  irls.crossproduct = Eigen::MatrixXd::Identity(2, 2) * 2;
  irls.right_side = Eigen::VectorXd::Ones(2);
  sent.irls = analysis::IrlsField::Of(irls);
  const std::vector<double> packed = analysis::PackLayout(sent);
  // 1 + 2 + 3 + 2*2 + 4 + (4 scalars, 3 of the upper triangle, 2)
  ASSERT_EQ(packed.size(), 1u + 2 + 3 + 4 + 4 + 9);
  EXPECT_EQ(std::vector<double>(packed.begin(), packed.begin() + 10),
            (std::vector<double>{7, 1.5, -2, 3, 4, 5, 1, 2, 3, 4}));
  EXPECT_EQ(packed[10], 1);  // column-major: (0,0), (1,0), (0,1), (1,1)
  EXPECT_EQ(packed[11], 3);

  Everything received = Shaped();
  ASSERT_TRUE(analysis::UnpackLayout(packed, received, "test, phase all").ok());
  EXPECT_EQ(received.n, 7);
  EXPECT_EQ(received.sums, sent.sums);
  EXPECT_EQ(received.classes, sent.classes);
  EXPECT_EQ(received.cells[1].censored, 4);
  EXPECT_EQ(received.matrix, sent.matrix);
  EXPECT_EQ(received.irls.sums.deviance, 10);
  EXPECT_EQ(received.irls.sums.crossproduct, irls.crossproduct);
  EXPECT_EQ(received.irls.sums.right_side, irls.right_side);

  EXPECT_EQ(analysis::DescribeLayout(received), "n 1, sums 2, classes 3, cells[] 4, matrix 4, irls 9");
  EXPECT_EQ(*analysis::LayoutOffset(received, "cells[]"), 6u);
  EXPECT_FALSE(analysis::LayoutOffset(received, "nothing").ok());
}

TEST(ContributionLayout, ALengthThatDoesNotMatchNamesTheFields) {
  Everything received = Shaped();
  const Status status = analysis::UnpackLayout(std::vector<double>(22, 0.0), received, "crosstab, phase cells");
  ASSERT_FALSE(status.ok());
  const std::string message(status.message());
  EXPECT_NE(message.find("crosstab, phase cells"), std::string::npos) << message;
  EXPECT_NE(message.find("22 numbers"), std::string::npos) << message;
  EXPECT_NE(message.find("has 23"), std::string::npos) << message;
  EXPECT_NE(message.find("cells[] 4"), std::string::npos) << message;
}

// A two-phase toy analysis: the sites count rows, then send one cell per level the hub asked for.
struct RowSums {
  double rows = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("rows", rows);
  }
};
struct LevelSums {
  std::vector<double> cells;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("cells", cells);
  }
};
inline constexpr analysis::Phase<RowSums> kRows{"rows"};
inline constexpr analysis::Phase<LevelSums> kLevels{"levels"};

class ToySite;
class ToyHub;
const analysis::Protocol<ToySite, ToyHub>& ToyProtocol();

class ToySite : public analysis::ProtocolSite<ToySite, ToyHub> {
 public:
  ToySite(double rows, size_t cells, bool writes_values = false)
      : ProtocolSite(ToyProtocol()), rows_(rows), cells_(cells), writes_values_(writes_values) {}
  StatusOr<analysis::Contribution> Rows(const analysis::RoundParameters&, RowSums& sums) {
    sums.rows = rows_;
    analysis::Contribution contribution;
    if (writes_values_) contribution.values = {rows_};
    return contribution;
  }
  StatusOr<analysis::Contribution> Levels(const analysis::RoundParameters&, LevelSums& sums) {
    sums.cells.assign(cells_, 1.0);  // a site that builds `cells_` cells, whatever the hub asked
    return analysis::Contribution{};
  }

 private:
  double rows_;
  size_t cells_;
  bool writes_values_;
};

class ToyHub : public analysis::ProtocolHub<ToySite, ToyHub> {
 public:
  ToyHub() : ProtocolHub(ToyProtocol()) {}
  StatusOr<analysis::RoundParameters> Begin() override { return Ask(kRows); }
  StatusOr<analysis::HubStep> AfterRows(RowSums& pooled, const analysis::PooledRound&) {
    rows = pooled.rows;
    LevelSums shape;
    shape.cells.resize(3);
    return Next(kLevels, {}, std::move(shape));
  }
  StatusOr<analysis::HubStep> AfterLevels(LevelSums& pooled, const analysis::PooledRound&) {
    cells = pooled.cells;
    return analysis::HubStep::Finish(analysis::Json{{"status", "ok"}});
  }
  double rows = 0;
  std::vector<double> cells;
};

const analysis::Protocol<ToySite, ToyHub>& ToyProtocol() {
  static const auto protocol = analysis::Protocol<ToySite, ToyHub>("toy")
                                   .Add(kRows, &ToySite::Rows, &ToyHub::AfterRows)
                                   .Add(kLevels, &ToySite::Levels, &ToyHub::AfterLevels);
  return protocol;
}

// Runs the hub against sites in one process, summing their vectors (the coordinator's job,
// without masking).
StatusOr<analysis::Json> RunToy(ToyHub& hub, std::vector<ToySite>& sites) {
  ASSIGN_OR_RETURN(analysis::RoundParameters parameters, hub.Begin());
  for (int round = 0; round < 10; ++round) {
    analysis::PooledRound pooled;
    for (size_t s = 0; s < sites.size(); ++s) {
      ASSIGN_OR_RETURN(analysis::Contribution contribution, sites[s].Local(parameters));
      if (pooled.sum.empty()) pooled.sum.assign(contribution.values.size(), 0.0);
      if (pooled.sum.size() != contribution.values.size()) return InvalidArgument("sites differ in length");
      for (size_t i = 0; i < pooled.sum.size(); ++i) pooled.sum[i] += contribution.values[i];
      pooled.sites.push_back("site" + std::to_string(s));
      pooled.disclosed.push_back(contribution.disclosed);
    }
    ASSIGN_OR_RETURN(analysis::HubStep step, hub.Combine(pooled));
    if (!step.next_round) return step.result;
    parameters = *step.next_round;
  }
  return Internal("no result after 10 rounds");
}

TEST(RoundProtocol, TheDriverNamesDispatchesAndUnpacksEachPhase) {
  ToyHub hub;
  std::vector<ToySite> sites = {ToySite(4, 3), ToySite(5, 3)};
  auto result = RunToy(hub, sites);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(hub.rows, 9);
  EXPECT_EQ(hub.cells, (std::vector<double>{2, 2, 2}));
}

TEST(RoundProtocol, SitesAndHubDisagreeingAboutALayoutIsAnErrorNamingAnalysisAndPhase) {
  ToyHub hub;
  std::vector<ToySite> sites = {ToySite(4, 4), ToySite(5, 4)};  // four cells where the hub expects three
  auto result = RunToy(hub, sites);
  ASSERT_FALSE(result.ok());
  const std::string message(result.status().message());
  EXPECT_NE(message.find("toy, phase levels"), std::string::npos) << message;
  EXPECT_NE(message.find("4 numbers where its layout (cells 3) has 3"), std::string::npos) << message;
}

TEST(RoundProtocol, ASiteRefusesAPhaseItsProtocolDoesNotDeclare) {
  ToySite site(4, 3);
  analysis::RoundParameters parameters;
  parameters.texts[analysis::kPhaseKey] = {"exfiltrate"};
  auto contribution = site.Local(parameters);
  ASSERT_FALSE(contribution.ok());
  const std::string message(contribution.status().message());
  EXPECT_NE(message.find("toy: the hub asked for phase \"exfiltrate\""), std::string::npos) << message;
  EXPECT_NE(message.find("it has rows, levels"), std::string::npos) << message;
  EXPECT_FALSE(site.Local(analysis::RoundParameters{}).ok());  // no phase at all
}

TEST(RoundProtocol, OnlyTheDriverWritesTheNumbers) {
  ToySite site(4, 3, /*writes_values=*/true);
  analysis::RoundParameters parameters;
  parameters.texts[analysis::kPhaseKey] = {"rows"};
  auto contribution = site.Local(parameters);
  ASSERT_FALSE(contribution.ok());
  EXPECT_NE(std::string(contribution.status().message()).find("wrote the contribution's numbers itself"),
            std::string::npos);
}

TEST(RoundProtocol, ARoundNobodyAskedForIsRefused) {
  ToyHub hub;
  analysis::PooledRound pooled;
  pooled.sum = {1};
  EXPECT_FALSE(hub.Combine(pooled).ok());
}

}  // namespace
}  // namespace medfed
