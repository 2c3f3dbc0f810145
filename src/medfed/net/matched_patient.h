// A site finding the patient behind a phenotype_match handle of a study it approved, for its
// steward (`medfed site resolve`, `medfed site contacts`) and its daemon (which refuses a contact
// request whose handle names none of its patients before a person sees it).
#pragma once

#include <string>

#include "medfed/analysis/engine/site_data.h"
#include "medfed/analysis/matching/contact_details.h"
#include "medfed/core/status.h"
#include "medfed/governance/approvals.h"
#include "medfed/net/daemon_config.h"

namespace medfed::net {

struct MatchedPatient {
  std::string patient;
  analysis::ContactSources sources;  // the analysis's table and columns, the site's diagnosis column and contact
};

// The patient of `data` that `handle` names in study `study_id`. NotFound (the message says
// what to do) when this site approved no such study, the study has no phenotype_match analysis,
// or the handle names none of the site's patients in it.
StatusOr<MatchedPatient> FindMatchedPatient(const SiteDaemonConfig& config, const governance::ApprovalBook& approvals,
                                            analysis::SiteData& data, const std::string& study_id,
                                            const std::string& handle);

}  // namespace medfed::net
