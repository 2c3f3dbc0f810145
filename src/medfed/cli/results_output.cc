#include "medfed/cli/results_output.h"

#include <cstdio>

#include "medfed/analysis/engine/registry.h"
#include "medfed/cli/gwas_figures.h"
#include "medfed/core/file.h"
#include "medfed/core/text.h"
#include "medfed/plot/kaplan_meier_plot.h"

namespace medfed::cli {

std::string RenderResultsText(const analysis::Json& document) {
  std::string text = "Study \"" + document["study"].get<std::string>() + "\" across " +
                     std::to_string(document["sites"].size()) + " sites:";
  for (const auto& site : document["sites"]) text += " " + site["name"].get<std::string>();
  if (document["sites"].size() > 1) {
    text +=
        "\n(every number below was computed under secure aggregation; no site's own "
        "summaries were seen)\n";
  } else {
    text +=
        "\n(one site only: there is nothing to mask against, so the coordinator sees this "
        "site's summaries)\n";
  }
  for (const auto& result : document["results"]) {
    const std::string type = result["type"].get<std::string>();
    text += "\n[" + result["id"].get<std::string>() + "] " + type;
    const std::string status = result["status"].get<std::string>();
    if (status != "ok") {
      text += ": " + status + " - " + result.value("reason", std::string()) + "\n";
      continue;
    }
    text += "\n";
    const analysis::AnalysisDefinition* definition = analysis::FindAnalysis(type);
    if (definition != nullptr && definition->render != nullptr) {
      text += definition->render(result);
    } else {
      text += result.dump(2) + "\n";
    }
    if (result.contains("privacy_budget_left")) {
      text += "  your privacy budget left:";
      for (const auto& [site, left] : result["privacy_budget_left"].items()) {
        text += " " + site + " " + left.get<std::string>() + ";";
      }
      text.back() = '\n';
    }
  }
  return text;
}

Status WriteResultsDirectory(const analysis::Json& document, const std::string& directory) {
  RETURN_IF_ERROR(MakeDirectories(directory));
  RETURN_IF_ERROR(WriteFileAtomically(directory + "/results.json", document.dump(2) + "\n"));
  for (const auto& result : document["results"]) {
    std::string id = result["id"].get<std::string>();
    for (char& c : id) {
      if (c == '/' || c == '\\' || c == '\0') c = '_';
    }
    RETURN_IF_ERROR(WriteFileAtomically(directory + "/" + id + ".json", result.dump(2) + "\n"));
    // A noised fit has no step curve to draw (its event times stay at the sites).
    if (result["type"] == "kaplan_meier" && result["status"] == "ok" && !result.contains("privacy")) {
      RETURN_IF_ERROR(
          WriteFileAtomically(directory + "/" + id + ".svg",
                              plot::KaplanMeierSvg(result, "Kaplan-Meier: " + result["formula"].get<std::string>(),
                                                   result.value("min_cell_count", 5))));
    }
    if (result["type"] == "gwas" && result["status"] == "ok") {
      // The TSV was written relative to the same directory (RunOptions::output_directory).
      const std::string output = result["output"].get<std::string>();
      const std::string tsv = !output.empty() && output[0] == '/' ? output : directory + "/" + output;
      RETURN_IF_ERROR(WriteGwasFigures(result, tsv, directory + "/" + id));
    }
  }
  return absl::OkStatus();
}

int ReportError(const Status& status) {
  std::fprintf(stderr, "medfed: error: %s\n", std::string(status.message()).c_str());
  return 1;
}

}  // namespace medfed::cli
