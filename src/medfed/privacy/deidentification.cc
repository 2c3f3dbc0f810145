#include "medfed/privacy/deidentification.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "medfed/core/text.h"
#include "medfed/crypto/keyed_hash.h"
#include "medfed/privacy/identifier_detectors.h"

namespace medfed::privacy {
namespace {

std::string Placeholder(IdentifierKind kind) { return std::string("[") + IdentifierKindName(kind) + "]"; }

// Validated detectors that say a whole value *is* a direct identifier.
std::optional<IdentifierKind> WholeValueIdentifier(std::string_view value) {
  value = TrimWhitespace(value);
  if (value.size() < 5) return std::nullopt;
  if (ParseResidentId(value)) return IdentifierKind::kResidentId;
  if (IsMobilePhone(value)) return IdentifierKind::kMobilePhone;
  if (IsLandline(value)) return IdentifierKind::kLandline;
  if (IsEmail(value)) return IdentifierKind::kEmail;
  if (IsBankCard(value)) return IdentifierKind::kBankCard;
  if (IsPassport(value)) return IdentifierKind::kPassport;
  if (IsIpAddress(value)) return IdentifierKind::kIpAddress;
  return std::nullopt;
}

struct Span {
  size_t offset, length;
  IdentifierKind kind;
};

// Identifiers inside `text`: the text detectors' findings and any known name (2-4 Han
// characters, 3 bytes each in UTF-8), longest first, without overlaps.
std::vector<Span> FindSpans(std::string_view text, const std::unordered_set<std::string_view>& known_names) {
  std::vector<Span> spans;
  for (const auto& finding : FindIdentifiersInText(text))
    spans.push_back({finding.offset, finding.length, finding.kind});
  if (!known_names.empty()) {
    for (size_t at = 0; at + 6 <= text.size(); ++at) {
      if ((static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) continue;  // not a character start
      for (size_t length : {12, 9, 6}) {
        if (at + length <= text.size() && known_names.count(text.substr(at, length))) {
          spans.push_back({at, length, IdentifierKind::kChineseName});
          break;
        }
      }
    }
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.length > b.length;
  });
  std::vector<Span> disjoint;
  for (const Span& span : spans) {
    if (disjoint.empty() || span.offset >= disjoint.back().offset + disjoint.back().length) disjoint.push_back(span);
  }
  return disjoint;
}

// `value` with every identifier replaced by [kind]; `changed` says whether anything was.
std::string Mask(std::string_view value, const std::unordered_set<std::string_view>& known_names, bool& changed) {
  changed = false;
  if (auto kind = WholeValueIdentifier(value)) {
    changed = true;
    return Placeholder(*kind);
  }
  const std::vector<Span> spans = FindSpans(value, known_names);
  if (spans.empty()) return std::string(value);
  changed = true;
  std::string masked;
  size_t at = 0;
  for (const Span& span : spans) {
    masked.append(value.substr(at, span.offset - at));
    masked += Placeholder(span.kind);
    at = span.offset + span.length;
  }
  masked.append(value.substr(at));
  return masked;
}

const DetectedKind* PrimaryKind(const ColumnScan& scan) {
  for (const auto& kind : scan.detected) {
    if (!kind.in_text) return &kind;
  }
  return nullptr;
}

GeneralizationHierarchy HierarchyFor(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kDate:
      return DateHierarchy();
    case IdentifierKind::kAge:
      return AgeHierarchy();
    case IdentifierKind::kPostalCode:
      return PostalCodeHierarchy();
    case IdentifierKind::kAddress:
    case IdentifierKind::kRegion:
      return AddressHierarchy();
    case IdentifierKind::kEthnicity:
      return EthnicityHierarchy();
    default:
      return CategoricalHierarchy();
  }
}

// The rule for a column: by name, else by its detected kind, else by its role.
DeidRule RuleFor(const ColumnScan& scan, const DeidPolicy& policy) {
  if (auto rule = policy.columns.find(scan.name); rule != policy.columns.end()) return rule->second;
  const DetectedKind* primary = PrimaryKind(scan);
  if (scan.role == ColumnRole::kDirectIdentifier || scan.role == ColumnRole::kQuasiIdentifier) {
    if (primary == nullptr) return {DeidAction::kMask, ""};  // identifiers only inside free text
    if (auto rule = policy.kinds.find(primary->kind); rule != policy.kinds.end()) return rule->second;
    return scan.role == ColumnRole::kDirectIdentifier ? DeidRule{DeidAction::kDrop, ""}
                                                      : DeidRule{DeidAction::kGeneralize, "0"};
  }
  return {DeidAction::kKeep, ""};
}

// A quasi-identifier prepared for the search, with the text of every code at every level.
struct PreparedQuasiIdentifier {
  GeneralizationHierarchy hierarchy;
  QuasiIdentifierLevels levels;
  std::vector<std::vector<std::string>> text;  // [level][code]
};

PreparedQuasiIdentifier Prepare(const TextTableData& input, size_t column, GeneralizationHierarchy hierarchy,
                                int min_level, int cap_level) {
  PreparedQuasiIdentifier prepared;
  prepared.levels.name = input.names[column];
  prepared.levels.min_level = min_level;
  prepared.levels.cap_level = cap_level;
  std::unordered_map<std::string_view, uint32_t> distinct;
  std::vector<std::string_view> values;
  const auto& cells = input.cells[column];
  prepared.levels.row_value.resize(cells.size());
  for (size_t r = 0; r < cells.size(); ++r) {
    auto [it, added] = distinct.emplace(cells[r], static_cast<uint32_t>(values.size()));
    if (added) values.push_back(cells[r]);
    prepared.levels.row_value[r] = it->second;
  }
  const int levels = hierarchy.top() + 1;
  prepared.levels.generalized.assign(levels, std::vector<uint32_t>(values.size()));
  prepared.levels.code_count.assign(levels, 0);
  prepared.text.assign(levels, {});
  for (int level = 0; level < levels; ++level) {
    std::unordered_map<std::string, uint32_t> codes;
    for (size_t v = 0; v < values.size(); ++v) {
      std::string generalized = hierarchy.generalize(values[v], level);
      auto [it, added] = codes.emplace(generalized, static_cast<uint32_t>(prepared.text[level].size()));
      if (added) prepared.text[level].push_back(std::move(generalized));
      prepared.levels.generalized[level][v] = it->second;
    }
    prepared.levels.code_count[level] = static_cast<uint32_t>(prepared.text[level].size());
  }
  prepared.hierarchy = std::move(hierarchy);
  return prepared;
}

std::string DescribeDetected(const ColumnScan& scan) {
  std::string text;
  for (const auto& kind : scan.detected) {
    text +=
        (text.empty() ? "" : ", ") + std::string(IdentifierKindName(kind.kind)) + (kind.in_text ? " (in text)" : "");
  }
  return text;
}

}  // namespace

const char* DeidActionName(DeidAction action) {
  switch (action) {
    case DeidAction::kKeep:
      return "keep";
    case DeidAction::kDrop:
      return "drop";
    case DeidAction::kPseudonym:
      return "pseudonym";
    case DeidAction::kGeneralize:
      return "generalize";
    case DeidAction::kMask:
      return "mask";
  }
  return "?";
}

std::optional<DeidAction> ParseDeidAction(std::string_view name) {
  for (DeidAction action :
       {DeidAction::kKeep, DeidAction::kDrop, DeidAction::kPseudonym, DeidAction::kGeneralize, DeidAction::kMask}) {
    if (name == DeidActionName(action)) return action;
  }
  return std::nullopt;
}

DeidPolicy DeidPolicy::Default() {
  DeidPolicy policy;
  using K = IdentifierKind;
  for (K kind :
       {K::kChineseName, K::kMobilePhone, K::kLandline, K::kEmail, K::kBankCard, K::kPassport, K::kIpAddress}) {
    policy.kinds[kind] = {DeidAction::kDrop, ""};
  }
  for (K kind : {K::kResidentId, K::kMedicalRecordNumber, K::kUniqueCode})
    policy.kinds[kind] = {DeidAction::kPseudonym, ""};
  policy.kinds[K::kAddress] = {DeidAction::kGeneralize, "city"};
  policy.kinds[K::kRegion] = {DeidAction::kGeneralize, "full"};
  // Dates and ages keep epidemiological value: a year of birth or diagnosis, else a 5-year band,
  // before a date goes entirely; ages to 10-year bands before they go.
  policy.kinds[K::kDate] = {DeidAction::kGeneralize, "year", "5-year"};
  policy.kinds[K::kAge] = {DeidAction::kGeneralize, "year", "10-year"};  // 90+ already at level 0
  policy.kinds[K::kPostalCode] = {DeidAction::kGeneralize, "3-digit"};
  for (K kind : {K::kSex, K::kEthnicity, K::kOccupation}) policy.kinds[kind] = {DeidAction::kGeneralize, "0"};
  return policy;
}

std::string KeyedPseudonym(std::string_view key, std::string_view value) {
  std::string normalized(TrimWhitespace(value));
  for (char& c : normalized) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::array<uint8_t, 32> mac = crypto::HmacSha256(key, normalized);
  // Sixteen letters instead of hex digits: a pseudonym never holds a digit run that a phone,
  // ID or card detector could take for an identifier.
  static constexpr char kHex[] = "abcdefghijkmnpqr";
  std::string pseudonym = "P";
  for (int i = 0; i < 10; ++i) {
    pseudonym += kHex[mac[i] >> 4];
    pseudonym += kHex[mac[i] & 15];
  }
  return pseudonym;
}

std::optional<std::string> FindDirectIdentifier(const TextTableData& table, const std::set<std::string>& skip_columns,
                                                const std::set<std::string>& known_names) {
  std::unordered_set<std::string_view> names(known_names.begin(), known_names.end());
  for (size_t c = 0; c < table.names.size(); ++c) {
    if (skip_columns.count(table.names[c])) continue;
    for (size_t r = 0; r < table.cells[c].size(); ++r) {
      const std::string& value = table.cells[c][r];
      std::optional<IdentifierKind> kind = WholeValueIdentifier(value);
      if (!kind) {
        const std::vector<Span> spans = FindSpans(value, names);
        if (!spans.empty()) kind = spans.front().kind;
      }
      if (kind) {
        return "row " + std::to_string(r + 1) + ", column " + table.names[c] + ": " + IdentifierKindName(*kind);
      }
    }
  }
  return std::nullopt;
}

StatusOr<DeidOutcome> Deidentify(const TextTableData& input, const std::vector<ColumnScan>& scans,
                                 const DeidPolicy& policy, std::string_view pseudonym_key) {
  DeidOutcome outcome;
  const size_t rows = input.rows();
  outcome.rows_in = rows;
  if (policy.k < 1) return InvalidArgument("de-identification policy: k must be at least 1");
  if (!(policy.suppression_limit >= 0 && policy.suppression_limit <= 1)) {
    return InvalidArgument("de-identification policy: suppression_limit must be a fraction between 0 and 1");
  }
  for (const auto& [name, rule] : policy.columns) {
    if (std::find(input.names.begin(), input.names.end(), name) == input.names.end()) {
      return InvalidArgument("de-identification policy: [columns] names " + QuoteForMessage(name) +
                             ", which the table does not have; its columns are: " + JoinStrings(input.names, ", "));
    }
  }

  // Names written in name columns are looked for inside every kept text.
  std::set<std::string> known_names;
  std::vector<DeidRule> rules;
  for (size_t c = 0; c < input.names.size(); ++c) {
    rules.push_back(RuleFor(scans[c], policy));
    const DetectedKind* primary = PrimaryKind(scans[c]);
    if (primary != nullptr && primary->kind == IdentifierKind::kChineseName) {
      for (const auto& value : input.cells[c]) {
        if (IsChineseName(value)) known_names.insert(std::string(TrimWhitespace(value)));
      }
    }
  }
  const std::unordered_set<std::string_view> names(known_names.begin(), known_names.end());
  // A missing key is reported before any work, not after the search.
  for (size_t c = 0; c < input.names.size(); ++c) {
    if (rules[c].action == DeidAction::kPseudonym && pseudonym_key.size() < 32) {
      return FailedPrecondition("de-identification: column " + input.names[c] +
                                " is pseudonymised, which needs the site's secret key (at least 32 bytes): give "
                                "--key FILE (--create-key makes one)");
    }
  }

  // Quasi-identifiers: every generalized column.
  std::vector<PreparedQuasiIdentifier> prepared;
  for (size_t c = 0; c < input.names.size(); ++c) {
    if (rules[c].action != DeidAction::kGeneralize) continue;
    auto custom = policy.hierarchies.find(input.names[c]);
    const DetectedKind* primary = PrimaryKind(scans[c]);
    GeneralizationHierarchy hierarchy = custom != policy.hierarchies.end() ? custom->second
                                        : primary != nullptr               ? HierarchyFor(primary->kind)
                                                                           : CategoricalHierarchy();
    const std::string level_text = rules[c].level.empty() ? "0" : rules[c].level;
    const std::optional<int> level = hierarchy.FindLevel(level_text);
    if (!level) {
      return InvalidArgument("de-identification policy: column " + input.names[c] + " is generalized with the " +
                             hierarchy.name + " hierarchy, which has no level " + QuoteForMessage(level_text) +
                             "; its levels are " + hierarchy.DescribeLevels());
    }
    int cap = -1;
    if (!rules[c].coarsest.empty()) {
      const std::optional<int> coarsest = hierarchy.FindLevel(rules[c].coarsest);
      if (!coarsest || *coarsest < *level) {
        return InvalidArgument("de-identification policy: column " + input.names[c] + " is generalized with the " +
                               hierarchy.name + " hierarchy, whose levels are " + hierarchy.DescribeLevels() +
                               "; coarsest " + QuoteForMessage(rules[c].coarsest) + " is not one of them at or above " +
                               QuoteForMessage(level_text));
      }
      cap = *coarsest;
    }
    prepared.push_back(Prepare(input, c, std::move(hierarchy), *level, cap));
    outcome.quasi_identifiers.push_back(input.names[c]);
  }

  // The search reads the levels; the output below reads them there too (no second copy).
  std::vector<QuasiIdentifierLevels> levels;
  std::vector<std::vector<uint32_t>> raw_codes;
  std::vector<int> preferred_cap;  // kept: a relaxed search clears the caps in `levels`
  for (auto& qi : prepared) {
    raw_codes.push_back(qi.levels.row_value);
    preferred_cap.push_back(qi.levels.cap_level);
    levels.push_back(std::move(qi.levels));
  }
  outcome.before = ProsecutorRisk(raw_codes, rows);
  AnonymitySearchOptions options;
  options.k = policy.k;
  options.suppression_limit = policy.suppression_limit;
  outcome.search = FindOptimalGeneralization(levels, rows, options);
  // No generalization within the preferred coarsest levels reaches k: the whole lattice.
  bool capped = false;
  for (const auto& qi : levels) capped = capped || qi.cap_level >= 0;
  if (capped && outcome.search.lattice_nodes != UINT64_MAX && !outcome.search.found) {
    for (auto& qi : levels) qi.cap_level = -1;
    outcome.search = FindOptimalGeneralization(levels, rows, options);
  }
  if (outcome.search.lattice_nodes == UINT64_MAX) {
    return FailedPrecondition("de-identification: the generalization lattice of the " + std::to_string(levels.size()) +
                              " quasi-identifiers (" + JoinStrings(outcome.quasi_identifiers, ", ") +
                              ") has more than " + std::to_string(options.max_nodes) +
                              " nodes; drop or fix the level of some of them in the policy");
  }
  if (!outcome.search.found) {
    return FailedPrecondition("de-identification: " + std::to_string(rows) + " rows cannot be made " +
                              std::to_string(policy.k) + "-anonymous over " +
                              JoinStrings(outcome.quasi_identifiers, ", ") + " with at most " +
                              std::to_string(policy.suppression_limit * 100) +
                              "% of rows suppressed; raise suppression_limit or lower k in the policy");
  }

  // Rewrite the kept rows.
  std::vector<size_t> kept_rows;
  for (size_t r = 0; r < rows; ++r) {
    if (!outcome.search.suppress_row[r]) kept_rows.push_back(r);
  }
  outcome.rows_out = kept_rows.size();
  std::set<std::string> pseudonym_columns;
  size_t qi_index = 0;
  for (size_t c = 0; c < input.names.size(); ++c) {
    DeidColumnOutcome column;
    column.name = input.names[c];
    column.role = scans[c].role;
    column.detected = DescribeDetected(scans[c]);
    column.action = rules[c].action;
    const auto& cells = input.cells[c];
    std::vector<std::string> written;
    written.reserve(kept_rows.size());
    switch (rules[c].action) {
      case DeidAction::kDrop:
        column.detail = "removed";
        outcome.columns.push_back(std::move(column));
        continue;
      case DeidAction::kPseudonym:
        for (size_t r : kept_rows)
          written.push_back(TrimWhitespace(cells[r]).empty() ? "" : KeyedPseudonym(pseudonym_key, cells[r]));
        column.detail = "HMAC-SHA-256 pseudonym under the site key";
        pseudonym_columns.insert(column.name);
        break;
      case DeidAction::kGeneralize: {
        const PreparedQuasiIdentifier& qi = prepared[qi_index];
        const QuasiIdentifierLevels& qi_levels = levels[qi_index];
        column.loss = outcome.search.column_loss[qi_index];
        const int level = outcome.search.levels[qi_index++];
        const int cap = preferred_cap[qi_index - 1];
        column.beyond_coarsest = cap >= 0 && level > cap;
        for (size_t r : kept_rows)
          written.push_back(qi.text[level][qi_levels.generalized[level][qi_levels.row_value[r]]]);
        column.hierarchy = qi.hierarchy.name;
        column.level = level;
        column.level_name = qi.hierarchy.level_names[level];
        column.detail = "generalized to " + column.level_name + " (" + qi.hierarchy.name +
                        " hierarchy; policy allows " + qi.hierarchy.level_names[qi_levels.min_level] + " or coarser";
        if (cap >= 0) {
          column.detail += column.beyond_coarsest ? "; no generalization kept it at " + qi.hierarchy.level_names[cap] +
                                                        " or finer within the suppression limit"
                                                  : ", " + qi.hierarchy.level_names[cap] + " at most";
        }
        column.detail += ")";
        break;
      }
      case DeidAction::kKeep:
      case DeidAction::kMask:
        for (size_t r : kept_rows) {
          bool changed = false;
          written.push_back(Mask(cells[r], names, changed));
          column.masked += changed;
        }
        column.detail = column.masked == 0 ? "kept" : "identifiers inside values masked";
        break;
    }
    outcome.output.names.push_back(column.name);
    outcome.output.cells.push_back(std::move(written));
    outcome.columns.push_back(std::move(column));
  }

  // The checks the output must pass before anything is written.
  std::vector<std::vector<uint32_t>> output_codes;
  for (const auto& name : outcome.quasi_identifiers) {
    const size_t c =
        std::find(outcome.output.names.begin(), outcome.output.names.end(), name) - outcome.output.names.begin();
    output_codes.push_back(ValueCodes(outcome.output.cells[c]));
  }
  outcome.after = ProsecutorRisk(output_codes, outcome.rows_out);
  if (outcome.rows_out > 0 && outcome.after.k < policy.k) {
    return Internal("de-identification: the output is only " + std::to_string(outcome.after.k) + "-anonymous, not " +
                    std::to_string(policy.k) + "; nothing was written");
  }
  if (auto found = FindDirectIdentifier(outcome.output, pseudonym_columns, known_names)) {
    return FailedPrecondition("de-identification: the output would still hold a direct identifier (" + *found +
                              "); give that column an action in the policy's [columns]; nothing was written");
  }
  return outcome;
}

}  // namespace medfed::privacy
