#include "medfed/federation/querier.h"

namespace medfed::federation {

StatusOr<QuerierSecrets> SealStudy(StudyFile& study, analysis::ReferenceData::Lookup local,
                                   const std::string& local_from) {
  QuerierSecrets secrets;
  const analysis::ReferenceData available("the researcher's machine", study.references, std::move(local), local_from);
  for (auto& spec : study.analyses) {
    const analysis::AnalysisDefinition* definition = analysis::FindAnalysis(spec.type());
    if (definition == nullptr || definition->seal == nullptr) continue;
    if (!spec.Has("query")) continue;  // sealed already, or the analysis will say what is missing
    ASSIGN_OR_RETURN(secrets[spec.id()], definition->seal(spec, available, study.references));
  }
  return secrets;
}

Status OpenResults(analysis::Json& document, const QuerierSecrets& secrets) {
  if (secrets.empty() || !document.contains("results")) return absl::OkStatus();
  for (auto& result : document["results"]) {
    const auto secret = secrets.find(result.value("id", ""));
    if (secret == secrets.end() || result.value("status", "") != "ok") continue;
    const analysis::AnalysisDefinition* definition = analysis::FindAnalysis(result.value("type", ""));
    if (definition == nullptr || definition->open == nullptr) continue;
    ASSIGN_OR_RETURN(result, definition->open(result, *secret->second));
  }
  return absl::OkStatus();
}

}  // namespace medfed::federation
