// Re-identification risk relative to a population, from the sample's equivalence classes.
//
// Journalist and marketer risk need the population's class sizes F_j (a population table: how
// many people in the population share each combination of quasi-identifier values); f_j are the
// sample's class sizes (El Emam, Guide to the De-Identification of Personal Health Information,
// 2013, ch. 9):
//   journalist: highest 1 / min F_j; records at risk = fraction of records with 1/F_j > threshold
//   marketer:   (1/n) sum_j f_j / F_j, the expected fraction of records an attacker who matches
//               every record re-identifies
//
// Population uniqueness estimates the fraction of the *population* that is unique on the
// quasi-identifiers from the sample alone, with the models ARX offers and Dankar et al.'s
// decision rule for choosing among them (Dankar, El Emam, Neisa, Roffey, "Estimating the
// re-identification risk of clinical data sets", BMC Med Inform Decis Mak 12:66, 2012):
//   Zayatz (1991), Pitman (Hoshino 2001: Pitman sampling formula, ML estimates by Newton's
//   method), SNB (Chen & Keller-McNulty 1998: shifted negative binomial class sizes, Bernoulli
//   sampling, the number of classes K by Haas & Stokes' Shlosser estimator).
//   Dankar's rule: sampling fraction <= 0.1 -> Pitman (Zayatz if Pitman fails); otherwise the
//   smaller of Zayatz and SNB (Zayatz if SNB fails).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "medfed/core/status.h"

namespace medfed::privacy {

struct JournalistMarketerRisk {
  double journalist_highest = 0;
  double journalist_records_at_risk = 0;
  double marketer = 0;
};

// `sample_sizes[j]` and `population_sizes[j]` of each sample class j (population >= sample).
JournalistMarketerRisk PopulationTableRisk(const std::vector<uint64_t>& sample_sizes,
                                           const std::vector<uint64_t>& population_sizes, double threshold = 0.2);

// Journalist and marketer risk of a sample against a population table, matched on the text of
// the quasi-identifiers `names`. `sample[c][r]` is quasi-identifier c of record r (`records`
// of them); `population[c][p]` the same for population row p, which counts
// `population_counts[p]` people (equal rows add up). Every sample class must be in the
// population with at least as many people; otherwise InvalidArgument names the first class that
// is not and both counts.
StatusOr<JournalistMarketerRisk> MatchPopulationTable(const std::vector<std::string>& names,
                                                      const std::vector<std::vector<std::string>>& sample,
                                                      uint64_t records,
                                                      const std::vector<std::vector<std::string>>& population,
                                                      const std::vector<uint64_t>& population_counts,
                                                      double threshold = 0.2);

struct PopulationUniqueness {
  double population = 0, sampling_fraction = 0;
  // Estimated fraction of the population that is unique; nullopt where a model did not converge.
  std::optional<double> zayatz, pitman, snb;
  double dankar = 0;
  std::string dankar_model;  // "zayatz", "pitman", "snb", or "none" (no sample uniques)
};

// `class_sizes`: the size of every sample equivalence class; `population`: the size of the
// population the sample was drawn from (>= the sample).
PopulationUniqueness EstimatePopulationUniqueness(const std::vector<uint64_t>& class_sizes, double population);

}  // namespace medfed::privacy
