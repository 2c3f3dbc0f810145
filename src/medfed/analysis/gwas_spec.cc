#include "medfed/analysis/gwas_internal.h"

#include "medfed/core/text.h"

namespace medfed::gwas {

const char* TestName(Test test) {
  switch (test) {
    case Test::kLogistic: return "logistic";
    case Test::kLinear: return "linear";
    case Test::kAllelic: return "allelic";
    case Test::kTrend: return "trend";
    case Test::kQc: return "qc";
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
  ASSIGN_OR_RETURN(parsed.formula, ParseFormula(formula));
  if (!TrimWhitespace(parsed.where).empty()) {
    auto where = ParseExpression(parsed.where, "where");
    if (!where.ok()) return where.status();
  }
  return parsed;
}

}  // namespace medfed::gwas
