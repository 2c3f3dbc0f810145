#include "test_support.h"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "gtest/gtest.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/core/file.h"
#include "medfed/core/text.h"
#include "medfed/stats/goodness_of_fit.h"
#include "medfed/synth/colorectal_cohort.h"

namespace medfed::testing {
namespace {

std::vector<std::string>& Created() {
  static std::vector<std::string> directories;
  static bool registered = false;
  if (!registered) {
    registered = true;
    std::atexit([] {
      for (const auto& directory : Created()) {
        std::error_code error;
        std::filesystem::remove_all(directory, error);
      }
    });
  }
  return directories;
}

}  // namespace

std::string MakeTempDir(const std::string& prefix) {
  static std::atomic<int> counter{0};
  auto path = std::filesystem::temp_directory_path() /
              (prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  Created().push_back(path.string());
  return path.string();
}

std::vector<federation::SiteConfig> WriteCohort(uint64_t seed, const std::vector<size_t>& rows, int extra_covariates) {
  synth::CohortOptions options;
  options.seed = seed;
  options.rows = rows;
  options.sites.clear();
  // hospital-a ... hospital-z, then (networks of more than 26 sites) hospital-027, ...
  auto letter_or_number = [](size_t s) {
    if (s < 26) return std::string(1, static_cast<char>('a' + s));
    std::string number = std::to_string(s + 1);
    return std::string(3 - std::min<size_t>(3, number.size()), '0') + number;
  };
  for (size_t s = 0; s < rows.size(); ++s) options.sites.push_back("hospital-" + letter_or_number(s));
  options.extra_covariates = extra_covariates;
  std::vector<std::string> files = synth::GenerateColorectalCohort(options);
  std::string directory = MakeTempDir("medfed_cohort");
  std::vector<federation::SiteConfig> sites;
  for (size_t s = 0; s < files.size(); ++s) {
    std::string path = directory + "/colon_" + letter_or_number(s) + ".csv";
    if (!WriteFileAtomically(path, files[s]).ok()) std::abort();
    federation::SiteConfig site;
    site.name = options.sites[s];
    site.tables["colon"] = path;
    sites.push_back(std::move(site));
  }
  return sites;
}

federation::StudyFile MakeStudy(std::vector<federation::SiteConfig> sites,
                                std::vector<analysis::AnalysisSpec> analyses) {
  federation::StudyFile study;
  study.path = "test.toml";
  study.name = "test-study";
  study.sites = std::move(sites);
  for (auto& spec : analyses) {
    const analysis::AnalysisDefinition* definition = analysis::FindAnalysis(spec.type());
    if (definition == nullptr) continue;
    analysis::Json keys = spec.keys();
    for (const auto& key : definition->keys) {
      if (key.kind != analysis::KeyKind::kReference || !keys.contains(key.name)) continue;
      const std::string value = keys[key.name].get<std::string>();
      if (analysis::ReferenceDigest(value)) continue;
      auto carried = federation::CarryReferenceFile(value, study.references);
      EXPECT_TRUE(carried.ok()) << carried.status();
      keys[key.name] = carried.value_or("");
    }
    spec = analysis::AnalysisSpec(spec.id(), spec.type(), std::move(keys));
  }
  study.analyses = std::move(analyses);
  return study;
}

std::vector<size_t> ParseRows(const std::string& text) {
  std::vector<size_t> rows;
  for (const auto& part : SplitString(text, ';')) rows.push_back(std::stoul(part));
  return rows;
}

std::map<int64_t, double> PooledNoisePmf(int64_t variance, int draws) {
  const int64_t reach = static_cast<int64_t>(12 * std::sqrt(static_cast<double>(variance)));
  std::map<int64_t, double> one;
  double total = 0;
  for (int64_t x = -reach; x <= reach; ++x) total += one[x] = std::exp(-double(x * x) / (2.0 * double(variance)));
  for (auto& [x, p] : one) p /= total;
  std::map<int64_t, double> sum = {{0, 1.0}};
  for (int d = 0; d < draws; ++d) {
    std::map<int64_t, double> next;
    for (const auto& [a, pa] : sum) {
      for (const auto& [b, pb] : one) next[a + b] += pa * pb;
    }
    sum = std::move(next);
  }
  return sum;
}

void ExpectNoiseFollows(const std::map<int64_t, int>& counts, const std::map<int64_t, double>& pmf) {
  double n = 0, sum = 0, squares = 0;
  for (const auto& [x, times] : counts) {
    n += times;
    sum += times * double(x);
    squares += times * double(x) * double(x);
  }
  double variance = 0, fourth = 0;
  for (const auto& [x, p] : pmf) {
    variance += p * double(x) * double(x);
    fourth += p * std::pow(double(x), 4);
  }
  ASSERT_GT(n, 0);
  EXPECT_LT(std::fabs(sum / n), 5 * std::sqrt(variance / n)) << "the noise is biased";
  EXPECT_LT(std::fabs(squares / n - variance), 5 * std::sqrt((fourth - variance * variance) / n))
      << "the noise's variance is not the stated one (" << variance << ")";
  EXPECT_GT(stats::PearsonGoodnessOfFitP(counts, pmf, static_cast<int>(n)), 1e-6);
}

}  // namespace medfed::testing
