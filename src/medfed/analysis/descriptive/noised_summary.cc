#include "medfed/analysis/descriptive/noised_summary.h"

#include <algorithm>
#include <cmath>

#include "medfed/analysis/descriptive/summary_columns.h"
#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/noised_release.h"
#include "medfed/analysis/engine/round_protocol.h"
#include "medfed/core/text.h"
#include "medfed/crypto/secure_random.h"

namespace medfed::analysis {
namespace {

constexpr double kGrid = 1024;  // sum sensitivity in grid units
constexpr size_t kBins = 32;    // histogram for the quartiles
const std::vector<double> kProbabilities = {0.25, 0.5, 0.75};

struct Bounds {
  double lower = 0, upper = 0;
  double SumStep() const { return std::max(std::fabs(lower), std::fabs(upper)) / kGrid; }
  double SquareStep() const { return std::max(lower * lower, upper * upper) / kGrid; }
};

// The protocol: one round; per variable, in grid units, the noise groups below in this order.
struct NoisedVariableSums {
  double n = 0;
  double missing = 0;
  double sum = 0;
  double squares = 0;
  std::vector<double> histogram = std::vector<double>(kBins, 0.0);
  template <class Fields>
  void Layout(Fields& fields) {
    fields("n", n);
    fields("missing", missing);
    fields("sum", sum);
    fields("squares", squares);
    fields("histogram", histogram);
  }
};
struct NoisedSummarySums {
  std::vector<NoisedVariableSums> variables;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("variables", variables);
  }
};
inline constexpr Phase<NoisedSummarySums> kNoisedSummary{"noised_summary"};

// Coordinates per variable: present, missing | sum | sum of squares | kBins histogram.
constexpr size_t kBlock = 4 + kBins;

std::vector<privacy::NoiseGroup> Groups(size_t variables) {
  std::vector<privacy::NoiseGroup> groups;
  for (size_t v = 0; v < variables; ++v) {
    const size_t base = v * kBlock;
    groups.push_back({base, 2, 1});
    groups.push_back({base + 2, 1, static_cast<int64_t>(kGrid)});
    groups.push_back({base + 3, 1, static_cast<int64_t>(kGrid)});
    groups.push_back({base + 4, kBins, 1});
  }
  return groups;
}

StatusOr<std::vector<Bounds>> BoundsOf(const AnalysisSpec& spec, const std::vector<std::string>& labels) {
  if (!spec.Has("bounds")) {
    return InvalidArgument("a noised summary needs clipping bounds for every variable, e.g. bounds = { " +
                           (labels.empty() ? std::string("age") : labels[0]) +
                           " = [0, 100] }: they bound what "
                           "one patient can change, and values outside are clipped to them");
  }
  const Json& table = spec.keys().at("bounds");
  std::vector<Bounds> bounds;
  for (const auto& label : labels) {
    if (!table.contains(label)) {
      return InvalidArgument("bounds has no entry for " + QuoteForMessage(label) + "; give " + label +
                             " = [LOWER, UPPER]");
    }
    const Json& pair = table.at(label);
    if (!pair.is_array() || pair.size() != 2) {
      return InvalidArgument("bounds." + label + " must be [LOWER, UPPER]");
    }
    Bounds b{pair[0].get<double>(), pair[1].get<double>()};
    if (!std::isfinite(b.lower) || !std::isfinite(b.upper) || !(b.lower < b.upper) ||
        std::max(std::fabs(b.lower), std::fabs(b.upper)) > 1e12) {
      return InvalidArgument("bounds." + label + " must be two finite numbers, the lower below the upper, within 1e12");
    }
    bounds.push_back(b);
  }
  for (const auto& [name, value] : table.items()) {
    if (std::find(labels.begin(), labels.end(), name) == labels.end()) {
      return InvalidArgument("bounds names " + QuoteForMessage(name) + ", which is not among the variables");
    }
  }
  return bounds;
}

// floor(x) or floor(x)+1 with probability frac(x): unbiased, so rounding adds no bias to the sum.
double RandomRound(double x) {
  const double whole = std::floor(x);
  const double fraction = x - whole;
  return crypto::RandomUnit() < fraction ? whole + 1 : whole;
}

class NoisedSummarySite;
class NoisedSummaryHub;
const Protocol<NoisedSummarySite, NoisedSummaryHub>& NoisedSummaryProtocol();

class NoisedSummarySite : public ProtocolSite<NoisedSummarySite, NoisedSummaryHub> {
 public:
  NoisedSummarySite(std::shared_ptr<const table::Table> table, std::vector<table::Expression> variables,
                    const AnalysisSpec& spec, std::vector<Bounds> bounds, privacy::PrivacyTarget privacy,
                    SiteContext context)
      : ProtocolSite(NoisedSummaryProtocol()),
        table_(std::move(table)),
        variables_(std::move(variables)),
        where_(spec.String("where")),
        bounds_(std::move(bounds)),
        privacy_(privacy),
        context_(context) {}

  StatusOr<Contribution> Release(const RoundParameters&, NoisedSummarySums& sums) {
    ASSIGN_OR_RETURN(SummaryColumns columns, ReadSummaryColumns(*table_, variables_, where_, context_));
    if (auto refusal = RefuseIfTooFewRows(columns.rows.size(), context_)) return *refusal;
    Contribution contribution;
    sums.variables.resize(variables_.size());
    for (size_t v = 0; v < variables_.size(); ++v) {
      NoisedVariableSums& block = sums.variables[v];
      const Bounds& b = bounds_[v];
      block.n = static_cast<double>(columns.values[v].size());
      block.missing = static_cast<double>(columns.missing[v]);
      for (double x : columns.values[v]) {
        const double clipped = std::clamp(x, b.lower, b.upper);
        // Each rounded term lies in [-kGrid, kGrid]: the sensitivity the noise is sized for.
        block.sum += std::clamp(RandomRound(clipped / b.SumStep()), -kGrid, kGrid);
        block.squares += std::clamp(RandomRound(clipped * clipped / b.SquareStep()), 0.0, kGrid);
        const double position = (clipped - b.lower) / (b.upper - b.lower) * kBins;
        block.histogram[std::min(kBins - 1, static_cast<size_t>(std::max(0.0, position)))] += 1;
      }
    }
    contribution.released_rows.push_back(MakeReleasedRows(*table_, columns.rows));
    contribution.noise = MakeNoiseRequest(Groups(variables_.size()), privacy_);
    return contribution;
  }

 private:
  std::shared_ptr<const table::Table> table_;
  std::vector<table::Expression> variables_;
  std::string where_;
  std::vector<Bounds> bounds_;
  privacy::PrivacyTarget privacy_;
  SiteContext context_;
};

class NoisedSummaryHub : public ProtocolHub<NoisedSummarySite, NoisedSummaryHub> {
 public:
  NoisedSummaryHub(std::vector<std::string> labels, std::vector<Bounds> bounds, privacy::PrivacyTarget privacy,
                   const HubContext& context)
      : ProtocolHub(NoisedSummaryProtocol()),
        labels_(std::move(labels)),
        bounds_(std::move(bounds)),
        privacy_(privacy),
        context_(context) {}

  StatusOr<RoundParameters> Begin() override {
    NoisedSummarySums shape;
    shape.variables.resize(labels_.size());
    return Ask(kNoisedSummary, {}, std::move(shape));
  }

  StatusOr<HubStep> AfterRelease(NoisedSummarySums& pooled, const PooledRound&) {
    ASSIGN_OR_RETURN(privacy::NoiseCalibration noise,
                     PooledNoise(Groups(labels_.size()), privacy_, context_.sites.size()));
    Json variables = Json::array();
    for (size_t v = 0; v < labels_.size(); ++v) {
      const NoisedVariableSums& block = pooled.variables[v];
      const Bounds& b = bounds_[v];
      const double count_variance = noise.pooled_variance[4 * v];
      const double sum_variance = noise.pooled_variance[4 * v + 1] * b.SumStep() * b.SumStep();
      const double bin_variance = noise.pooled_variance[4 * v + 3];
      const double n = block.n;
      const double sum = block.sum * b.SumStep();
      const double squares = block.squares * b.SquareStep();
      Json variable;
      variable["name"] = labels_[v];
      variable["n"] = static_cast<int64_t>(std::llround(n));
      variable["missing"] = static_cast<int64_t>(std::llround(block.missing));
      variable["bounds"] = {b.lower, b.upper};
      if (n < 2) {
        variable["suppressed"] = true;
        variable["note"] = "the noised count is below 2; no mean or sd";
        variables.push_back(std::move(variable));
        continue;
      }
      const double mean = std::clamp(sum / n, b.lower, b.upper);
      const double variance = std::max(0.0, (squares - n * mean * mean) / (n - 1));
      variable["mean"] = mean;
      variable["sd"] = std::sqrt(variance);
      // The mean's variance: sampling (sd^2 / n) plus the noise of the sum and of n (delta method).
      const double mean_variance = variance / n + sum_variance / (n * n) + mean * mean * count_variance / (n * n);
      const double half = kNormal975 * std::sqrt(mean_variance);
      variable["mean_ci95"] = {mean - half, mean + half};
      variable["quantiles"] = Quartiles(block.histogram.data(), b);
      variable["noise_sd"] = {{"n", std::sqrt(count_variance)},
                              {"sum", std::sqrt(sum_variance)},
                              {"histogram_bin", std::sqrt(bin_variance)}};
      variables.push_back(std::move(variable));
    }
    Json result;
    result["status"] = "ok";
    result["variables"] = std::move(variables);
    result["privacy"] = PrivacyJson(privacy_, context_.sites.size());
    result["note"] = "noised summary: values clipped to their bounds; quartiles from a " + std::to_string(kBins) +
                     "-bin noised histogram (linear within a bin); the mean's interval includes the noise";
    return HubStep::Finish(std::move(result));
  }

 private:
  // Quartiles from the noised histogram: negative bins count as empty, then linear within bins.
  static Json Quartiles(const double* bins, const Bounds& b) {
    std::vector<double> counts(bins, bins + kBins);
    double total = 0;
    for (double& count : counts) total += (count = std::max(0.0, count));
    Json quantiles = Json::object();
    if (total <= 0) return quantiles;
    const double width = (b.upper - b.lower) / kBins;
    for (double p : kProbabilities) {
      const double target = p * total;
      double cumulative = 0;
      double value = b.upper;
      for (size_t k = 0; k < kBins; ++k) {
        if (counts[k] > 0 && cumulative + counts[k] >= target) {
          value = b.lower + width * (static_cast<double>(k) + (target - cumulative) / counts[k]);
          break;
        }
        cumulative += counts[k];
      }
      char key[16];
      std::snprintf(key, sizeof key, "%g", p);
      quantiles[key] = value;
    }
    return quantiles;
  }

  std::vector<std::string> labels_;
  std::vector<Bounds> bounds_;
  privacy::PrivacyTarget privacy_;
  HubContext context_;
};

const Protocol<NoisedSummarySite, NoisedSummaryHub>& NoisedSummaryProtocol() {
  static const auto protocol = Protocol<NoisedSummarySite, NoisedSummaryHub>("summary").Add(
      kNoisedSummary, &NoisedSummarySite::Release, &NoisedSummaryHub::AfterRelease);
  return protocol;
}

}  // namespace

Status ValidateNoisedSummary(const AnalysisSpec& spec, const std::vector<std::string>& labels) {
  return BoundsOf(spec, labels).status();
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateNoisedSummarySite(const AnalysisSpec& spec, SiteContext& context,
                                                                std::shared_ptr<const table::Table> table,
                                                                std::vector<table::Expression> variables) {
  ASSIGN_OR_RETURN(std::optional<privacy::PrivacyTarget> privacy, PrivacyTargetOf(spec));
  ASSIGN_OR_RETURN(std::vector<Bounds> bounds, BoundsOf(spec, spec.Strings("variables")));
  return std::unique_ptr<SiteAnalysis>(
      new NoisedSummarySite(std::move(table), std::move(variables), spec, std::move(bounds), *privacy, context));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateNoisedSummaryHub(const AnalysisSpec& spec, const HubContext& context,
                                                              std::vector<std::string> labels) {
  ASSIGN_OR_RETURN(std::optional<privacy::PrivacyTarget> privacy, PrivacyTargetOf(spec));
  ASSIGN_OR_RETURN(std::vector<Bounds> bounds, BoundsOf(spec, labels));
  return std::unique_ptr<HubAnalysis>(new NoisedSummaryHub(std::move(labels), std::move(bounds), *privacy, context));
}

}  // namespace medfed::analysis
