// `phenotype_match`: "who has seen a patient like this?" answered without showing the query to
// the hub or the sites, or the sites' patients to anyone (docs/protocols/match.md).
//
//   seal      querier (the researcher's machine): a fresh Okamoto-Uchiyama key; for every
//             ontology term E(1) if it is in the closure of the query, else E(0), and when the
//             study names a genes column, likewise for every gene bucket (gene_buckets.h). The
//             public key and the encrypted query go into the signed study; the private key
//             never leaves.
//   round 1   sites: for every item (ontology term, gene bucket), how many of their patients
//             have it (terms with ancestors) -> summed under secure aggregation; the hub turns
//             the network's counts into weights w_t = round(100 IC(t)), IC(t) = -ln(count_t / N):
//             a shared gene weighs what a term as frequent in the network weighs
//   round 2   hub: E(q_t)^w_t = E(q_t w_t) for every term, re-randomised -> every site sees one
//             ciphertext per ontology term; the hub cannot tell which are in the query
//             sites: for each patient, the product of the ciphertexts of its closure's terms =
//             E(sum of the weights the patient shares with the query); 28 patients packed per
//             ciphertext (24-bit slots), re-randomised, with an opaque handle per patient
//             hub: the encrypted scores and E(sum of the query's weights), sealed, to the querier
//   open      querier: decrypts, ranks, keeps the best `top`
//
// A site learns the ontology size only; the hub learns the network's term counts (as it sees
// every pooled sum) and nothing of the query or the scores; the querier learns every patient's
// score and the handles of the best matches (match_handles.h: fresh for every query, and only the
// site, which holds the key, can find the patient for follow-up, as in Matchmaker Exchange).

#include <algorithm>
#include <cmath>

#include "absl/synchronization/mutex.h"
#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/engine/round_protocol.h"
#include "medfed/analysis/engine/table_scan.h"
#include "medfed/analysis/matching/gene_buckets.h"
#include "medfed/analysis/matching/match_handles.h"
#include "medfed/analysis/matching/phenotype_ontology.h"
#include "medfed/core/parallel.h"
#include "medfed/core/text.h"
#include "medfed/crypto/okamoto_uchiyama.h"
#include "medfed/crypto/secure_random.h"
#include "medfed/crypto/sodium.h"
#include "medfed/table/evaluator.h"

namespace medfed::analysis {
namespace {

constexpr int kSlotBits = 24;
constexpr int kSlots = 28;
constexpr double kWeightScale = 100;  // IC in hundredths of a nat

// The protocol. Frequencies: per ontology term, the patients whose annotations imply it, and the
// patients; the hub turns them into information-content weights. Score: the sites' encrypted
// scores travel as disclosed sets (the numbers are a placeholder).
struct FrequencySums {
  std::vector<double> term_patients;  // one per item: ontology term, then gene bucket
  double patients = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("term_patients", term_patients);
    fields("patients", patients);
  }
};
inline constexpr Phase<FrequencySums> kFrequencies{"frequencies"};
inline constexpr Phase<NoSums> kScore{"score"};

class MatchSite;
class MatchHub;
const Protocol<MatchSite, MatchHub>& MatchProtocol();

class MatchSite : public ProtocolSite<MatchSite, MatchHub> {
 public:
  MatchSite(size_t terms, std::vector<std::vector<uint32_t>> closures, std::vector<std::string> handles,
            std::optional<Contribution> refusal)
      : ProtocolSite(MatchProtocol()),
        terms_(terms),
        closures_(std::move(closures)),
        handles_(std::move(handles)),
        refusal_(std::move(refusal)) {}

  StatusOr<Contribution> Frequencies(const RoundParameters&, FrequencySums& sums) {
    if (refusal_) return *refusal_;
    sums.term_patients.assign(terms_, 0);
    for (const auto& closure : closures_) {
      for (uint32_t term : closure) sums.term_patients[term] += 1;
    }
    sums.patients = static_cast<double>(closures_.size());
    return Contribution{};
  }

  StatusOr<Contribution> Score(const RoundParameters& parameters, NoSums&) {
    if (refusal_) return *refusal_;
    Contribution contribution;
    ASSIGN_OR_RETURN(std::string key_text, parameters.Text("public_key"));
    ASSIGN_OR_RETURN(std::string key_bytes, crypto::DecodeBase64(key_text, "the querier's public key"));
    ASSIGN_OR_RETURN(crypto::OuPublicKey key, crypto::OuPublicKey::Deserialize(key_bytes));
    ASSIGN_OR_RETURN(std::string weights_text, parameters.Text("weights"));
    ASSIGN_OR_RETURN(std::string weights, crypto::DecodeBase64(weights_text, "the encrypted weights"));
    const size_t width = key.ciphertext_bytes();
    if (weights.size() != width * terms_) {
      return InvalidArgument("the encrypted weights hold " + std::to_string(weights.size() / width) +
                             " terms; this site's ontology has " + std::to_string(terms_));
    }
    // Every term a patient here has, shifted into each slot once.
    std::vector<uint8_t> used(terms_, 0);
    for (const auto& closure : closures_) {
      for (uint32_t term : closure) used[term] = 1;
    }
    crypto::OuAccumulator preparer(key);
    std::vector<std::vector<std::shared_ptr<const crypto::OuAccumulator::Operand>>> operands(terms_);
    for (uint32_t term = 0; term < terms_; ++term) {
      if (!used[term]) continue;
      ASSIGN_OR_RETURN(auto operand, preparer.Prepare(weights.substr(term * width, width)));
      operands[term].push_back(operand);
      for (int slot = 1; slot < kSlots; ++slot)
        operands[term].push_back(preparer.Shift(*operands[term].back(), kSlotBits));
    }
    const size_t blocks = (closures_.size() + kSlots - 1) / kSlots;
    std::vector<std::string> sums(blocks);
    ParallelFor(blocks, HardwareThreads(), [&](size_t begin, size_t end) {
      crypto::OuAccumulator sum(key);
      for (size_t block = begin; block < end; ++block) {
        sum.Reset();
        for (size_t slot = 0; slot < kSlots && block * kSlots + slot < closures_.size(); ++slot) {
          for (uint32_t term : closures_[block * kSlots + slot]) sum.Add(*operands[term][slot]);
        }
        // Fresh randomness: the querier cannot tell which of its ciphertexts went into a sum.
        sums[block] = key.Rerandomize(sum.Result());
      }
    });
    std::string packed;
    for (const auto& block : sums) packed += block;
    contribution.disclosed["blocks"] = {crypto::EncodeBase64(packed)};
    contribution.disclosed["handles"] = handles_;
    return contribution;
  }

 private:
  size_t terms_;                                 // in the ontology
  std::vector<std::vector<uint32_t>> closures_;  // in a random order
  std::vector<std::string> handles_;             // the same order
  std::optional<Contribution> refusal_;          // too few patients under `where`
};

// The hub half computes on ciphertexts only: it turns the network's term counts into weights
// w_t and scales the querier's encrypted 0/1 query by them, E(q_t)^w_t = E(q_t w_t); it sends
// the sites one such ciphertext per term, and hands the sites' encrypted scores back sealed.
class MatchHub : public ProtocolHub<MatchSite, MatchHub> {
 public:
  MatchHub(std::string query_id, size_t terms, crypto::OuPublicKey key, std::string encrypted_query)
      : ProtocolHub(MatchProtocol()),
        query_id_(std::move(query_id)),
        terms_(terms),
        key_(std::move(key)),
        encrypted_query_(std::move(encrypted_query)) {}

  StatusOr<RoundParameters> Begin() override {
    FrequencySums shape;
    shape.term_patients.resize(terms_);
    return Ask(kFrequencies, {}, std::move(shape));
  }

  StatusOr<HubStep> AfterFrequencies(FrequencySums& pooled, const PooledRound&) {
    const double patients = pooled.patients;
    if (patients < 1) return FailedPrecondition("phenotype_match: the sites hold no patients with ontology terms");
    const size_t width = key_.ciphertext_bytes();
    std::vector<std::string> scaled(terms_);
    Status failed;
    absl::Mutex mutex;
    ParallelFor(terms_, HardwareThreads(), [&](size_t begin, size_t end) {
      for (size_t term = begin; term < end; ++term) {
        const double count = pooled.term_patients[term];
        // A term no patient has cannot add to any score: weight 0.
        const uint64_t weight =
            count < 1 ? 0 : static_cast<uint64_t>(std::llround(kWeightScale * std::log(patients / count)));
        auto product = key_.Multiply(encrypted_query_.substr(term * width, width), weight);
        if (!product.ok()) {
          absl::MutexLock lock(&mutex);
          failed = product.status();
          continue;
        }
        scaled[term] = *std::move(product);
      }
    });
    if (!failed.ok()) return Annotate(failed, "phenotype_match: the encrypted query: ");
    // E(sum of the query's weights), for the querier's "fraction of the query" and its check
    // that no score outgrew its slot.
    crypto::OuAccumulator total(key_);
    std::string packed;
    for (const auto& ciphertext : scaled) {
      ASSIGN_OR_RETURN(auto operand, total.Prepare(ciphertext));
      total.Add(*operand);
      packed += ciphertext;
    }
    query_weight_ = key_.Rerandomize(total.Result());
    RoundParameters parameters;
    parameters.texts["public_key"] = {crypto::EncodeBase64(key_.Serialize())};
    parameters.texts["weights"] = {crypto::EncodeBase64(packed)};
    network_patients_ = static_cast<uint64_t>(patients);
    return Next(kScore, std::move(parameters));
  }

  StatusOr<HubStep> Seal(NoSums&, const PooledRound& pooled) {
    Json sites = Json::array();
    for (size_t s = 0; s < pooled.sites.size(); ++s) {
      const auto& disclosed = pooled.disclosed[s];
      auto blocks = disclosed.find("blocks");
      auto handles = disclosed.find("handles");
      if (blocks == disclosed.end() || handles == disclosed.end() || blocks->second.size() != 1) {
        return InvalidArgument("phenotype_match: site " + pooled.sites[s] + " sent no encrypted scores");
      }
      sites.push_back({{"site", pooled.sites[s]}, {"handles", handles->second}, {"blocks", blocks->second[0]}});
    }
    return HubStep::Finish({{"status", "ok"},
                            {"network_patients", network_patients_},
                            // What the handles are bound to; a site's steward resolves a handle with it.
                            {"query_id", query_id_},
                            {"sealed",
                             {{"query_weight", crypto::EncodeBase64(query_weight_)},
                              {"key", crypto::Sha256Hex(key_.Serialize()).substr(0, 16)},
                              {"sites", std::move(sites)}}}});
  }

 private:
  std::string query_id_;
  size_t terms_;
  crypto::OuPublicKey key_;
  std::string encrypted_query_;  // one ciphertext per ontology term: E(1) in the query's closure, else E(0)
  crypto::OuCiphertext query_weight_;
  uint64_t network_patients_ = 0;
};

const Protocol<MatchSite, MatchHub>& MatchProtocol() {
  static const auto protocol = Protocol<MatchSite, MatchHub>("phenotype_match")
                                   .Add(kFrequencies, &MatchSite::Frequencies, &MatchHub::AfterFrequencies)
                                   .Add(kScore, &MatchSite::Score, &MatchHub::Seal);
  return protocol;
}

// The ontology the study names (carried in it, or served by this party by its hash).
StatusOr<PhenotypeOntology> LoadOntology(const AnalysisSpec& spec, const ReferenceData& references) {
  ASSIGN_OR_RETURN(std::shared_ptr<const std::string> text, references.Read(spec, "ontology"));
  return PhenotypeOntology::ParseObo(*text, references.Describe(spec, "ontology"));
}

// The study's gene buckets: none without a genes column.
uint32_t GeneBuckets(const AnalysisSpec& spec) {
  return spec.Has("genes") ? static_cast<uint32_t>(spec.Number("gene_buckets", kDefaultGeneBuckets)) : 0;
}

// The items a query and a patient are compared on: the ontology's terms, then the gene buckets.
size_t ItemCount(const AnalysisSpec& spec, const PhenotypeOntology& ontology) {
  return ontology.size() + GeneBuckets(spec);
}

// The gene buckets of a list of symbols, as item numbers after the ontology's terms.
StatusOr<std::vector<uint32_t>> GeneItems(const AnalysisSpec& spec, const std::vector<std::string>& symbols,
                                          const PhenotypeOntology& ontology,
                                          std::vector<std::string>* normalized = nullptr) {
  std::vector<uint32_t> items;
  const uint32_t buckets = GeneBuckets(spec);
  for (const std::string& text : symbols) {
    ASSIGN_OR_RETURN(std::optional<std::string> symbol, NormalizeGeneSymbol(text));
    if (!symbol) continue;
    if (normalized != nullptr) normalized->push_back(*symbol);
    if (buckets == 0) continue;  // the caller says genes need a column
    items.push_back(static_cast<uint32_t>(ontology.size()) + GeneBucket(*symbol, buckets));
  }
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return items;
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  RETURN_IF_ERROR(crypto::EnsureSodium());
  const std::string id_column = spec.String("id_column"), terms_column = spec.String("terms");
  const std::string genes_column = spec.String("genes");
  std::vector<std::string> columns = {id_column, terms_column};
  if (!genes_column.empty()) columns.push_back(genes_column);
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, columns));
  ASSIGN_OR_RETURN(PhenotypeOntology ontology, LoadOntology(spec, context.references));
  ASSIGN_OR_RETURN(const crypto::SecretBytes key, HandleKey(context.data, spec.String("table")));
  const std::vector<std::string> ids = ColumnTexts(*table->FindColumn(id_column));
  const std::vector<std::string> terms = ColumnTexts(*table->FindColumn(terms_column));
  const std::vector<std::string> genes =
      genes_column.empty() ? std::vector<std::string>() : ColumnTexts(*table->FindColumn(genes_column));
  ASSIGN_OR_RETURN(std::vector<uint32_t> rows, table::SelectRows(spec.String("where"), *table));
  std::vector<std::vector<uint32_t>> closures;
  std::vector<std::string> handles;
  for (uint32_t row : rows) {
    std::vector<uint32_t> known;
    for (const std::string& term : SplitString(terms[row], ';')) {
      if (auto found = ontology.Find(TrimWhitespace(term))) known.push_back(*found);
    }
    std::vector<uint32_t> items = known.empty() ? std::vector<uint32_t>() : ontology.Closure(known);
    if (!genes.empty()) {
      auto gene_items = GeneItems(spec, SplitString(genes[row], ';'), ontology);
      if (!gene_items.ok()) {
        return Annotate(gene_items.status(), spec.Describe() + ": table " + spec.String("table") + ", column " +
                                                 genes_column + ", data row " + std::to_string(row + 1) + ": ");
      }
      items.insert(items.end(), gene_items->begin(), gene_items->end());
    }
    if (items.empty() || ids[row].empty()) continue;
    closures.push_back(std::move(items));
    handles.push_back(MatchHandle(key, context.session_id, ids[row]));
  }
  // A random order, so that slot positions say nothing about row order.
  for (size_t i = closures.size(); i > 1; --i) {
    const size_t j = crypto::RandomBelow(static_cast<uint32_t>(i));
    std::swap(closures[i - 1], closures[j]);
    std::swap(handles[i - 1], handles[j]);
  }
  // Decided on the rows under `where`, before any term count leaves: a site with fewer patients
  // than min_rows (none included) refuses, the same way whether a given patient is there or not.
  std::optional<Contribution> refusal = RefuseIfTooFewRows(rows.size(), context, "patients");
  return std::unique_ptr<SiteAnalysis>(
      new MatchSite(ItemCount(spec, ontology), std::move(closures), std::move(handles), std::move(refusal)));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec& spec, const HubContext& context) {
  if (!spec.Has("query") && !spec.Has("query_key")) {
    return InvalidArgument(spec.Describe() + ": no query; give query = [terms] or run it with medfed match --query");
  }
  if (spec.Has("query") || !spec.Has("query_key") || !spec.Has("encrypted_query")) {
    return InvalidArgument(spec.Describe() +
                           ": the query must arrive sealed (encrypted on the researcher's machine by medfed match "
                           "or medfed run); the hub never sees it in the clear");
  }
  ASSIGN_OR_RETURN(PhenotypeOntology ontology, LoadOntology(spec, context.references));
  ASSIGN_OR_RETURN(std::string key_bytes, crypto::DecodeBase64(spec.String("query_key"), "the querier's public key"));
  ASSIGN_OR_RETURN(crypto::OuPublicKey key, crypto::OuPublicKey::Deserialize(key_bytes));
  ASSIGN_OR_RETURN(std::shared_ptr<const std::string> encrypted, context.references.Read(spec, "encrypted_query"));
  const size_t items = ItemCount(spec, ontology);
  if (encrypted->size() != key.ciphertext_bytes() * items) {
    return InvalidArgument(spec.Describe() + ": the encrypted query holds " +
                           std::to_string(encrypted->size() / key.ciphertext_bytes()) +
                           " items; the ontology and gene buckets make " + std::to_string(items));
  }
  return std::unique_ptr<HubAnalysis>(new MatchHub(context.session_id, items, std::move(key), *encrypted));
}

// What the researcher keeps between sealing and opening: the private key and the query as read.
class MatchSecret : public QuerierSecret {
 public:
  MatchSecret(crypto::OuKeyPair keys, std::vector<std::string> query_terms, std::vector<std::string> unknown,
              std::vector<std::string> query_genes, size_t top)
      : keys(std::move(keys)),
        query_terms(std::move(query_terms)),
        unknown(std::move(unknown)),
        query_genes(std::move(query_genes)),
        top(top) {}
  crypto::OuKeyPair keys;
  std::vector<std::string> query_terms;  // as the ontology names them
  std::vector<std::string> unknown;      // not in the ontology, ignored
  std::vector<std::string> query_genes;  // normalised symbols
  size_t top;
};

// On the researcher's machine: a fresh Okamoto-Uchiyama key, and for every ontology term E(1)
// if it is in the closure of the query, else E(0). The encrypted query travels as carried
// reference data (the ledger records its hash, never the terms); the key's public half as a key.
StatusOr<std::unique_ptr<QuerierSecret>> Seal(AnalysisSpec& spec, const ReferenceData& available,
                                              std::vector<ReferenceFile>& carried) {
  if (!spec.Has("query")) {
    return InvalidArgument(spec.Describe() + ": no query; give query = [terms] or run it with medfed match --query");
  }
  auto ontology = LoadOntology(spec, available);
  if (!ontology.ok()) {
    return Annotate(ontology.status(),
                    "the query is encrypted on this machine, which needs the ontology: give its path in the study "
                    "file, or name it by hash and give medfed --references DIR holding it: ");
  }
  std::vector<uint32_t> query;
  std::vector<std::string> known, unknown;
  for (const std::string& term : spec.Strings("query")) {
    if (auto found = ontology->Find(TrimWhitespace(term))) {
      query.push_back(*found);
      known.push_back(ontology->id(*found));
    } else {
      unknown.push_back(term);
    }
  }
  if (query.empty()) {
    return InvalidArgument(spec.Describe() + ": none of the query's terms is in the ontology " +
                           available.Describe(spec, "ontology") +
                           (unknown.empty() ? "" : " (unknown: " + JoinStrings(unknown, ", ") + ")"));
  }
  std::vector<std::string> genes;
  const std::vector<std::string> gene_texts =
      spec.Has("query_genes") ? spec.Strings("query_genes") : std::vector<std::string>();
  auto gene_items = GeneItems(spec, gene_texts, *ontology, &genes);
  if (!gene_items.ok()) return Annotate(gene_items.status(), spec.Describe() + ": the query's genes: ");
  if (!genes.empty() && !spec.Has("genes")) {
    return InvalidArgument(spec.Describe() + ": the query names genes (" + JoinStrings(genes, ", ") +
                           ") but the analysis names no genes column; add genes = \"COLUMN\" (the sites' column of "
                           "candidate or causal genes) or leave the genes out of the query");
  }
  const size_t items = ItemCount(spec, *ontology);
  std::vector<uint8_t> in_query(items, 0);
  for (uint32_t term : ontology->Closure(query)) in_query[term] = 1;
  for (uint32_t item : *gene_items) in_query[item] = 1;
  ASSIGN_OR_RETURN(crypto::OuKeyPair keys, crypto::OuKeyPair::Generate(2048));
  const crypto::OuPublicKey& key = keys.public_key();
  std::vector<std::string> ciphertexts(items);
  ParallelFor(items, HardwareThreads(), [&](size_t begin, size_t end) {
    for (size_t term = begin; term < end; ++term) ciphertexts[term] = key.Encrypt(in_query[term]);
  });
  auto encrypted = std::make_shared<std::string>();
  for (const auto& ciphertext : ciphertexts) *encrypted += ciphertext;
  const std::string digest = crypto::Sha256Hex(*encrypted);
  carried.push_back({"encrypted-query-" + spec.id(), digest, std::move(encrypted)});
  Json keys_json = spec.keys();
  keys_json.erase("query");
  keys_json.erase("query_genes");
  keys_json["query_key"] = crypto::EncodeBase64(key.Serialize());
  keys_json["encrypted_query"] = ReferenceKeyValue(digest);
  const auto top = static_cast<size_t>(std::max(1.0, spec.Number("top", 10)));
  spec = AnalysisSpec(spec.id(), spec.type(), std::move(keys_json));
  return std::unique_ptr<QuerierSecret>(
      new MatchSecret(std::move(keys), std::move(known), std::move(unknown), std::move(genes), top));
}

// On the researcher's machine: decrypts every patient's score, ranks, keeps the best `top`.
StatusOr<Json> Open(const Json& sealed_result, const QuerierSecret& secret_base) {
  const auto& secret = static_cast<const MatchSecret&>(secret_base);
  if (!sealed_result.contains("sealed") || !sealed_result["sealed"].is_object()) return sealed_result;
  const Json& sealed = sealed_result["sealed"];
  auto text = [&](const Json& value, const std::string& what) -> StatusOr<std::string> {
    if (!value.is_string()) return DataLoss("phenotype_match: the sealed result's " + what + " is not text");
    return crypto::DecodeBase64(value.get<std::string>(), what);
  };
  ASSIGN_OR_RETURN(std::string weight_ciphertext, text(sealed.value("query_weight", Json()), "query weight"));
  ASSIGN_OR_RETURN(const uint64_t query_weight, secret.keys.Decrypt(weight_ciphertext));
  if (query_weight >= (uint64_t{1} << kSlotBits)) {
    return InvalidArgument("phenotype_match: the query's terms weigh " + std::to_string(query_weight) +
                           " in all, more than a 24-bit slot holds; use fewer terms");
  }
  struct Match {
    std::string site, handle;
    uint64_t score;
  };
  std::vector<Match> matches;
  const size_t width = secret.keys.public_key().ciphertext_bytes();
  for (const auto& entry : sealed.value("sites", Json::array())) {
    const std::string site = entry.value("site", "");
    ASSIGN_OR_RETURN(std::string packed, text(entry.value("blocks", Json()), "site " + site + "'s scores"));
    const Json handles = entry.value("handles", Json::array());
    if (!handles.is_array() || packed.size() != width * ((handles.size() + kSlots - 1) / kSlots)) {
      return DataLoss("phenotype_match: site " + site + " sent scores for a different number of patients than handles");
    }
    const size_t patients = handles.size();
    std::vector<uint64_t> scores(patients);
    Status failed;
    absl::Mutex mutex;
    ParallelFor(packed.size() / width, HardwareThreads(), [&](size_t begin, size_t end) {
      for (size_t block = begin; block < end; ++block) {
        auto slots = secret.keys.DecryptPacked(packed.substr(block * width, width), kSlotBits, kSlots);
        if (!slots.ok()) {
          absl::MutexLock lock(&mutex);
          failed = slots.status();
          continue;
        }
        for (size_t slot = 0; slot < kSlots && block * kSlots + slot < patients; ++slot) {
          scores[block * kSlots + slot] = (*slots)[slot];
        }
      }
    });
    if (!failed.ok()) return Annotate(failed, "phenotype_match: site " + site + ": ");
    for (size_t p = 0; p < patients; ++p) {
      if (!handles[p].is_string()) return DataLoss("phenotype_match: site " + site + " sent a malformed handle");
      matches.push_back({site, handles[p].get<std::string>(), scores[p]});
    }
  }
  std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
    return a.score != b.score ? a.score > b.score : std::tie(a.site, a.handle) < std::tie(b.site, b.handle);
  });
  Json result = sealed_result;
  result.erase("sealed");
  result["query_terms"] = secret.query_terms;
  result["unknown_terms"] = secret.unknown;
  result["query_genes"] = secret.query_genes;
  result["query_information_content"] = static_cast<double>(query_weight) / kWeightScale;
  result["matches"] = Json::array();
  for (size_t i = 0; i < std::min(secret.top, matches.size()); ++i) {
    result["matches"].push_back(
        {{"rank", i + 1},
         {"site", matches[i].site},
         {"handle", matches[i].handle},
         {"score", static_cast<double>(matches[i].score) / kWeightScale},
         {"fraction_of_query",
          query_weight == 0 ? 0.0 : static_cast<double>(matches[i].score) / static_cast<double>(query_weight)}});
  }
  return result;
}

Status Validate(const AnalysisSpec& spec) {
  if (spec.Has("query") && spec.Strings("query").empty()) {
    return InvalidArgument(spec.Describe() + ": query needs at least one term");
  }
  if (spec.Has("query_genes")) {
    for (const std::string& gene : spec.Strings("query_genes")) {
      if (auto symbol = NormalizeGeneSymbol(gene); !symbol.ok()) {
        return Annotate(symbol.status(), spec.Describe() + ": query_genes: ");
      }
    }
  }
  if (spec.Has("query_key") != spec.Has("encrypted_query") || (spec.Has("query") && spec.Has("query_key"))) {
    return InvalidArgument(spec.Describe() + ": a sealed query has query_key and encrypted_query and no query");
  }
  const double buckets = spec.Number("gene_buckets", kDefaultGeneBuckets);
  if (!(buckets >= kMinGeneBuckets && buckets <= kMaxGeneBuckets) || buckets != std::floor(buckets)) {
    return InvalidArgument(spec.Describe() + ": gene_buckets must be a whole number from " +
                           std::to_string(kMinGeneBuckets) + " to " + std::to_string(kMaxGeneBuckets));
  }
  const double top = spec.Number("top", 10);
  if (!(top >= 1 && top <= 100000) || top != std::floor(top)) {
    return InvalidArgument(spec.Describe() + ": top must be a whole number from 1 to 100000");
  }
  return absl::OkStatus();
}

std::string Render(const Json& result) {
  if (result.contains("sealed")) {
    return "  encrypted scores of " + std::to_string(result.value("network_patients", uint64_t{0})) +
           " patients: only the key of the medfed process that sealed the query opens them\n";
  }
  std::string text = "  query: " + JoinStrings(result["query_terms"].get<std::vector<std::string>>(), ", ") + " (" +
                     FormatSignificant(result["query_information_content"].get<double>(), 4) + " nats)\n";
  if (result.contains("query_genes") && !result["query_genes"].empty()) {
    text += "  genes: " + JoinStrings(result["query_genes"].get<std::vector<std::string>>(), ", ") + "\n";
  }
  if (!result["unknown_terms"].empty()) {
    text += "  unknown terms, ignored: " + JoinStrings(result["unknown_terms"].get<std::vector<std::string>>(), ", ") +
            "\n";
  }
  text += "  best matches among " + std::to_string(result["network_patients"].get<uint64_t>()) + " patients:\n";
  for (const auto& match : result["matches"]) {
    text += "    " + std::to_string(match["rank"].get<int>()) + ". " + match["site"].get<std::string>() + " " +
            match["handle"].get<std::string>() + "  score " + FormatSignificant(match["score"].get<double>(), 4) +
            " (" + FormatSignificant(100 * match["fraction_of_query"].get<double>(), 3) + "% of the query)\n";
  }
  return text;
}

const std::vector<KeySpec>& Keys() {
  static const std::vector<KeySpec> keys = {
      {"table", KeyKind::kString, true, "table name"},
      {"id_column", KeyKind::kString, true,
       "the patient id column (only the site sees it; handles are derived from it)"},
      {"terms", KeyKind::kString, true, "the column of phenotype terms, separated by ';' (HP:0001250;HP:0000252)"},
      {"ontology", KeyKind::kReference, true,
       "the ontology (OBO): a file that travels with the study, or sha256:HEX served by every party",
       /*read_by_sites=*/true},
      {"query", KeyKind::kStringList, false,
       "the query's terms (or `medfed match --query QUERY.json`); encrypted on the researcher's machine, never sent",
       /*read_by_sites=*/false, /*querier_only=*/true},
      {"genes", KeyKind::kString, false,
       "the column of candidate or causal genes, HGNC symbols separated by ';' (SCN1A;KCNQ2): with it, the query's "
       "genes are matched too, in hashed buckets"},
      {"gene_buckets", KeyKind::kNumber, false,
       "how many buckets gene symbols are hashed into (default 1024; more: fewer chance meetings, one more "
       "encryption per bucket for the querier)"},
      {"query_genes", KeyKind::kStringList, false,
       "the query's candidate genes (or \"genes\" in medfed match's QUERY.json); encrypted on the researcher's "
       "machine, never sent",
       /*read_by_sites=*/false, /*querier_only=*/true},
      {"query_key", KeyKind::kString, false, "set by medfed: the querier's public key"},
      {"encrypted_query", KeyKind::kReference, false,
       "set by medfed: the query, encrypted (one ciphertext per ontology term and gene bucket)"},
      {"top", KeyKind::kNumber, false, "how many best matches to return (default 10)"},
      {"where", KeyKind::kString, false, "row filter"}};
  return keys;
}

}  // namespace

const AnalysisDefinition& PhenotypeMatchDefinition() {
  static const AnalysisDefinition definition = {
      "phenotype_match",
      "patients similar to an encrypted phenotype query (ontology-weighted overlap, Okamoto-Uchiyama encryption)",
      Keys(),
      Validate,
      CreateSite,
      CreateHub,
      Render,
      Seal,
      Open};
  return definition;
}

}  // namespace medfed::analysis
