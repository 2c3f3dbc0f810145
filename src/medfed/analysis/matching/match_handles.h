// The opaque handles by which phenotype_match names a site's patients to the querier, and their
// resolution by the site's steward. A handle is the first 128 bits of
// HMAC-SHA-256(site key, query id || patient id): fresh for every query, so two queries' results
// cannot be joined on their handles, and only the site, which holds the key, can find the
// patient again (as in Matchmaker Exchange, contact goes through the site).
#pragma once

#include <optional>
#include <string>

#include "medfed/analysis/engine/site_data.h"
#include "medfed/core/status.h"
#include "medfed/crypto/secret_bytes.h"

namespace medfed::analysis {

// The site's handle key for table `table`, created on first use (`create`) and readable by the
// site only. It lives in the site's state directory (match-keys/TABLE.key), never beside the
// data: a data directory may be shared, read-only or a source tree. A key made beside the table
// by an earlier version (FILE.csv.match.key) is carried over; without a state directory (a bare
// embedded run) the key stays beside the table.
StatusOr<crypto::SecretBytes> HandleKey(const SiteData& data, const std::string& table, bool create = true);

// The handle of `patient` in the query `query_id` (the study's id).
std::string MatchHandle(const crypto::SecretBytes& key, const std::string& query_id, const std::string& patient);

// The patient id in column `id_column` of table `table` whose handle in query `query_id` is
// `handle`; nullopt when no row has it.
StatusOr<std::optional<std::string>> ResolveHandle(SiteData& data, const std::string& table,
                                                   const std::string& id_column, const std::string& query_id,
                                                   const std::string& handle);

}  // namespace medfed::analysis
