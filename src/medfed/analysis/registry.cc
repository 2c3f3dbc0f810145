#include "medfed/analysis/registry.h"

#include "medfed/table/expression.h"

namespace medfed {

Status ValidateAnalysis(const AnalysisDefinition& definition, const AnalysisSpec& spec) {
  if (definition.validate != nullptr) RETURN_IF_ERROR(definition.validate(spec));
  if (spec.Has("where")) {
    auto where = ParseExpression(spec.String("where"), "where");
    if (!where.ok()) return where.status();
  }
  return absl::OkStatus();
}

const std::vector<const AnalysisDefinition*>& AllAnalyses() {
  static const std::vector<const AnalysisDefinition*> all = {
      &CountDefinition(),
      &CrosstabDefinition(),
      &SummaryDefinition(),
      &GlmDefinition(),
      &KaplanMeierDefinition(),
      &LogRankDefinition(),
      &CoxDefinition(),
      &RatesDefinition(),
      &LifeTableDefinition(),
      &GwasDefinition(),
      &DistinctCountDefinition(),
      &PsiDefinition(),
      &PhenotypeMatchDefinition(),
  };
  return all;
}

const AnalysisDefinition* FindAnalysis(const std::string& type) {
  for (const AnalysisDefinition* definition : AllAnalyses()) {
    if (definition->type == type) return definition;
  }
  return nullptr;
}

}  // namespace medfed
