// What a site can release about one matched patient when its steward approves a contact request
// (docs/protocols/match.md, "From match to contact"): the patient's phenotype terms and genes
// (the columns the phenotype_match analysis read), a diagnosis (a column the site names in its
// configuration) and a contact at the clinic (text from the same place). Never the patient's id:
// the clinic, which knows the patient, makes the next step.
#pragma once

#include <string>
#include <vector>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/site_data.h"
#include "medfed/core/status.h"

namespace medfed::analysis {

// phenotype, genes, diagnosis, contact: what a contact request may name.
const std::vector<std::string>& ContactFieldNames();

struct ContactSources {
  std::string table, id_column, terms_column, genes_column;  // the phenotype_match analysis's
  std::string diagnosis_column;                              // the site's, for `table` ("": none)
  std::string clinic_contact;                                // the site's ("": none)
};

// The fields of `wanted` the site holds (in `wanted`'s order).
std::vector<std::string> HeldContactFields(const ContactSources& sources, const std::vector<std::string>& wanted);

// The patient's values of `fields` (which the site holds), as a JSON object: "phenotype" and
// "genes" as arrays, "diagnosis" and "contact" as text.
StatusOr<Json> ContactDetails(SiteData& data, const ContactSources& sources, const std::string& patient,
                              const std::vector<std::string>& fields);

}  // namespace medfed::analysis
