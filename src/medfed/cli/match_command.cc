// medfed match STUDY.toml --query QUERY.json [--top K] [--json] [--out DIR]
//                          [--hub HOST:PORT --identity DIR [--references DIR]]
// Runs the study's phenotype_match analysis with the query of QUERY.json ({"terms": [...],
// "genes": [...]}):
// the query is encrypted under a key made in this process, and only this process decrypts the
// scores, in one process or through a hub (analysis/matching/phenotype_match.cc).
#include <cstdio>

#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/file.h"
#include "medfed/federation/study_file.h"
#include "medfed/federation/study_runner.h"

namespace medfed::cli {
namespace {

struct MatchArguments {
  std::string study, query, out;
  int top = 10;
  bool json = false;
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

StatusOr<Query> ReadQuery(const std::string& path) {
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
  if (read.terms.empty()) return InvalidArgument(path + ": \"terms\" must be a non-empty list of ontology term ids");
  return read;
}

int RunMatch(const MatchArguments& arguments) {
  if (Status checked = CheckHubArguments(arguments.network); !checked.ok()) return ReportError(checked);
  auto study = federation::LoadStudyFile(arguments.study);
  if (!study.ok()) return ReportError(study.status());
  auto query = ReadQuery(arguments.query);
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
  return Present(*document, arguments.json, arguments.out);
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
  command
      ->add_option("--query", arguments->query,
                   R"(the query: JSON {"terms": ["HP:...", ...], "genes": ["SCN1A", ...]})")
      ->required();
  command->add_option("--top", arguments->top, "how many best matches to return")
      ->default_val(10)
      ->check(CLI::Range(1, 100000));
  command->add_flag("--json", arguments->json, "print the results document as JSON");
  command->add_option("--out", arguments->out, "also write the results to DIR");
  AddHubOptions(*command, arguments->network);
  command->callback([arguments, &exit_code] { exit_code = RunMatch(*arguments); });
}

}  // namespace medfed::cli
