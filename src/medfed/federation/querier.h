// The researcher's side of a study whose queries must stay with the researcher
// (phenotype_match): before the study leaves this machine each such analysis is sealed (its
// query encrypted under a key made here), and when the results come back they are opened with
// that key. The embedded run and the network client both go through here, so the hub half never
// holds a querier's key in either mode (docs/protocols/match.md).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "medfed/analysis/engine/registry.h"
#include "medfed/core/status.h"
#include "medfed/federation/study_file.h"

namespace medfed::federation {

// What the researcher keeps, by analysis id; lives in memory only.
using QuerierSecrets = std::map<std::string, std::unique_ptr<analysis::QuerierSecret>>;

// Seals every analysis of `study` that has a querier's half, in place (its carried references
// gain the encrypted queries). `local`: reference data this machine serves by hash besides what
// the study carries (an ontology the study names by hash), from `local_from`.
StatusOr<QuerierSecrets> SealStudy(StudyFile& study, analysis::ReferenceData::Lookup local = nullptr,
                                   const std::string& local_from = "");
// Opens the sealed results of `document` (the results document) in place.
Status OpenResults(analysis::Json& document, const QuerierSecrets& secrets);

}  // namespace medfed::federation
