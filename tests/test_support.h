// Helpers shared by the integration tests: temporary directories, synthetic cohorts written to
// disk, study files built in code.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "medfed/analysis/engine/analysis_spec.h"
#include "medfed/federation/study_file.h"

namespace medfed::testing {

// A fresh empty directory under the system temporary directory, removed at process exit.
std::string MakeTempDir(const std::string& prefix);

// Writes the synthetic cohort for (seed, rows per site) as colon_a.csv, ... into a new temp
// directory and returns the study's sites (table "colon").
std::vector<federation::SiteConfig> WriteCohort(uint64_t seed, const std::vector<size_t>& rows,
                                                int extra_covariates = 0);

// As the study file reader does, reference keys given as a file's path (an ontology, an
// expected-survival table) are read, carried in the study and replaced by "sha256:HEX".
federation::StudyFile MakeStudy(std::vector<federation::SiteConfig> sites,
                                std::vector<analysis::AnalysisSpec> analyses);

// P(x) of the sum of `draws` independent discrete Gaussians N_Z(0, variance): the exact
// distribution of pooled noise, for the tests of differential privacy's mechanism.
std::map<int64_t, double> PooledNoisePmf(int64_t variance, int draws);

// Expects the observed noise (value -> times seen) to follow `pmf`: the mean within 5 standard
// errors of zero (unbiased), the variance within 5 standard errors of the pmf's, and Pearson's
// goodness of fit above alpha 1e-6.
void ExpectNoiseFollows(const std::map<int64_t, int>& counts, const std::map<int64_t, double>& pmf);

// "800;500;300" -> {800, 500, 300}
std::vector<size_t> ParseRows(const std::string& text);

}  // namespace medfed::testing
