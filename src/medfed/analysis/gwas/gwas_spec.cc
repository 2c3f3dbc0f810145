#include "medfed/analysis/gwas/gwas_spec.h"
#include "medfed/analysis/gwas/gwas_protocol.h"

#include <cmath>

#include "medfed/analysis/engine/noised_release.h"
#include "medfed/core/text.h"

namespace medfed::analysis::gwas {

const char* TestName(Test test) {
  switch (test) {
    case Test::kLogistic:
      return "logistic";
    case Test::kLinear:
      return "linear";
    case Test::kAllelic:
      return "allelic";
    case Test::kTrend:
      return "trend";
    case Test::kQc:
      return "qc";
  }
  return "";
}

StatusOr<GwasSpec> ParseGwasSpec(const AnalysisSpec& spec) {
  GwasSpec parsed;
  parsed.genotypes = spec.String("genotypes");
  parsed.table = spec.String("table");
  parsed.sample_id = spec.String("sample_id", "IID");
  parsed.phenotype = spec.String("phenotype");
  parsed.covariates = spec.Strings("covariates");
  parsed.where = spec.String("where");
  const std::string test = ToLowerAscii(spec.String("test", "logistic"));
  if (test == "logistic") {
    parsed.test = Test::kLogistic;
  } else if (test == "linear") {
    parsed.test = Test::kLinear;
  } else if (test == "allelic") {
    parsed.test = Test::kAllelic;
  } else if (test == "trend") {
    parsed.test = Test::kTrend;
  } else if (test == "qc") {
    parsed.test = Test::kQc;
  } else {
    return InvalidArgument("test = " + QuoteForMessage(test) +
                           " is not known; use logistic, linear, allelic, trend or qc");
  }
  if (!parsed.covariates.empty() && !parsed.regression()) {
    return InvalidArgument("covariates need test = logistic or linear; the " + test +
                           " test has none (as plink --assoc / --model)");
  }
  parsed.output = spec.String("output", spec.id() + "." + test + ".tsv");
  parsed.maf = spec.Number("maf", 0);
  parsed.geno = spec.Number("geno", 1);
  parsed.hwe = spec.Number("hwe", 0);
  parsed.top = static_cast<int>(spec.Number("top", 10));
  const double block = spec.Number("block_variants", 8192);
  if (!(block >= 1 && block <= 1 << 20) || block != std::floor(block)) {
    return InvalidArgument("block_variants must be a whole number from 1 to 1048576 (variants per counting round)");
  }
  parsed.block_size = static_cast<size_t>(block);
  parsed.extract = spec.Strings("extract");
  if (spec.Has("extract") && parsed.extract.empty()) {
    return InvalidArgument(
        "extract lists no variant; give variant IDs, e.g. extract = [\"rs123\", \"rs456\"], or "
        "leave the key out to test every variant");
  }
  ASSIGN_OR_RETURN(parsed.privacy, PrivacyTargetOf(spec));
  if (parsed.privacy && parsed.test != Test::kAllelic && parsed.test != Test::kTrend) {
    return InvalidArgument("privacy = {...} on a gwas needs test = allelic or trend (noised genotype counts); the " +
                           test + " test has no noised form");
  }
  if (parsed.maf < 0 || parsed.maf > 0.5) return InvalidArgument("maf must be between 0 and 0.5");
  if (parsed.geno < 0 || parsed.geno > 1) return InvalidArgument("geno must be between 0 and 1");
  if (parsed.hwe < 0 || parsed.hwe > 1) return InvalidArgument("hwe must be a p-value threshold between 0 and 1");
  std::string formula = parsed.phenotype + " ~ ";
  if (parsed.covariates.empty()) {
    formula += "1";
  } else {
    std::vector<std::string> terms;
    for (const auto& covariate : parsed.covariates) terms.push_back(covariate);
    formula += JoinStrings(terms, " + ");
  }
  ASSIGN_OR_RETURN(parsed.formula, table::ParseFormula(formula));
  if (!TrimWhitespace(parsed.where).empty()) {
    auto where = table::ParseExpression(parsed.where, "where");
    if (!where.ok()) return where.status();
  }
  return parsed;
}

size_t NoiseGroupsPerVariant(const GwasSpec& spec) { return spec.hwe > 0 ? 2 : 1; }

size_t NoisedGroups(const GwasSpec& spec, size_t variants) { return 1 + variants * NoiseGroupsPerVariant(spec); }

std::vector<privacy::NoiseGroup> CountNoise(const GwasSpec& spec, size_t variants) {
  std::vector<privacy::NoiseGroup> groups;
  groups.reserve(variants * NoiseGroupsPerVariant(spec));
  for (size_t k = 0; k < variants; ++k) {
    groups.push_back({k * kCountsPerVariant, 8, 1});
    if (spec.hwe > 0) groups.push_back({k * kCountsPerVariant + 8, 3, 1});
  }
  return groups;
}

}  // namespace medfed::analysis::gwas
