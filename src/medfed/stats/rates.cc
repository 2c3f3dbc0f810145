#include "medfed/stats/rates.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "medfed/core/text.h"
#include "medfed/stats/distributions.h"

namespace medfed::stats {
namespace {

const std::vector<StandardPopulation>& Standards() {
  static const std::vector<StandardPopulation> standards = {
      {"us2000",
       "2000 U.S. standard population, 19 age groups (Census P25-1130; SEER's standard)",
       {0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85},
       {3794901, 15191619, 19919840, 20056779, 19819518, 18257225, 17722067, 19511370, 22179956, 22479229, 19805793,
        17224359, 13307234, 10654272, 9409940, 8725574, 7414559, 4900234, 4259173}},
      {"segi1960",
       "Segi's 1960 world standard population, 18 age groups (per 100,000)",
       {0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85},
       {12000, 10000, 9000, 9000, 8000, 8000, 6000, 6000, 6000, 6000, 5000, 4000, 4000, 3000, 2000, 1000, 500, 500}},
      {"china2000",
       "2000 census population of China, 19 age groups (China's cancer registry standard)",
       {0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85},
       {13793799, 55184575, 90152587, 125396633, 103031165, 94573174, 117602265, 127314298, 109147295, 81242945,
        85521045, 63304200, 46370375, 41703848, 34780460, 25574149, 15928330, 7989158, 4001925}},
  };
  return standards;
}

double GammaQuantileScaled(double p, double shape, double scale) { return GammaQuantile(p, shape) * scale; }

}  // namespace

StatusOr<const StandardPopulation*> FindStandardPopulation(const std::string& name) {
  for (const auto& standard : Standards()) {
    if (standard.name == name) return &standard;
  }
  return InvalidArgument("unknown standard population " + QuoteForMessage(name) +
                         "; available: " + JoinStrings(StandardPopulationNames(), ", "));
}

std::vector<std::string> StandardPopulationNames() {
  std::vector<std::string> names;
  for (const auto& standard : Standards()) names.push_back(standard.name);
  return names;
}

StatusOr<double> AgeGroupLowerBound(const std::string& label) {
  std::string_view text = TrimWhitespace(label);
  size_t end = 0;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  if (end == 0) {
    return InvalidArgument("age group " + QuoteForMessage(label) +
                           " is not understood; write the lower bound (\"0\", \"1-4\", "
                           "\"05-09\", \"85+\")");
  }
  std::string_view rest = TrimWhitespace(text.substr(end));
  if (!rest.empty() && rest != "+" && rest[0] != '-' && rest != "years" && !StartsWith(rest, "-") &&
      !StartsWith(rest, "+")) {
    return InvalidArgument("age group " + QuoteForMessage(label) + " is not understood");
  }
  return std::stod(std::string(text.substr(0, end)));
}

StatusOr<AgeAlignment> AlignAgeGroups(const std::vector<double>& data_lower_bounds,
                                      const StandardPopulation& standard) {
  if (data_lower_bounds.empty() || data_lower_bounds.front() != 0) {
    return InvalidArgument("the age groups must start at 0 (the standard population " + standard.name +
                           " covers all ages)");
  }
  std::vector<double> common;
  for (double bound : data_lower_bounds) {
    if (std::find(standard.lower_bounds.begin(), standard.lower_bounds.end(), bound) != standard.lower_bounds.end()) {
      common.push_back(bound);
    }
  }
  AgeAlignment alignment;
  alignment.lower_bounds = common;
  auto group_of = [&](double age) {
    size_t group = 0;
    for (size_t g = 0; g < common.size(); ++g) {
      if (age >= common[g]) group = g;
    }
    return group;
  };
  for (double bound : data_lower_bounds) alignment.data_to_common.push_back(group_of(bound));
  alignment.standard_population.assign(common.size(), 0.0);
  for (size_t g = 0; g < standard.lower_bounds.size(); ++g) {
    alignment.standard_population[group_of(standard.lower_bounds[g])] += standard.population[g];
  }
  return alignment;
}

RateEstimate CrudeRate(double cases, double population, double per, double confidence) {
  RateEstimate estimate;
  estimate.cases = cases;
  estimate.population = population;
  if (population <= 0) {
    estimate.rate = estimate.std_error = estimate.lower = estimate.upper = std::nan("");
    return estimate;
  }
  const double alpha = (1 - confidence) / 2;
  estimate.rate = cases / population * per;
  estimate.std_error = std::sqrt(cases) / population * per;
  estimate.lower = cases > 0 ? GammaQuantile(alpha, cases) / population * per : 0.0;
  estimate.upper = GammaQuantile(1 - alpha, cases + 1) / population * per;
  return estimate;
}

StatusOr<RateEstimate> AgeAdjustedRate(const std::vector<double>& cases, const std::vector<double>& population,
                                       const std::vector<double>& standard, double per, double confidence) {
  const double total_standard = std::accumulate(standard.begin(), standard.end(), 0.0);
  RateEstimate estimate;
  double y = 0, v = 0, weight_sum = 0, weight_square_sum = 0;
  size_t groups = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    estimate.cases += cases[i];
    estimate.population += population[i];
    if (population[i] <= 0) {
      if (cases[i] > 0) {
        return InvalidArgument("an age group has " + FormatSignificant(cases[i], 10) +
                               " cases but no population at risk; check the population table");
      }
      continue;
    }
    const double w = standard[i] / (population[i] * total_standard) * per;
    y += w * cases[i];
    v += w * w * cases[i];
    weight_sum += w;
    weight_square_sum += w * w;
    ++groups;
  }
  estimate.rate = y;
  estimate.std_error = std::sqrt(v);
  const double alpha = (1 - confidence) / 2;
  if (groups == 0) {
    estimate.rate = estimate.std_error = estimate.lower = estimate.upper = std::nan("");
    return estimate;
  }
  estimate.lower = y > 0 ? GammaQuantileScaled(alpha, y * y / v, v / y) : 0.0;
  // Tiwari, Clegg & Zou: y* = y + mean(w), v* = v + mean(w^2).
  const double y_star = y + weight_sum / static_cast<double>(groups);
  const double v_star = v + weight_square_sum / static_cast<double>(groups);
  estimate.upper = GammaQuantileScaled(1 - alpha, y_star * y_star / v_star, v_star / y_star);
  return estimate;
}

}  // namespace medfed::stats
