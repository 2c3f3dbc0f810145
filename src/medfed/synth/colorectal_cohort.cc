#include "medfed/synth/colorectal_cohort.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "medfed/core/random.h"

namespace medfed::synth {
namespace {

const char* const kCities[] = {"北京", "上海", "广州", "成都", "武汉", "杭州"};
const char* const kStages[] = {"I", "II", "III", "IV"};
const char* const kArms[] = {"Obs", "Lev", "Lev+5FU"};
const char* const kDiffer[] = {"well", "moderate", "poor"};

std::string Fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  return buffer;
}

// A keyed pseudonym as a hospital would derive it from a resident ID (here from a person
// number, with splitmix64 as the mixing function: deterministic, no draw from the RNG, so the
// other columns do not change).
std::string Pseudonym(uint64_t person) {
  uint64_t z = person + 0x9E3779B97F4A7C15ull * 0x5EED;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(z));
  return text;
}

}  // namespace

uint64_t ColorectalPerson(const std::vector<size_t>& site_rows, size_t site, size_t row) {
  // Patients referred on: every 20th patient (rows 7, 27, ...) of a hospital was also treated at
  // the hospital before it (when that one has as many rows), and so on down the chain; every
  // 50th of the third (rows 11, 61, ...) also at the first.
  if (site >= 1 && row % 20 == 7 && row < site_rows[site - 1]) return ColorectalPerson(site_rows, site - 1, row);
  if (site == 2 && row % 50 == 11 && row < site_rows[0]) return ColorectalPerson(site_rows, 0, row);
  return static_cast<uint64_t>(site) * 1000000 + row;
}

std::vector<std::string> GenerateColorectalCohort(const CohortOptions& options) {
  std::vector<std::string> files;
  for (size_t s = 0; s < options.sites.size(); ++s) {
    DeterministicRandom random(options.seed * 1000003 + s * 7919 + 17);
    // Hospitals differ in case mix: later sites see older, more advanced patients.
    const double age_shift = 3.0 * static_cast<double>(s);
    const std::vector<double> stage_weights = {0.18 - 0.03 * s, 0.36, 0.33 + 0.02 * s, 0.13 + 0.01 * s};
    std::string csv =
        "id,city,age,sex,stage,rx,nodes,differ,obstruct,cea,bmi,time,status,recurrence,visits,"
        "fu_years";
    for (int k = 1; k <= options.extra_covariates; ++k) csv += ",x" + std::to_string(k);
    csv += ",pseudonym\n";
    std::vector<size_t> site_rows;
    for (size_t t = 0; t < options.sites.size(); ++t) {
      site_rows.push_back(t < options.rows.size() ? options.rows[t] : options.rows.back());
    }
    const size_t rows = site_rows[s];
    const std::string city = kCities[s % 6];
    for (size_t i = 0; i < rows; ++i) {
      double age = std::clamp(std::round(random.Normal(59 + age_shift, 11.5)), 18.0, 92.0);
      bool female = random.Bernoulli(0.47);
      size_t stage = random.Categorical(stage_weights);
      size_t arm = random.Below(3);
      double node_mean = stage <= 1 ? 0.3 : (stage == 2 ? 3.5 : 6.0);
      int64_t nodes = random.Poisson(node_mean);
      size_t differ = random.Categorical({0.15, 0.7, 0.15});
      bool obstruct = random.Bernoulli(0.19);
      double cea = std::exp(random.Normal(1.2 + 0.35 * static_cast<double>(stage), 0.9));
      double bmi = 24.5 + 0.04 * (age - 60) + (female ? -0.8 : 0.4) + random.Normal(0, 3.6);
      std::vector<double> extra;
      for (int k = 0; k < options.extra_covariates; ++k) extra.push_back(random.Normal());

      // Death: Weibull proportional hazards.
      double linear = 0.025 * (age - 60) + 0.55 * static_cast<double>(stage) +
                      0.06 * static_cast<double>(std::min<int64_t>(nodes, 20)) +
                      (arm == 2 ? -0.38 : (arm == 1 ? -0.05 : 0.0)) + (female ? -0.1 : 0.0) + (obstruct ? 0.25 : 0.0) +
                      0.25 * static_cast<double>(differ);
      for (int k = 0; k < options.extra_covariates; ++k) {
        linear += 0.08 * (k % 3 == 0 ? 1 : -0.5) * extra[static_cast<size_t>(k)];
      }
      const double shape = 1.15;
      const double scale = 5200.0;
      double event_time = scale * std::pow(-std::log(1 - random.Uniform()) * std::exp(-linear), 1 / shape);
      double censor_time = random.Uniform(365, 3300);
      double time = std::max(1.0, std::round(std::min(event_time, censor_time)));
      int status = event_time <= censor_time ? 1 : 0;

      // Recurrence: logistic.
      double logit = -2.4 + 0.62 * static_cast<double>(stage) + 0.09 * static_cast<double>(nodes) +
                     (arm == 2 ? -0.55 : (arm == 1 ? -0.1 : 0.0)) + 0.012 * (age - 60) + (obstruct ? 0.3 : 0.0);
      int recurrence = random.Bernoulli(1 / (1 + std::exp(-logit))) ? 1 : 0;

      // Hospital visits over follow-up: Poisson with exposure.
      double years = time / 365.25;
      double rate = std::exp(0.9 + 0.18 * static_cast<double>(stage) + (arm > 0 ? 0.3 : 0.0));
      int64_t visits = random.Poisson(rate * years);

      // Missing values, as in real extracts.
      bool age_missing = random.Bernoulli(0.01);
      bool nodes_missing = random.Bernoulli(0.02);
      bool differ_missing = random.Bernoulli(0.025);
      bool cea_missing = random.Bernoulli(0.05);

      char id[32];
      std::snprintf(id, sizeof(id), "%c%05zu", static_cast<char>('A' + s), i + 1);
      csv += id;
      csv += "," + city;
      csv += "," + (age_missing ? std::string("NA") : Fixed(age, 0));
      csv += female ? ",F" : ",M";
      csv += std::string(",") + kStages[stage];
      csv += std::string(",") + kArms[arm];
      csv += "," + (nodes_missing ? std::string("") : std::to_string(nodes));
      csv += "," + (differ_missing ? std::string("NA") : std::string(kDiffer[differ]));
      csv += obstruct ? ",TRUE" : ",FALSE";
      csv += "," + (cea_missing ? std::string("NA") : Fixed(cea, 1));
      csv += "," + Fixed(bmi, 1);
      csv += "," + Fixed(time, 0);
      csv += "," + std::to_string(status);
      csv += "," + std::to_string(recurrence);
      csv += "," + std::to_string(visits);
      csv += "," + Fixed(years, 4);
      for (double x : extra) csv += "," + Fixed(x, 4);
      csv += "," + Pseudonym(ColorectalPerson(site_rows, s, i));
      csv += "\n";
    }
    files.push_back(std::move(csv));
  }
  return files;
}

}  // namespace medfed::synth
