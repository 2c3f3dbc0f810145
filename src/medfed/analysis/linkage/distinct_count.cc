// `distinct_count` and `psi`: how many distinct patients several sites hold together, how many
// appear at more than one site (and, for `psi`, how many two sites share), without any site or
// the hub learning which. Multi-party ECDH blinding (commutative encryption; Vaidya and Clifton
// 2005 for the cardinality of a multi-party intersection) on ristretto255, docs/protocols/psi.md:
//
//   round 1        every member site i: its keys, normalised and deduplicated, hashed to the
//                  group and blinded with its fresh secret s_i, shuffled  -> L_i
//   rounds 2 .. k  list L_j goes to site (j + r - 1) mod k, and to that site alone (per-site
//                  round parameters), which blinds it with its own secret and shuffles it again;
//                  after k rounds every list is blinded by every secret
//   hub            compares the fully blinded lists: equal elements are the same key
//
// The hub learns each member's list size and how the fully blinded lists overlap (never a key);
// the released result is the totals only, with small counts suppressed.
#include <algorithm>
#include <cstring>
#include <map>
#include <unordered_map>

#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/engine/round_protocol.h"
#include "medfed/analysis/linkage/linkage_keys.h"
#include "medfed/core/parallel.h"
#include "medfed/core/text.h"
#include "medfed/crypto/psi.h"
#include "medfed/table/csv_reader.h"
#include "medfed/table/evaluator.h"

namespace medfed::analysis {
namespace {

constexpr char kDomain[] = "medfed-linkage-v1";

// The member sites: `sites` of the spec, or every site of the study. A site decides from the
// spec alone whether it takes part (it does not know the study's other sites).
std::vector<std::string> Members(const AnalysisSpec& spec, const std::vector<std::string>& study_sites) {
  std::vector<std::string> members = spec.Strings("sites");
  return members.empty() ? study_sites : members;
}

// The protocol: the numbers are a placeholder; the blinded lists travel as disclosed sets.
inline constexpr Phase<NoSums> kBlind{"blind"};      // each member's own keys, blinded once
inline constexpr Phase<NoSums> kReblind{"reblind"};  // each member blinds the list assigned to it

class KeyBlindingSite;
class KeyBlindingHub;
const Protocol<KeyBlindingSite, KeyBlindingHub>& KeyBlindingProtocol();

class KeyBlindingSite : public ProtocolSite<KeyBlindingSite, KeyBlindingHub> {
 public:
  KeyBlindingSite(std::string site, bool member, LinkageKeys keys, crypto::PsiScalar secret, SiteContext& context)
      : ProtocolSite(KeyBlindingProtocol()),
        site_(std::move(site)),
        member_(member),
        keys_(std::move(keys)),
        secret_(std::move(secret)),
        context_(context) {}

  StatusOr<Contribution> Blind(const RoundParameters&, NoSums&) {
    Contribution contribution;
    if (!member_) return contribution;
    if (auto refusal = RefuseIfTooFewRows(keys_.keys.size(), context_, "distinct keys")) return *refusal;
    std::vector<crypto::GroupElement> blinded = crypto::HashToGroup(kDomain, keys_.keys, HardwareThreads());
    RETURN_IF_ERROR(crypto::Exponentiate(blinded, secret_, HardwareThreads()));
    crypto::Shuffle(blinded);
    contribution.disclosed["blinded"] = {crypto::EncodeElements(blinded)};
    return contribution;
  }

  // The one list this site is sent (no other member's).
  StatusOr<Contribution> Reblind(const RoundParameters& parameters, NoSums&) {
    Contribution contribution;
    if (!member_) return contribution;
    if (!parameters.Has("list")) return InvalidArgument("distinct_count: the round assigns no list to site " + site_);
    ASSIGN_OR_RETURN(std::string text, parameters.Text("list"));
    ASSIGN_OR_RETURN(std::vector<crypto::GroupElement> list, crypto::DecodeElements(text));
    RETURN_IF_ERROR(crypto::Exponentiate(list, secret_, HardwareThreads()));
    crypto::Shuffle(list);
    contribution.disclosed["blinded"] = {crypto::EncodeElements(list)};
    return contribution;
  }

 private:
  std::string site_;
  bool member_;
  LinkageKeys keys_;
  crypto::PsiScalar secret_;
  SiteContext context_;
};

class KeyBlindingHub : public ProtocolHub<KeyBlindingSite, KeyBlindingHub> {
 public:
  KeyBlindingHub(std::string type, std::vector<std::string> members, const HubContext& context)
      : ProtocolHub(KeyBlindingProtocol()), type_(std::move(type)), members_(std::move(members)), context_(context) {}

  StatusOr<RoundParameters> Begin() override {
    lists_.assign(members_.size(), {});
    return Ask(kBlind);
  }

  // Blinding pass r (1 .. k): list j came back from member (j + r - 1) mod k.
  StatusOr<HubStep> AfterBlinding(NoSums&, const PooledRound& pooled) {
    ++pass_;
    const size_t k = members_.size();
    for (size_t j = 0; j < k; ++j) {
      const std::string& from = members_[(j + pass_ - 1) % k];
      auto site = std::find(pooled.sites.begin(), pooled.sites.end(), from);
      if (site == pooled.sites.end()) return InvalidArgument(type_ + ": no answer from member site " + from);
      const auto& disclosed = pooled.disclosed[static_cast<size_t>(site - pooled.sites.begin())];
      auto blinded = disclosed.find("blinded");
      if (blinded == disclosed.end() || blinded->second.size() != 1) {
        return InvalidArgument(type_ + ": site " + from + " sent no blinded keys");
      }
      lists_[j] = blinded->second[0];
    }
    if (pass_ == k) {
      ASSIGN_OR_RETURN(Json result, Count());
      return HubStep::Finish(std::move(result));
    }
    // Each list to the member that blinds it next, and to nobody else.
    std::map<std::string, RoundParameters> per_site;
    for (size_t j = 0; j < k; ++j) per_site[members_[(j + pass_) % k]].texts["list"] = {lists_[j]};
    return NextEach(kReblind, {}, std::move(per_site));
  }

 private:
  // A released count: suppressed when 0 < n < min_cell_count.
  void Release(Json& into, const std::string& key, uint64_t n) const {
    if (privacy::IsSmallCount(static_cast<double>(n), context_.policy.min_cell_count)) {
      into[key] = nullptr;
      suppressed_ = true;
    } else {
      into[key] = n;
    }
  }

  StatusOr<Json> Count() const {
    std::unordered_map<crypto::GroupElement, uint32_t, crypto::GroupElementHash> multiplicity;
    uint64_t keys = 0;
    for (const auto& text : lists_) {
      ASSIGN_OR_RETURN(std::vector<crypto::GroupElement> list, crypto::DecodeElements(text));
      keys += list.size();
      for (const auto& element : list) ++multiplicity[element];
    }
    std::vector<uint64_t> by_sites(members_.size() + 1, 0);
    for (const auto& [element, count] : multiplicity) ++by_sites[std::min<size_t>(count, members_.size())];
    Json result;
    result["status"] = "ok";
    result["sites"] = members_;
    if (type_ == "psi") {
      Release(result, "intersection_size", by_sites.size() > 2 ? by_sites[2] : 0);
      Release(result, "distinct", multiplicity.size());
    } else {
      Release(result, "distinct", multiplicity.size());
      Release(result, "at_more_than_one_site", multiplicity.size() - by_sites[1]);
      Json histogram = Json::array();
      for (size_t m = 1; m < by_sites.size(); ++m) {
        Json cell = {{"sites", m}};
        Release(cell, "n", by_sites[m]);
        histogram.push_back(cell);
      }
      result["by_number_of_sites"] = histogram;
    }
    Release(result, "keys", keys);
    if (suppressed_) {
      result["note"] =
          "counts below min_cell_count " + std::to_string(context_.policy.min_cell_count) + " are suppressed";
    }
    return result;
  }

  std::string type_;
  std::vector<std::string> members_;
  HubContext context_;
  size_t pass_ = 0;
  std::vector<std::string> lists_;
  mutable bool suppressed_ = false;
};

const Protocol<KeyBlindingSite, KeyBlindingHub>& KeyBlindingProtocol() {
  static const auto protocol = Protocol<KeyBlindingSite, KeyBlindingHub>("distinct_count/psi")
                                   .Add(kBlind, &KeyBlindingSite::Blind, &KeyBlindingHub::AfterBlinding)
                                   .Add(kReblind, &KeyBlindingSite::Reblind, &KeyBlindingHub::AfterBlinding);
  return protocol;
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  const std::vector<std::string> members = spec.Strings("sites");
  if (!members.empty() && std::find(members.begin(), members.end(), context.data.site()) == members.end()) {
    // Not linked in this analysis: reads nothing, sends nothing.
    return std::unique_ptr<SiteAnalysis>(
        new KeyBlindingSite(context.data.site(), false, LinkageKeys(), crypto::PsiScalar(), context));
  }
  const std::string column = spec.String("column");
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, {column}));
  ASSIGN_OR_RETURN(std::vector<uint32_t> rows, table::SelectRows(spec.String("where"), *table));
  // Keys as the file has them ("007" is not 7): the key column again, as text.
  const std::string table_name = spec.String("table");
  table::CsvOptions options;
  options.text_columns = {column};
  ASSIGN_OR_RETURN(table::Table as_text, table::ReadCsv(context.data.table_paths().at(table_name), options));
  ASSIGN_OR_RETURN(LinkageKeys keys, ReadLinkageKeys(as_text, column, &rows));
  ASSIGN_OR_RETURN(crypto::PsiScalar secret, crypto::PsiScalar::Random());
  return std::unique_ptr<SiteAnalysis>(
      new KeyBlindingSite(context.data.site(), true, std::move(keys), std::move(secret), context));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec& spec, const HubContext& context) {
  std::vector<std::string> members = Members(spec, context.sites);
  for (const auto& member : members) {
    if (std::find(context.sites.begin(), context.sites.end(), member) == context.sites.end()) {
      return InvalidArgument(spec.Describe() + ": site " + member + " is not a site of this study");
    }
  }
  if (spec.type() == "psi" && members.size() != 2) {
    return InvalidArgument(spec.Describe() +
                           ": psi links two sites; name them (sites = [\"a\", \"b\"]) or use "
                           "distinct_count for " +
                           std::to_string(members.size()));
  }
  if (members.empty()) return InvalidArgument(spec.Describe() + ": no sites");
  return std::unique_ptr<HubAnalysis>(new KeyBlindingHub(spec.type(), std::move(members), context));
}

Status Validate(const AnalysisSpec& spec) {
  if (spec.type() == "psi" && spec.Has("sites") && spec.Strings("sites").size() != 2) {
    return InvalidArgument(spec.Describe() + ": psi links exactly two sites; for more, use distinct_count");
  }
  return absl::OkStatus();
}

std::string Count(const Json& result, const std::string& key) {
  return result.contains(key) && !result[key].is_null() ? std::to_string(result[key].get<uint64_t>()) : "suppressed";
}

std::string Render(const Json& result) {
  std::string text = "  sites: " + JoinStrings(result["sites"].get<std::vector<std::string>>(), ", ") + "\n";
  if (result.contains("intersection_size")) {
    text += "  patients at both sites: " + Count(result, "intersection_size") + "\n";
    text += "  distinct patients: " + Count(result, "distinct") + " (" + Count(result, "keys") + " records)\n";
  } else {
    text += "  distinct patients: " + Count(result, "distinct") + " (" + Count(result, "keys") + " records)\n";
    text += "  at more than one site: " + Count(result, "at_more_than_one_site") + "\n";
    for (const auto& cell : result["by_number_of_sites"]) {
      text += "    at " + std::to_string(cell["sites"].get<int>()) + " site" + (cell["sites"] == 1 ? "" : "s") + ": " +
              Count(cell, "n") + "\n";
    }
  }
  if (result.contains("note")) text += "  (" + result["note"].get<std::string>() + ")\n";
  return text;
}

const std::vector<KeySpec>& Keys() {
  static const std::vector<KeySpec> keys = {
      {"table", KeyKind::kString, true, "table name"},
      {"column", KeyKind::kString, true, "the linkage key column (hashed ID, keyed pseudonym)"},
      {"sites", KeyKind::kStringList, false, "the sites to link (default: all; psi: the first two)"},
      {"where", KeyKind::kString, false, "row filter"}};
  return keys;
}

}  // namespace

const AnalysisDefinition& DistinctCountDefinition() {
  static const AnalysisDefinition definition = {
      "distinct_count",
      "distinct patients across sites by a linkage key, and how many are at more than one (ECDH blinding)",
      Keys(),
      Validate,
      CreateSite,
      CreateHub,
      Render};
  return definition;
}

const AnalysisDefinition& PsiDefinition() {
  static const AnalysisDefinition definition = {
      "psi",      "patients two sites share, by a linkage key (private set intersection, size only)",
      Keys(),     Validate,
      CreateSite, CreateHub,
      Render};
  return definition;
}

}  // namespace medfed::analysis
