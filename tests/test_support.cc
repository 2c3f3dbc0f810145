#include "test_support.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

#include "medfed/core/file.h"
#include "medfed/core/text.h"
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

std::vector<SiteConfig> WriteCohort(uint64_t seed, const std::vector<size_t>& rows,
                                    int extra_covariates) {
  synth::CohortOptions options;
  options.seed = seed;
  options.rows = rows;
  options.sites.clear();
  for (size_t s = 0; s < rows.size(); ++s) {
    options.sites.push_back(std::string("hospital-") + static_cast<char>('a' + s));
  }
  options.extra_covariates = extra_covariates;
  std::vector<std::string> files = synth::GenerateColorectalCohort(options);
  std::string directory = MakeTempDir("medfed_cohort");
  std::vector<SiteConfig> sites;
  for (size_t s = 0; s < files.size(); ++s) {
    std::string path = directory + "/colon_" + static_cast<char>('a' + s) + ".csv";
    if (!WriteFileAtomically(path, files[s]).ok()) std::abort();
    SiteConfig site;
    site.name = options.sites[s];
    site.tables["colon"] = path;
    sites.push_back(std::move(site));
  }
  return sites;
}

StudyFile MakeStudy(std::vector<SiteConfig> sites, std::vector<AnalysisSpec> analyses) {
  StudyFile study;
  study.path = "test.toml";
  study.name = "test-study";
  study.sites = std::move(sites);
  study.analyses = std::move(analyses);
  return study;
}

std::vector<size_t> ParseRows(const std::string& text) {
  std::vector<size_t> rows;
  for (const auto& part : SplitString(text, ';')) rows.push_back(std::stoul(part));
  return rows;
}

}  // namespace medfed::testing
