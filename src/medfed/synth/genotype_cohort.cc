#include "medfed/synth/genotype_cohort.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "medfed/core/random.h"

namespace medfed::synth {
namespace {

// GRCh38 chromosome lengths in Mb (1-22), for realistic spacing on the Manhattan plot.
constexpr double kChromosomeMb[22] = {248.9, 242.2, 198.3, 190.2, 181.5, 170.8, 159.3, 145.1, 138.4, 133.8, 135.1,
                                      133.3, 114.4, 107.0, 102.0, 90.3,  83.3,  80.4,  58.6,  64.4,  46.7,  50.8};
constexpr double kCausalOddsRatios[] = {1.9, 1.8, 1.7, 1.5, 1.35};
constexpr double kFst = 0.015;

struct Variant {
  int chromosome;
  int64_t position;
  std::string id;
  char ref, alt;
  double frequency[2];  // ALT frequency in each population
  double log_odds_ratio = 0;
};

struct Sample {
  std::string id;
  double ancestry;  // proportion from population 1
  int sex;          // 1 male, 2 female
  double age;
};

std::string Format(const char* format, double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

}  // namespace

std::vector<GenotypeSite> GenerateGenotypeCohort(const GenotypeCohortOptions& options) {
  DeterministicRandom random(options.seed);
  const int chromosome_count = std::clamp(options.chromosomes, 1, 22);
  double genome = 0;
  for (int c = 0; c < chromosome_count; ++c) genome += kChromosomeMb[c];

  // Variants: spread over the chromosomes by length, sorted by position within each.
  std::vector<Variant> variants;
  const char bases[] = {'A', 'C', 'G', 'T'};
  for (int c = 0; c < chromosome_count; ++c) {
    const auto count =
        static_cast<size_t>(std::round(static_cast<double>(options.variants) * kChromosomeMb[c] / genome));
    std::vector<int64_t> positions;
    for (size_t v = 0; v < count; ++v)
      positions.push_back(1 + static_cast<int64_t>(random.Uniform() * kChromosomeMb[c] * 1e6));
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
    for (int64_t position : positions) {
      Variant variant;
      variant.chromosome = c + 1;
      variant.position = position;
      variant.id = "rs" + std::to_string(1000000 + variants.size() * 7 + random.Below(7));
      // About 70% transitions (A<->G, C<->T), as in human SNPs; so ~15% are A/T or C/G.
      variant.ref = bases[random.Below(4)];
      if (random.Bernoulli(0.7)) {
        variant.alt = variant.ref == 'A' ? 'G' : variant.ref == 'G' ? 'A' : variant.ref == 'C' ? 'T' : 'C';
      } else {
        const bool purine = variant.ref == 'A' || variant.ref == 'G';
        variant.alt = purine ? (random.Bernoulli(0.5) ? 'C' : 'T') : (random.Bernoulli(0.5) ? 'A' : 'G');
      }
      // Ancestral frequency, then each population drifts from it (variance F p (1 - p)).
      const double ancestral = random.Uniform(0.03, 0.5);
      for (double& frequency : variant.frequency) {
        frequency =
            std::clamp(ancestral + random.Normal() * std::sqrt(kFst * ancestral * (1 - ancestral)), 0.005, 0.995);
      }
      variants.push_back(variant);
    }
  }
  // Causal variants: evenly spaced through the genome, common, equally frequent in both populations.
  const size_t causal_count = std::size(kCausalOddsRatios);
  for (size_t k = 0; k < causal_count && variants.size() > causal_count; ++k) {
    Variant& variant = variants[(2 * k + 1) * variants.size() / (2 * causal_count)];
    variant.id = "rs_causal_" + std::to_string(k + 1);
    variant.frequency[0] = variant.frequency[1] = random.Uniform(0.25, 0.4);
    variant.log_odds_ratio = std::log(kCausalOddsRatios[k]);
  }

  // Samples: site a mostly population 0, site c mostly population 1, site b mixed.
  std::vector<std::vector<Sample>> sites(options.samples.size());
  size_t serial = 0;
  for (size_t s = 0; s < sites.size(); ++s) {
    const double centre = sites.size() == 1 ? 0.5 : static_cast<double>(s) / static_cast<double>(sites.size() - 1);
    for (size_t i = 0; i < options.samples[s]; ++i) {
      Sample sample;
      sample.id = std::string("S") + static_cast<char>('A' + s) + std::to_string(100000 + serial++);
      sample.ancestry = std::clamp(centre + random.Normal(0, 0.2), 0.0, 1.0);
      sample.sex = random.Bernoulli(0.5) ? 1 : 2;
      sample.age = std::round(random.Normal(58, 11));
      sites[s].push_back(sample);
    }
  }

  // Genotypes variant by variant (ALT copies), accumulating each sample's genetic risk.
  std::vector<GenotypeSite> output(sites.size());
  std::vector<std::vector<double>> risk(sites.size());
  for (size_t s = 0; s < sites.size(); ++s) {
    risk[s].assign(sites[s].size(), 0);
    output[s].bed = std::string("\x6c\x1b\x01", 3);
  }
  for (const Variant& variant : variants) {
    for (size_t s = 0; s < sites.size(); ++s) {
      const size_t n = sites[s].size();
      std::string bytes((n + 3) / 4, '\0');
      for (size_t i = 0; i < n; ++i) {
        const double a = sites[s][i].ancestry;
        const double frequency = (1 - a) * variant.frequency[0] + a * variant.frequency[1];
        const int alt_copies =
            static_cast<int>(random.Bernoulli(frequency)) + static_cast<int>(random.Bernoulli(frequency));
        risk[s][i] += variant.log_odds_ratio * alt_copies;
        // .bed codes with A1 = ALT: 00 two ALT, 10 one, 11 none, 01 missing.
        int code = alt_copies == 2 ? 0 : alt_copies == 1 ? 2 : 3;
        if (variant.log_odds_ratio == 0 && random.Bernoulli(options.missing_rate)) code = 1;
        bytes[i / 4] = static_cast<char>(bytes[i / 4] | (code << (2 * (i % 4))));
      }
      output[s].bed += bytes;
      output[s].bim += std::to_string(variant.chromosome) + "\t" + variant.id + "\t0\t" +
                       std::to_string(variant.position) + "\t" + variant.alt + "\t" + variant.ref + "\n";
    }
  }

  // Phenotypes: case status from ancestry and the causal variants; pc1 measures ancestry.
  double mean_risk = 0;
  size_t total = 0;
  for (const auto& site_risk : risk) {
    for (double r : site_risk) mean_risk += r;
    total += site_risk.size();
  }
  mean_risk /= static_cast<double>(std::max<size_t>(total, 1));
  for (size_t s = 0; s < sites.size(); ++s) {
    output[s].phenotypes_csv = "IID,case,pc1,age,sex\n";
    for (size_t i = 0; i < sites[s].size(); ++i) {
      const Sample& sample = sites[s][i];
      const double logit = 1.2 * (sample.ancestry - 0.5) + risk[s][i] - mean_risk;
      const int is_case = random.Bernoulli(1 / (1 + std::exp(-logit))) ? 1 : 0;
      const double pc1 = (sample.ancestry - 0.5) * 4 + random.Normal(0, 0.15);
      output[s].fam += sample.id + " " + sample.id + " 0 0 " + std::to_string(sample.sex) + " -9\n";
      output[s].phenotypes_csv += sample.id + "," + std::to_string(is_case) + "," + Format("%.4f", pc1) + "," +
                                  Format("%.0f", sample.age) + "," + (sample.sex == 1 ? "M" : "F") + "\n";
    }
  }
  return output;
}

}  // namespace medfed::synth
