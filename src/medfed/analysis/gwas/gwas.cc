// `gwas`: genome-wide association across sites, equal to plink2 --glm (logistic, linear) and
// plink 1.9 --assoc / --model trend-only on the pooled samples (docs/protocols/gwas.md).
#include <filesystem>

#include "medfed/analysis/engine/noised_release.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/gwas/gwas_hub.h"
#include "medfed/analysis/gwas/gwas_site.h"
#include "medfed/core/text.h"
#include "medfed/core/text_table.h"

namespace medfed::analysis {
namespace gwas {

const Protocol<GwasSite, GwasHub>& GwasProtocol() {
  static const auto protocol = Protocol<GwasSite, GwasHub>("gwas")
                                   .Add(kSamples, &GwasSite::Samples, &GwasHub::AfterSamples)
                                   .Add(kVariants, &GwasSite::Variants, &GwasHub::AfterVariants)
                                   .Add(kVariantList, &GwasSite::VariantList, &GwasHub::AfterVariantList)
                                   .Add(kCanonical, &GwasSite::Canonical, &GwasHub::AfterCanonical)
                                   .Add(kDesign, &GwasSite::Design, &GwasHub::AfterDesign)
                                   .Add(kMoments, &GwasSite::Moments, &GwasHub::AfterMoments)
                                   .Add(kNull, &GwasSite::NullModel, &GwasHub::AfterNull)
                                   .Add(kCounts, &GwasSite::Counts, &GwasHub::AfterCounts)
                                   .Add(kLinear, &GwasSite::Linear, &GwasHub::AfterLinear)
                                   .Add(kLogistic, &GwasSite::Logistic, &GwasHub::AfterLogistic);
  return protocol;
}

}  // namespace gwas

namespace {

Status Validate(const AnalysisSpec& spec) { return gwas::ParseGwasSpec(spec).status(); }

std::string ScratchDirectory() {
  return (std::filesystem::temp_directory_path() / ("medfed-" + std::to_string(::getpid()))).string();
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  ASSIGN_OR_RETURN(gwas::GwasSpec parsed, gwas::ParseGwasSpec(spec));
  std::vector<std::string> columns = FormulaColumns(parsed.formula);
  columns.push_back(parsed.sample_id);
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, columns));
  RETURN_IF_ERROR(context.access.CheckTable(context.data.site(), parsed.genotypes));
  auto path = context.data.GenotypePath(parsed.genotypes);
  if (!path.ok()) return Annotate(path.status(), spec.Describe() + ": ");
  auto genotypes = genomics::GenotypeMatrix::Open(*path, ScratchDirectory());
  if (!genotypes.ok()) return Annotate(genotypes.status(), "site " + context.data.site() + ": ");
  return std::unique_ptr<SiteAnalysis>(new gwas::GwasSite(
      std::move(parsed), table, std::make_unique<genomics::GenotypeMatrix>(*std::move(genotypes)), context));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec& spec, const HubContext& context) {
  ASSIGN_OR_RETURN(gwas::GwasSpec parsed, gwas::ParseGwasSpec(spec));
  return std::unique_ptr<HubAnalysis>(new gwas::GwasHub(std::move(parsed), context));
}

std::string Render(const Json& result) {
  std::string text = "  " + result["test"].get<std::string>() +
                     " test: " + std::to_string(result["samples"].get<int64_t>()) + " samples";
  if (result.contains("cases")) {
    text += " (" + std::to_string(result["cases"].get<int64_t>()) + " cases, " +
            std::to_string(result["controls"].get<int64_t>()) + " controls)";
  }
  text += ", " + std::to_string(result["variants_tested"].get<int64_t>()) + " variants tested";
  if (!result["lambda_gc"].is_null())
    text += ", lambda_GC = " + FormatSignificant(result["lambda_gc"].get<double>(), 4);
  text += "\n  results: " + result["output"].get<std::string>() + "\n";
  if (result.contains("privacy")) {
    const Json& privacy = result["privacy"];
    text += "  noised (epsilon " + FormatSignificant(privacy["epsilon"].get<double>(), 3) + ", delta " +
            FormatSignificant(privacy["delta"].get<double>(), 3) + "): every genotype count carries noise of sd " +
            FormatSignificant(result["count_noise_sd"].get<double>(), 3) +
            "; samples, cases and controls are noised too\n";
  }
  if (result.contains("extract_not_found")) {
    text +=
        "  extract IDs not among the shared variants: " + std::to_string(result["extract_not_found"].get<size_t>()) +
        "\n";
  }
  const auto& filtered = result["variants_filtered"];
  size_t dropped = filtered["geno"].get<size_t>() + filtered["hwe"].get<size_t>() + filtered["maf"].get<size_t>();
  if (dropped > 0) {
    text += "  filtered out: " + std::to_string(filtered["geno"].get<size_t>()) + " (geno), " +
            std::to_string(filtered["hwe"].get<size_t>()) + " (hwe), " + std::to_string(filtered["maf"].get<size_t>()) +
            " (maf)\n";
  }
  if (filtered.value("small_count", size_t{0}) > 0) {
    text += "  withheld (a released count would be below min_cell_count): " +
            std::to_string(filtered["small_count"].get<size_t>()) + "\n";
  }
  if (result.contains("variants_left_out")) {
    text += "  left out (not at every site or alleles differ): " +
            std::to_string(result["variants_left_out"].get<size_t>()) + "\n";
  }
  if (result.contains("strand_ambiguous")) {
    text += "  strand-ambiguous A/T or C/G variants kept: " + std::to_string(result["strand_ambiguous"].get<size_t>()) +
            "\n";
  }
  // The effect beside each hit, under plink2's column name: OR (logistic), BETA (linear), the
  // allelic or trend test's CHISQ, or the QC's alternate allele frequency.
  static const std::pair<const char*, const char*> effects[] = {
      {"odds_ratio", "OR"}, {"beta", "BETA"}, {"chi_square", "CHISQ"}, {"alt_frequency", "ALT_FREQ"}};
  std::string effect_key, effect_name;
  for (const auto& hit : result["top"]) {
    for (const auto& [key, name] : effects) {
      if (effect_key.empty() && hit.contains(key)) effect_key = key, effect_name = name;
    }
  }
  std::vector<std::string> header = {"id", "chrom", "pos"};
  if (!effect_key.empty()) header.push_back(effect_name);
  header.emplace_back("p");
  TextTable top(header, {TextTable::Align::kLeft});
  for (const auto& hit : result["top"]) {
    std::vector<std::string> row = {hit["id"].get<std::string>(), hit["chrom"].get<std::string>(),
                                    std::to_string(hit["pos"].get<int64_t>())};
    if (!effect_key.empty()) {
      row.push_back(hit[effect_key].is_number() ? FormatSignificant(hit[effect_key].get<double>(), 4) : "NA");
    }
    row.push_back(FormatPValue(hit["p_value"].get<double>()));
    top.AddRow(row);
  }
  return text + top.Render();
}

}  // namespace

const AnalysisDefinition& GwasDefinition() {
  static const AnalysisDefinition definition = {
      "gwas",
      "genome-wide association, as plink2 --glm / plink --assoc, --model trend-only; allelic and trend counts "
      "noised with privacy = {...}",
      {{"genotypes", KeyKind::kString, true, "genotype set name (PLINK prefix or VCF/BCF per site)"},
       {"table", KeyKind::kString, true, "table with the sample id, phenotype and covariates"},
       {"sample_id", KeyKind::kString, false, "sample id column, matching the .fam IID / VCF samples (default IID)"},
       {"phenotype", KeyKind::kString, true, "phenotype column: 0/1 or 1/2 (case/control) or numeric"},
       {"covariates", KeyKind::kStringList, false, "covariate columns (logistic, linear)"},
       {"test", KeyKind::kString, true, "logistic, linear, allelic, trend or qc"},
       {"output", KeyKind::kString, false, "TSV of results (relative to --out DIR)"},
       {"maf", KeyKind::kNumber, false, "minimum minor allele frequency"},
       {"geno", KeyKind::kNumber, false, "maximum missing call rate"},
       {"hwe", KeyKind::kNumber, false, "minimum Hardy-Weinberg p-value (founders)"},
       {"top", KeyKind::kNumber, false, "top hits in the results document (default 10)"},
       {"where", KeyKind::kString, false, "sample filter on the table"},
       {"block_variants", KeyKind::kNumber, false,
        "variants per counting round (default 8192; smaller uses less memory)"},
       {"extract", KeyKind::kStringList, false, "variant IDs to test, as plink --extract (default: all)"},
       PrivacyKeySpec()},
      Validate,
      CreateSite,
      CreateHub,
      Render};
  return definition;
}

}  // namespace medfed::analysis
