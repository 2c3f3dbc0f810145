#include "medfed/privacy/population_risk.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "medfed/core/text.h"

namespace medfed::privacy {
namespace {

double Digamma(double x) {
  double result = 0;
  while (x < 6) {
    result -= 1 / x;
    x += 1;
  }
  const double inverse = 1 / x, inverse2 = inverse * inverse;
  return result + std::log(x) - 0.5 * inverse -
         inverse2 * (1.0 / 12 - inverse2 * (1.0 / 120 - inverse2 * (1.0 / 252 - inverse2 / 240)));
}

double Trigamma(double x) {
  double result = 0;
  while (x < 6) {
    result += 1 / (x * x);
    x += 1;
  }
  const double inverse = 1 / x, inverse2 = inverse * inverse;
  return result + inverse + 0.5 * inverse2 +
         inverse * inverse2 * (1.0 / 6 - inverse2 * (1.0 / 30 - inverse2 * (1.0 / 42 - inverse2 / 30)));
}

double LogChoose(double n, double k) { return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1); }

// P(X = 1) for X ~ Hypergeometric(population N, successes K, draws n).
double HypergeometricOne(double population, double successes, double draws) {
  if (successes < 1 || draws < 1 || population - successes < draws - 1) return 0;
  return std::exp(std::log(successes) + LogChoose(population - successes, draws - 1) - LogChoose(population, draws));
}

using Histogram = std::map<uint64_t, uint64_t>;  // class size -> number of classes

struct SampleSummary {
  Histogram histogram;
  double n = 0, u = 0, c1 = 0, c2 = 0;
};

SampleSummary Summarize(const std::vector<uint64_t>& class_sizes) {
  SampleSummary summary;
  for (uint64_t size : class_sizes) {
    if (size == 0) continue;
    ++summary.histogram[size];
    summary.n += static_cast<double>(size);
    summary.u += 1;
  }
  summary.c1 = summary.histogram.count(1) ? static_cast<double>(summary.histogram.at(1)) : 0;
  summary.c2 = summary.histogram.count(2) ? static_cast<double>(summary.histogram.at(2)) : 0;
  return summary;
}

bool Usable(double uniques, double population) {
  return std::isfinite(uniques) && uniques > 0 && uniques <= population;
}

// Zayatz (1991): the probability that a sample unique is a population unique, from the
// hypergeometric chance of drawing exactly one member of classes of each size.
std::optional<double> Zayatz(const SampleSummary& s, double population) {
  double denominator = 0;
  for (const auto& [size, count] : s.histogram) {
    denominator += static_cast<double>(count) / s.u * HypergeometricOne(population, static_cast<double>(size), s.n);
  }
  const double conditional = s.c1 / s.u * HypergeometricOne(population, 1, s.n) / denominator;
  const double uniques = s.c1 * conditional / (s.n / population);
  if (!Usable(uniques, population)) return std::nullopt;
  return uniques / population;
}

// Pitman's sampling formula (Hoshino 2001): maximum-likelihood theta and alpha by Newton's
// method on the score equations (closed forms through digamma and trigamma), started from
// Hoshino's moment estimates; population uniques = Gamma(theta+1)/Gamma(theta+alpha) N^alpha.
std::optional<double> Pitman(const SampleSummary& s, double population) {
  const double n = s.n, u = s.u, c1 = s.c1, c2 = s.c2 != 0 ? s.c2 : 1;
  const double c = c1 * (c1 - 1) / c2;
  double t = (n * u * c - c1 * (n - 1) * (2 * u + c)) / (2 * c1 * u + c1 * c - n * c);
  double a = (t * (c1 - n) + (n - 1) * c1) / (n * u);
  if (!(t > 0) || !std::isfinite(t)) t = 1;
  if (!(a > 0 && a < 1)) a = 0.5;
  auto score = [&](double theta, double alpha, double jacobian[4]) {
    const double x = theta / alpha;
    const double o1 = (Digamma(x + u) - Digamma(x + 1)) / alpha;  // sum 1/(t+i a), i < u
    const double d1 = (Trigamma(x + 1) - Trigamma(x + u)) / (alpha * alpha);
    const double o2 = Digamma(theta + n) - Digamma(theta + 1);  // sum 1/(t+i), i < n
    const double d2 = Trigamma(theta + 1) - Trigamma(theta + n);
    const double o3 = (u - 1) / alpha - x * o1;   // sum i/(t+i a)
    const double d5 = (o1 - theta * d1) / alpha;  // sum i/(t+i a)^2
    const double d3 = ((u - 1) - 2 * theta * o1 + theta * theta * d1) / (alpha * alpha);
    double o4 = 0, d4 = 0;
    for (const auto& [size, count] : s.histogram) {
      if (size == 1) continue;
      o4 += static_cast<double>(count) * (Digamma(static_cast<double>(size) - alpha) - Digamma(1 - alpha));
      d4 += static_cast<double>(count) * (Trigamma(1 - alpha) - Trigamma(static_cast<double>(size) - alpha));
    }
    jacobian[0] = d2 - d1;
    jacobian[1] = -d5;
    jacobian[2] = -d5;
    jacobian[3] = -d3 - d4;
    return std::pair<double, double>(o1 - o2, o3 - o4);
  };
  // The log-likelihood itself, for the line search (lgamma closed forms of the three sums).
  auto log_likelihood = [&](double theta, double alpha) {
    double value = (u - 1) * std::log(alpha) + std::lgamma(theta / alpha + u) - std::lgamma(theta / alpha + 1) -
                   (std::lgamma(theta + n) - std::lgamma(theta + 1));
    for (const auto& [size, count] : s.histogram) {
      value += static_cast<double>(count) * (std::lgamma(static_cast<double>(size) - alpha) - std::lgamma(1 - alpha));
    }
    return value;
  };
  // Damped Newton ascent: the Newton step where the Hessian is negative definite, the gradient
  // otherwise, halved until the likelihood rises and the parameters stay in range.
  double current = log_likelihood(t, a);
  for (int iteration = 0; iteration < 500; ++iteration) {
    double hessian[4];
    const auto [g1, g2] = score(t, a, hessian);
    if (!std::isfinite(g1) || !std::isfinite(g2)) return std::nullopt;
    if (std::abs(g1) * std::max(1.0, t) < 1e-10 && std::abs(g2) < 1e-10) break;
    const double determinant = hessian[0] * hessian[3] - hessian[1] * hessian[2];
    double step_t = g1, step_a = g2;
    if (hessian[0] < 0 && determinant > 0) {
      step_t = -(hessian[3] * g1 - hessian[1] * g2) / determinant;
      step_a = -(hessian[0] * g2 - hessian[2] * g1) / determinant;
    } else {
      const double norm = std::max(std::abs(step_t) / std::max(1.0, t), std::abs(step_a));
      step_t /= norm * 10;
      step_a /= norm * 10;
    }
    double scale = 1;
    bool moved = false;
    for (; scale > 1e-14; scale /= 2) {
      const double next_t = t + scale * step_t, next_a = a + scale * step_a;
      if (!(next_t > 0 && next_a > 0 && next_a < 1)) continue;
      const double next = log_likelihood(next_t, next_a);
      if (next >= current) {
        t = next_t;
        a = next_a;
        current = next;
        moved = true;
        break;
      }
    }
    if (!moved) break;
  }
  const double uniques = std::exp(std::lgamma(t + 1) - std::lgamma(t + a) + a * std::log(population));
  if (!Usable(uniques, population)) return std::nullopt;
  return uniques / population;
}

// SNB (Chen & Keller-McNulty 1998): population class sizes F with F-1 ~ NegativeBinomial(a, b),
// each member sampled with probability f. Expected sample classes of size 1 and 2 per
// population class (from the probability generating function, d = (1-f)(1-b)):
//   P(s=1) = f (b/(1-d))^a (1 + a d/(1-d))
//   P(s=2) = f^2 a b^a (1-b) (2 - (1-a) d) / (2 (1-d)^(a+2))
// K is the number of population classes (Shlosser's estimator, Haas & Stokes 1998); a and b
// solve K P(s=1) = c1, K P(s=2) = c2; population uniques = K b^a.
std::optional<double> ShiftedNegativeBinomial(const SampleSummary& s, double population) {
  const double f = s.n / population;
  if (f >= 1) return std::nullopt;
  double numerator = 0, denominator = 0;
  for (const auto& [size, count] : s.histogram) {
    const auto i = static_cast<double>(size), fi = static_cast<double>(count);
    numerator += std::pow(1 - f, i) * fi;
    denominator += i * f * std::pow(1 - f, i - 1) * fi;
  }
  const double classes = s.u + s.c1 * numerator / denominator;
  // Solve in unconstrained coordinates: a = exp(p), b = 1 / (1 + exp(-q)).
  auto equations = [&](double p, double q, double out[2]) {
    const double a = std::exp(p), b = 1 / (1 + std::exp(-q)), d = (1 - f) * (1 - b);
    out[0] = classes * f * std::pow(b / (1 - d), a) * (1 + a * d / (1 - d)) / s.c1 - 1;
    out[1] = classes * f * f * a * std::pow(b, a) * (1 - b) * (2 - (1 - a) * d) / (2 * std::pow(1 - d, a + 2)) /
                 std::max(s.c2, 1.0) -
             (s.c2 > 0 ? 1 : 0);
  };
  for (double start_p : {0.0, -2.0, 2.0}) {
    for (double start_q : {0.0, -4.0, 4.0}) {
      double p = start_p, q = start_q;
      for (int iteration = 0; iteration < 200; ++iteration) {
        double value[2], shifted_p[2], shifted_q[2];
        equations(p, q, value);
        if (!std::isfinite(value[0]) || !std::isfinite(value[1])) break;
        if (std::abs(value[0]) < 1e-10 && std::abs(value[1]) < 1e-10) {
          const double a = std::exp(p), b = 1 / (1 + std::exp(-q));
          const double uniques = classes * std::pow(b, a);
          if (Usable(uniques, population)) return uniques / population;
          break;
        }
        const double h = 1e-7;
        equations(p + h, q, shifted_p);
        equations(p, q + h, shifted_q);
        const double j00 = (shifted_p[0] - value[0]) / h, j01 = (shifted_q[0] - value[0]) / h;
        const double j10 = (shifted_p[1] - value[1]) / h, j11 = (shifted_q[1] - value[1]) / h;
        const double determinant = j00 * j11 - j01 * j10;
        if (determinant == 0 || !std::isfinite(determinant)) break;
        const double step_p = (j11 * value[0] - j01 * value[1]) / determinant;
        const double step_q = (j00 * value[1] - j10 * value[0]) / determinant;
        // Damped: never move more than 2 in either coordinate at once.
        const double scale = std::min(1.0, 2 / std::max(std::abs(step_p), std::abs(step_q)));
        p -= scale * step_p;
        q -= scale * step_q;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

JournalistMarketerRisk PopulationTableRisk(const std::vector<uint64_t>& sample_sizes,
                                           const std::vector<uint64_t>& population_sizes, double threshold) {
  JournalistMarketerRisk risk;
  double records = 0, at_risk = 0, expected = 0;
  uint64_t smallest = UINT64_MAX;
  for (size_t j = 0; j < sample_sizes.size(); ++j) {
    const auto f = static_cast<double>(sample_sizes[j]), population = static_cast<double>(population_sizes[j]);
    records += f;
    smallest = std::min(smallest, population_sizes[j]);
    if (1 / population > threshold) at_risk += f;
    expected += f / population;
  }
  if (records == 0) return risk;
  risk.journalist_highest = 1 / static_cast<double>(smallest);
  risk.journalist_records_at_risk = at_risk / records;
  risk.marketer = expected / records;
  return risk;
}

namespace {

// One class's values as a map key: each value length-prefixed, so no value can pose as two.
std::string ClassKey(const std::vector<std::vector<std::string>>& columns, uint64_t row) {
  std::string key;
  for (const auto& column : columns) {
    const std::string& value = column[row];
    key += std::to_string(value.size());
    key += ':';
    key += value;
  }
  return key;
}

}  // namespace

StatusOr<JournalistMarketerRisk> MatchPopulationTable(const std::vector<std::string>& names,
                                                      const std::vector<std::vector<std::string>>& sample,
                                                      uint64_t records,
                                                      const std::vector<std::vector<std::string>>& population,
                                                      const std::vector<uint64_t>& population_counts,
                                                      double threshold) {
  std::unordered_map<std::string, uint64_t> population_sizes;
  for (uint64_t row = 0; row < population_counts.size(); ++row) {
    uint64_t& people = population_sizes[ClassKey(population, row)];
    if (population_counts[row] > UINT64_MAX - people) {
      return InvalidArgument("row " + std::to_string(row + 1) + " takes a class's people past 2^64");
    }
    people += population_counts[row];
  }
  std::unordered_map<std::string, uint64_t> sample_sizes;
  std::vector<std::pair<std::string, uint64_t>> classes;  // key and first record, in order of appearance
  for (uint64_t record = 0; record < records; ++record) {
    std::string key = ClassKey(sample, record);
    if (sample_sizes[key]++ == 0) classes.emplace_back(std::move(key), record);
  }
  std::vector<uint64_t> sizes, matched;
  for (const auto& [key, first] : classes) {
    const uint64_t size = sample_sizes[key];
    const auto found = population_sizes.find(key);
    if (found == population_sizes.end() || found->second < size) {
      std::vector<std::string> shown;
      for (const auto& column : sample) shown.push_back(column[first]);
      return InvalidArgument("the population has " +
                             (found == population_sizes.end() ? std::string("no") : std::to_string(found->second)) +
                             " people with " + JoinStrings(names, ",") + " = " + JoinStrings(shown, ",") +
                             ", but the data has " + std::to_string(size) +
                             "; the population table must cover the data");
    }
    sizes.push_back(size);
    matched.push_back(found->second);
  }
  return PopulationTableRisk(sizes, matched, threshold);
}

PopulationUniqueness EstimatePopulationUniqueness(const std::vector<uint64_t>& class_sizes, double population) {
  const SampleSummary summary = Summarize(class_sizes);
  PopulationUniqueness result;
  result.population = population;
  result.sampling_fraction = population > 0 ? summary.n / population : 0;
  if (summary.c1 == 0 || summary.n == 0 || population < summary.n) {
    result.zayatz = result.pitman = result.snb = 0.0;
    result.dankar_model = "none";
    return result;
  }
  result.zayatz = Zayatz(summary, population);
  result.pitman = Pitman(summary, population);
  result.snb = ShiftedNegativeBinomial(summary, population);
  if (result.sampling_fraction <= 0.1) {
    if (result.pitman) {
      result.dankar = *result.pitman;
      result.dankar_model = "pitman";
    } else {
      result.dankar = result.zayatz.value_or(0);
      result.dankar_model = "zayatz";
    }
  } else if (result.snb && (!result.zayatz || *result.snb <= *result.zayatz)) {
    result.dankar = *result.snb;
    result.dankar_model = "snb";
  } else {
    result.dankar = result.zayatz.value_or(0);
    result.dankar_model = "zayatz";
  }
  return result;
}

}  // namespace medfed::privacy
