#include "medfed/analysis/registry.h"

namespace medfed {

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
