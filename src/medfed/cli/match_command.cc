// medfed match STUDY.toml --query QUERY.json | --note NOTE.txt [--dry-run] [--top K] [--json]
//                          [--out DIR] [--hub HOST:PORT --identity DIR [--references DIR]]
// Runs the study's phenotype_match analysis with the query of QUERY.json ({"terms": [...],
// "genes": [...]}):
// the query is encrypted under a key made in this process, and only this process decrypts the
// scores, in one process or through a hub (analysis/matching/phenotype_match.cc). With --note,
// the query's terms are read from a clinician's note (analysis/matching/note_terms.h) on this
// machine; --dry-run shows them and stops before anything is encrypted.
#include <cstdio>

#include "medfed/analysis/matching/note_terms.h"
#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/file.h"
#include "medfed/federation/study_file.h"
#include "medfed/federation/study_runner.h"
#include "medfed/net/reference_directory.h"

namespace medfed::cli {
namespace {

struct MatchArguments {
  std::string study, query, note, out;
  int top = 10;
  bool json = false, dry_run = false;
  HubArguments network;
};

struct Query {
  std::vector<std::string> terms, genes;
};

// Reads a list of strings under `key` of a query file; `example` shows one in the error.
StatusOr<std::vector<std::string>> ReadStrings(const analysis::Json& query, const std::string& path,
                                               const std::string& key, const std::string& example) {
  std::vector<std::string> values;
  if (!query.contains(key)) return values;
  if (!query[key].is_array())
    return InvalidArgument(path + ": \"" + key + "\" must be a list such as [\"" + example + "\"]");
  for (const auto& value : query[key]) {
    if (!value.is_string())
      return InvalidArgument(path + ": every entry of \"" + key + "\" must be a string such as \"" + example + "\"");
    values.push_back(value.get<std::string>());
  }
  return values;
}

// `terms_required`: false when a note gives the terms.
StatusOr<Query> ReadQuery(const std::string& path, bool terms_required) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  const analysis::Json query = analysis::Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (query.is_discarded() || !query.is_object())
    return InvalidArgument(path + R"(: not a JSON object like {"terms": ["HP:0001250"]})");
  for (const auto& [key, value] : query.items()) {
    if (key != "terms" && key != "genes") {
      return InvalidArgument(path + ": unknown key \"" + key + R"("; a query has "terms" and, optionally, "genes")");
    }
  }
  Query read;
  ASSIGN_OR_RETURN(read.terms, ReadStrings(query, path, "terms", "HP:0001250"));
  ASSIGN_OR_RETURN(read.genes, ReadStrings(query, path, "genes", "SCN1A"));
  if (read.terms.empty() && terms_required)
    return InvalidArgument(path + ": \"terms\" must be a non-empty list of ontology term ids");
  return read;
}

// The ontology the study's match analysis names, read on this machine: carried in the study, or
// by hash from --references DIR.
StatusOr<analysis::PhenotypeOntology> LocalOntology(const federation::StudyFile& study,
                                                    const analysis::AnalysisSpec& match,
                                                    const std::string& references) {
  analysis::ReferenceData::Lookup lookup;
  if (!references.empty()) {
    ASSIGN_OR_RETURN(auto directory, net::ReferenceDirectory::Open(references));
    lookup = directory->Lookup();
  }
  const analysis::ReferenceData available("this machine", study.references, std::move(lookup), references);
  auto text = available.Read(match, "ontology");
  if (!text.ok()) {
    return Annotate(text.status(),
                    "--note reads the note against the ontology on this machine: give its path in the study file, or "
                    "name it by hash and give --references DIR holding it: ");
  }
  return analysis::PhenotypeOntology::ParseObo(**text, available.Describe(match, "ontology"));
}

analysis::Json MentionJson(const analysis::NoteMention& mention, const analysis::PhenotypeOntology& ontology) {
  analysis::Json entry = {{"id", ontology.id(mention.term)},
                          {"name", ontology.name(mention.term)},
                          {"text", mention.text},
                          {"line", mention.line}};
  if (mention.kind != analysis::NoteMention::Kind::kPresent) {
    entry["reason"] = mention.kind == analysis::NoteMention::Kind::kNegated ? "negated" : "family history";
    entry["cue"] = mention.cue;
  }
  return entry;
}

// What the note says, for --dry-run and for the record on stderr.
void ShowNote(const std::string& path, const std::vector<analysis::NoteMention>& mentions,
              const analysis::PhenotypeOntology& ontology, bool json, FILE* out) {
  analysis::Json terms = analysis::Json::array(), skipped = analysis::Json::array();
  std::vector<uint32_t> seen;
  for (const auto& mention : mentions) {
    if (mention.kind != analysis::NoteMention::Kind::kPresent) {
      skipped.push_back(MentionJson(mention, ontology));
    } else if (std::find(seen.begin(), seen.end(), mention.term) == seen.end()) {
      seen.push_back(mention.term);
      terms.push_back(MentionJson(mention, ontology));
    }
  }
  if (json) {
    std::fprintf(out, "%s\n", analysis::Json({{"note", path}, {"terms", terms}, {"skipped", skipped}}).dump(2).c_str());
    return;
  }
  std::fprintf(out, "%s: %zu term%s for the query\n", path.c_str(), terms.size(), terms.size() == 1 ? "" : "s");
  for (const auto& term : terms) {
    std::fprintf(out, "  %s  %s  \"%s\" (line %zu)\n", term["id"].get<std::string>().c_str(),
                 term["name"].get<std::string>().c_str(), term["text"].get<std::string>().c_str(),
                 term["line"].get<size_t>());
  }
  if (!skipped.empty()) std::fprintf(out, "skipped:\n");
  for (const auto& term : skipped) {
    std::fprintf(out, "  %s  %s  \"%s\" (line %zu): %s (\"%s\")\n", term["id"].get<std::string>().c_str(),
                 term["name"].get<std::string>().c_str(), term["text"].get<std::string>().c_str(),
                 term["line"].get<size_t>(), term["reason"].get<std::string>().c_str(),
                 term["cue"].get<std::string>().c_str());
  }
}

int RunMatch(const MatchArguments& arguments) {
  if (Status checked = CheckHubArguments(arguments.network); !checked.ok()) return ReportError(checked);
  if (arguments.query.empty() && arguments.note.empty()) {
    return ReportError(InvalidArgument("match: give the query as --query QUERY.json or --note NOTE.txt (or both)"));
  }
  if (arguments.dry_run && arguments.note.empty()) {
    return ReportError(InvalidArgument("match: --dry-run shows the terms found in --note NOTE.txt; give one"));
  }
  auto study = federation::LoadStudyFile(arguments.study);
  if (!study.ok()) return ReportError(study.status());
  StatusOr<Query> query = Query();
  if (!arguments.query.empty()) query = ReadQuery(arguments.query, /*terms_required=*/arguments.note.empty());
  if (!query.ok()) return ReportError(query.status());
  const analysis::AnalysisSpec* match = nullptr;
  for (const auto& spec : study->analyses) {
    if (spec.type() == "phenotype_match") {
      if (match != nullptr) {
        return ReportError(InvalidArgument(arguments.study + ": has more than one phenotype_match analysis; medfed "
                                                             "match runs one"));
      }
      match = &spec;
    }
  }
  if (match == nullptr) {
    return ReportError(InvalidArgument(arguments.study + ": has no [[analyses]] of type \"phenotype_match\" (with "
                                                         "table, id, terms and ontology) for medfed match to run"));
  }
  if (!arguments.note.empty()) {
    auto ontology = LocalOntology(*study, *match, arguments.network.references);
    if (!ontology.ok()) return ReportError(ontology.status());
    auto note = ReadFileToString(arguments.note, analysis::NoteTermFinder::kMaxNoteBytes);
    if (!note.ok()) return ReportError(note.status());
    const analysis::NoteTermFinder finder(*ontology);
    auto mentions = finder.Find(*note, arguments.note);
    if (!mentions.ok()) return ReportError(mentions.status());
    if (arguments.dry_run) {
      ShowNote(arguments.note, *mentions, *ontology, arguments.json, stdout);
      if (!arguments.json) std::printf("nothing was encrypted or sent (--dry-run)\n");
      return 0;
    }
    const std::vector<uint32_t> found = analysis::NoteTermFinder::PresentTerms(*mentions);
    if (found.empty() && query->terms.empty()) {
      ShowNote(arguments.note, *mentions, *ontology, false, stderr);
      return ReportError(InvalidArgument(arguments.note +
                                         ": no ontology term is mentioned as present; write the findings by their "
                                         "names or synonyms in the ontology, or give --query QUERY.json"));
    }
    if (!arguments.json) ShowNote(arguments.note, *mentions, *ontology, false, stderr);
    for (uint32_t term : found) {
      if (std::find(query->terms.begin(), query->terms.end(), ontology->id(term)) == query->terms.end())
        query->terms.push_back(ontology->id(term));
    }
  }
  analysis::Json keys = match->keys();
  keys["query"] = query->terms;
  if (!query->genes.empty()) keys["query_genes"] = query->genes;
  keys["top"] = arguments.top;
  federation::StudyFile query_study = *study;
  query_study.analyses = {analysis::AnalysisSpec(match->id(), match->type(), keys)};
  StatusOr<analysis::Json> document = InvalidArgument("not run");
  if (!arguments.network.hub.empty()) {
    HubArguments network = arguments.network;
    network.quiet = arguments.json;
    document = RunThroughHub(query_study, network, arguments.out);
  } else {
    federation::RunOptions options;
    if (!arguments.out.empty()) options.output_directory = arguments.out;
    // Each site's handle key lives in its state directory (as its release history does for run).
    options.state_home = federation::DefaultStateHome();
    document = federation::RunStudyLocally(query_study, options);
  }
  if (!document.ok()) return ReportError(document.status());
  for (const auto& result : (*document)["results"]) {
    if (result.contains("unknown_terms") && !result["unknown_terms"].empty()) {
      std::string unknown;
      for (const auto& term : result["unknown_terms"])
        unknown += (unknown.empty() ? "" : ", ") + term.get<std::string>();
      std::fprintf(stderr, "match: warning: terms not in the ontology, ignored: %s\n", unknown.c_str());
    }
  }
  const int presented = Present(*document, arguments.json, arguments.out);
  if (presented == 0 && !arguments.json && !arguments.network.hub.empty()) {
    for (const auto& result : (*document)["results"]) {
      if (!result.contains("query_id") || !result.contains("matches") || result["matches"].empty()) continue;
      std::fprintf(stderr,
                   "to follow up a match, ask its site (its steward decides): medfed contact request %s SITE HANDLE "
                   "--fields phenotype,genes,diagnosis,contact --reason \"...\" --hub %s --identity %s\n",
                   result["query_id"].get<std::string>().c_str(), arguments.network.hub.c_str(),
                   arguments.network.identity.c_str());
    }
  }
  return presented;
}

}  // namespace

int MatchQuery(const std::string& study, const std::string& query, int top) {
  MatchArguments arguments;
  arguments.study = study;
  arguments.query = query;
  arguments.top = top;
  return RunMatch(arguments);
}

void AddMatchCommand(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<MatchArguments>();
  CLI::App* command = app.add_subcommand(
      "match", "Find patients like a phenotype query across the sites, with the query encrypted (phenotype_match)");
  command->add_option("study", arguments->study, "the study file (its sites and a phenotype_match analysis)")
      ->required();
  command->add_option("--query", arguments->query,
                      R"(the query: JSON {"terms": ["HP:...", ...], "genes": ["SCN1A", ...]})");
  command->add_option("--note", arguments->note,
                      "a clinician's note (UTF-8 text, English or Chinese): the terms it mentions as present, not "
                      "negated and not a relative's, join the query");
  command->add_flag("--dry-run", arguments->dry_run,
                    "with --note: show the terms found and skipped, and stop before anything is encrypted or sent");
  command->add_option("--top", arguments->top, "how many best matches to return")
      ->default_val(10)
      ->check(CLI::Range(1, 100000));
  command->add_flag("--json", arguments->json, "print the results document as JSON");
  command->add_option("--out", arguments->out, "also write the results to DIR");
  AddHubOptions(*command, arguments->network);
  command->callback([arguments, &exit_code] { exit_code = RunMatch(*arguments); });
}

}  // namespace medfed::cli
