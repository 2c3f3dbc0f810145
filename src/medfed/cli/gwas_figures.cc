#include "medfed/cli/gwas_figures.h"

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "medfed/core/file.h"
#include "medfed/core/text.h"
#include "medfed/plot/manhattan_plot.h"
#include "medfed/plot/qq_plot.h"

namespace medfed::cli {

Status WriteGwasFigures(const analysis::Json& result, const std::string& tsv_path, const std::string& stem) {
  std::ifstream in(tsv_path);
  if (!in) return NotFound(tsv_path + ": cannot open the GWAS results to draw them");
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = SplitString(line, '\t');
  int chrom_column = -1, position_column = -1, p_column = -1;
  for (size_t c = 0; c < header.size(); ++c) {
    if (header[c] == "#CHROM") chrom_column = static_cast<int>(c);
    if (header[c] == "POS") position_column = static_cast<int>(c);
    if (header[c] == "P" || header[c] == "HWE_P") p_column = static_cast<int>(c);
  }
  if (chrom_column < 0 || position_column < 0 || p_column < 0) {
    return InvalidArgument(tsv_path + ": not a medfed GWAS results file (needs #CHROM, POS and P columns)");
  }

  std::vector<plot::ChromosomeExtent> chromosomes;
  for (const auto& chromosome : result["chromosomes"]) {
    chromosomes.push_back({chromosome["chrom"].get<std::string>(), chromosome["max_pos"].get<int64_t>()});
  }
  plot::ManhattanPlot manhattan(chromosomes);
  plot::QqPlot qq;
  size_t line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    const std::vector<std::string> fields = SplitString(line, '\t');
    if (fields.size() != header.size()) {
      return DataLoss(tsv_path + ":" + std::to_string(line_number) + ": " + std::to_string(fields.size()) +
                      " fields where the header has " + std::to_string(header.size()) +
                      "; the file was changed after medfed wrote it");
    }
    const std::string& p_text = fields[static_cast<size_t>(p_column)];
    if (p_text == "NA") continue;
    const double p_value = std::strtod(p_text.c_str(), nullptr);
    manhattan.Add(fields[static_cast<size_t>(chrom_column)],
                  std::strtoll(fields[static_cast<size_t>(position_column)].c_str(), nullptr, 10), p_value);
    qq.Add(p_value);
  }

  std::vector<plot::LabelledHit> hits;
  for (const auto& hit : result["top"]) {
    hits.push_back({hit["id"].get<std::string>(), hit["chrom"].get<std::string>(), hit["pos"].get<int64_t>(),
                    hit["p_value"].get<double>()});
  }
  const std::string title = "GWAS (" + result["test"].get<std::string>() + "): " + result["id"].get<std::string>();
  const double lambda = result["lambda_gc"].is_null() ? std::nan("") : result["lambda_gc"].get<double>();
  RETURN_IF_ERROR(WriteFileAtomically(stem + ".manhattan.svg", manhattan.Render(title, hits)));
  return WriteFileAtomically(stem + ".qq.svg", qq.Render("QQ plot, " + title, lambda));
}

}  // namespace medfed::cli
