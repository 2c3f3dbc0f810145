// De-identification of a table before it joins the network: every column gets an action from
// the policy (by column name, else by the kind the scan detected), then the quasi-identifiers are
// generalized with the least information loss that reaches k-anonymity within the suppression
// limit (anonymity_search.h), and the result is checked before anyone may write it:
//   drop        direct identifiers (names, phones, e-mail, bank cards, passports, IP addresses)
//   pseudonym   HMAC-SHA-256 of the value under the site's secret key (RFC 2104), so the same
//               patient gets the same pseudonym at this site and PSI linkage still works; without
//               the key nobody can recompute or reverse it
//   generalize  along the column's hierarchy, no finer than the policy's level
//   mask        identifiers inside free text replaced by [kind] (also applied to every kept value)
//   keep        as is (identifiers found inside values are still masked)
// Defaults follow HIPAA Safe Harbor (45 CFR 164.514(b)(2)) with the Chinese identifiers of
// GB/T 37964-2019 added: see docs/privacy/deidentification.md.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/privacy/anonymity_search.h"
#include "medfed/privacy/column_scan.h"
#include "medfed/privacy/generalization_hierarchy.h"
#include "medfed/privacy/reidentification_risk.h"

namespace medfed::privacy {

enum class DeidAction { kKeep, kDrop, kPseudonym, kGeneralize, kMask };
const char* DeidActionName(DeidAction action);
std::optional<DeidAction> ParseDeidAction(std::string_view name);

struct DeidRule {
  DeidAction action = DeidAction::kKeep;
  std::string level;  // kGeneralize: the finest level allowed ("year", "5-year", "city", "3-digit")
  // kGeneralize: the coarsest level preferred ("": up to "*"). The search first keeps every
  // column at or below its preferred level; only when no such generalization reaches k does it
  // go further, and the report names the columns it had to take further.
  std::string coarsest;
};

struct DeidPolicy {
  uint64_t k = 5;
  double suppression_limit = 0.05;
  std::map<IdentifierKind, DeidRule> kinds;                    // by detected kind
  std::map<std::string, DeidRule> columns;                     // by column name; overrides kinds
  std::map<std::string, GeneralizationHierarchy> hierarchies;  // by column name

  // Safe Harbor-style defaults plus Chinese identifiers, k = 5, at most 5% of rows suppressed.
  static DeidPolicy Default();
};

// A table as text: cells[column][row], a missing value as an empty string.
struct TextTableData {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> cells;
  size_t rows() const { return cells.empty() ? 0 : cells[0].size(); }
};

struct DeidColumnOutcome {
  std::string name;
  ColumnRole role = ColumnRole::kOther;
  std::string detected;  // the scan's kinds, for the report
  DeidAction action = DeidAction::kKeep;
  std::string detail;   // "generalized to year", "HMAC-SHA-256 pseudonym", ...
  uint64_t masked = 0;  // values in which identifiers were masked
  std::string hierarchy;
  int level = -1;  // chosen level, for generalized columns
  std::string level_name;
  double loss = -1;              // generalized columns: the mean information loss of their cells, 0..1
  bool beyond_coarsest = false;  // generalized further than the policy's preferred coarsest level
};

struct DeidOutcome {
  TextTableData output;
  std::vector<DeidColumnOutcome> columns;
  std::vector<std::string> quasi_identifiers;
  AnonymitySearchResult search;
  SampleRisk before, after;  // over the quasi-identifiers, as read and as written
  uint64_t rows_in = 0, rows_out = 0;
};

// `scans[c]` is the scan of column c. `pseudonym_key` (at least 32 bytes) is needed only when a
// column is pseudonymised, and its absence is reported before any search. Fails with a reason
// when k cannot be reached within the suppression limit or when the output would still hold a
// direct identifier.
StatusOr<DeidOutcome> Deidentify(const TextTableData& input, const std::vector<ColumnScan>& scans,
                                 const DeidPolicy& policy, std::string_view pseudonym_key);

// The first value a direct-identifier detector flags in `table` outside `skip_columns`, as
// "row 12, column 备注: mobile_phone"; `known_names` are names to look for inside text too.
std::optional<std::string> FindDirectIdentifier(const TextTableData& table, const std::set<std::string>& skip_columns,
                                                const std::set<std::string>& known_names);

// "P" + the first 80 bits of HMAC-SHA-256(key, value trimmed and upper-cased), four bits per
// letter from "abcdefghijkmnpqr" (no digits, so no detector mistakes it for a number).
std::string KeyedPseudonym(std::string_view key, std::string_view value);

}  // namespace medfed::privacy
