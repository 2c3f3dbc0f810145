#include "medfed/net/matched_patient.h"

#include "medfed/analysis/matching/match_handles.h"
#include "medfed/core/text.h"

namespace medfed::net {
namespace {

std::string KeyText(const analysis::Json& keys, const std::string& name) {
  return keys.contains(name) && keys[name].is_string() ? keys[name].get<std::string>() : "";
}

}  // namespace

StatusOr<MatchedPatient> FindMatchedPatient(const SiteDaemonConfig& config, const governance::ApprovalBook& approvals,
                                            analysis::SiteData& data, const std::string& study_id,
                                            const std::string& handle) {
  ASSIGN_OR_RETURN(auto record, approvals.Get(study_id));
  if (!record || record->state != governance::ApprovalState::kApproved) {
    return NotFound("site " + config.name + " approved no study " + study_id + "; `medfed site approvals --config " +
                    config.path + " list` shows its studies");
  }
  // The study's phenotype_match analyses, from the plan the site approved (one line each).
  const std::string marker = " (phenotype_match): ";
  bool any = false;
  for (const std::string& line : SplitString(record->summary, '\n')) {
    const size_t at = line.find(marker);
    if (at == std::string::npos) continue;
    const analysis::Json keys = analysis::Json::parse(line.substr(at + marker.size()), nullptr, false);
    if (!keys.is_object() || KeyText(keys, "table").empty() || KeyText(keys, "id_column").empty()) continue;
    any = true;
    MatchedPatient matched;
    matched.sources.table = KeyText(keys, "table");
    matched.sources.id_column = KeyText(keys, "id_column");
    ASSIGN_OR_RETURN(auto patient,
                     analysis::ResolveHandle(data, matched.sources.table, matched.sources.id_column, study_id, handle));
    if (!patient) continue;
    matched.patient = *patient;
    matched.sources.terms_column = KeyText(keys, "terms");
    matched.sources.genes_column = KeyText(keys, "genes");
    const auto diagnosis = config.diagnoses.find(matched.sources.table);
    if (diagnosis != config.diagnoses.end()) matched.sources.diagnosis_column = diagnosis->second;
    matched.sources.clinic_contact = config.contact;
    return matched;
  }
  return NotFound(any ? "handle " + handle + " names none of site " + config.name + "'s patients in study " + study_id +
                            " (handles are fresh for every query: use the one from that study's result)"
                      : "study " + study_id + " has no phenotype_match analysis");
}

}  // namespace medfed::net
