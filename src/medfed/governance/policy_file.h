// A site's policy file (TOML). Every setting has a default, so a missing file or section means
// the defaults (privacy/disclosure_policy.h); unknown keys are errors naming the line, so a
// typo never silently weakens a site's protection.
//
//   [disclosure]
//   min_rows = 10
//   min_cell_count = 5
//   glm_max_parameter_fraction = 0.2
//   rate_min_count = 16
//   min_events = 5
//   time_resolution = 0      # e.g. 30 to coarsen survival times to 30-day steps
//
//   [access]                 # what the site lets the network use (privacy/access_policy.h)
//   researchers = ["alice"]  # who may submit studies here (network mode); default nobody
//   analyses = ["count", "glm", "cox"]   # default all
//   tables = ["colon"]       # tables and genotype sets; default all the site serves
//   columns.colon = ["age", "sex", "rx", "time", "status"]   # default all columns
//   approval = "manual"      # or "automatic": studies the policy allows run unattended
//   max_grade = 3            # columns graded above this (GB/T 39725, from the table's scan) are refused
#pragma once

#include <string>

#include "medfed/core/status.h"
#include "medfed/privacy/site_policy.h"

namespace medfed::governance {

StatusOr<privacy::SitePolicy> LoadPolicyFile(const std::string& path);
StatusOr<privacy::SitePolicy> ParsePolicy(const std::string& text, const std::string& source);

}  // namespace medfed::governance
