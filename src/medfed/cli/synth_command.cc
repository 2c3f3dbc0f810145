// medfed synth colorectal --out DIR [--seed N] [--rows a,b,c] [--covariates K] [--pooled]
// medfed synth registry --out DIR [--seed N]
// medfed synth genotypes --out DIR [--seed N] [--rows a,b,c] [--variants N]
// medfed synth messy --out DIR [--seed N] [--rows N]
#include <cstdio>
#include <optional>

#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/file.h"
#include "medfed/synth/clinical_notes.h"
#include "medfed/synth/colorectal_cohort.h"
#include "medfed/synth/genotype_cohort.h"
#include "medfed/synth/messy_extract.h"
#include "medfed/synth/rare_disease_cohort.h"
#include "medfed/synth/registry_extract.h"

namespace medfed::cli {
namespace {

struct SynthArguments {
  std::string kind = "colorectal";
  std::string out;
  std::optional<uint64_t> seed;  // default: the generator's own
  std::vector<size_t> rows = {1200, 900, 600};
  bool rows_given = false;
  int covariates = 0;
  size_t variants = 6000;
  bool pooled = false;
};

int SynthesizeGenotypes(const SynthArguments& arguments) {
  synth::GenotypeCohortOptions options;
  if (arguments.seed) options.seed = *arguments.seed;
  if (arguments.rows_given) options.samples = arguments.rows;
  options.variants = arguments.variants;
  std::vector<synth::GenotypeSite> sites = synth::GenerateGenotypeCohort(options);
  for (size_t s = 0; s < sites.size(); ++s) {
    const std::string letter(1, static_cast<char>('a' + s));
    for (const auto& [path, contents] :
         {std::pair{arguments.out + "/chip_" + letter + ".bed", &sites[s].bed},
          std::pair{arguments.out + "/chip_" + letter + ".bim", &sites[s].bim},
          std::pair{arguments.out + "/chip_" + letter + ".fam", &sites[s].fam},
          std::pair{arguments.out + "/chip_pheno_" + letter + ".csv", &sites[s].phenotypes_csv}}) {
      Status written = WriteFileAtomically(path, *contents);
      if (!written.ok()) return ReportError(written);
      std::fprintf(stderr, "wrote %s\n", path.c_str());
    }
  }
  return 0;
}

int SynthesizeRegistries(const SynthArguments& arguments) {
  synth::RegistryOptions options;
  if (arguments.seed) options.seed = *arguments.seed;
  std::vector<synth::RegistryExtract> extracts = synth::GenerateRegistryExtracts(options);
  for (size_t r = 0; r < extracts.size(); ++r) {
    const std::string prefix = arguments.out + "/registry_" + static_cast<char>('a' + r);
    for (const auto& [suffix, contents] :
         {std::pair{"_cases.csv", &extracts[r].cases_csv}, std::pair{"_population.csv", &extracts[r].population_csv}}) {
      Status written = WriteFileAtomically(prefix + suffix, *contents);
      if (!written.ok()) return ReportError(written);
      std::fprintf(stderr, "wrote %s%s\n", prefix.c_str(), suffix);
    }
  }
  return 0;
}

int SynthesizeMessyExtract(const SynthArguments& arguments) {
  synth::MessyExtractOptions options;
  if (arguments.seed) options.seed = *arguments.seed;
  if (arguments.rows_given) options.rows = arguments.rows.front();
  const std::string path = arguments.out + "/messy_extract.csv";
  Status written = MakeDirectories(arguments.out);
  if (written.ok()) written = WriteFileAtomically(path, synth::GenerateMessyExtract(options));
  if (!written.ok()) return ReportError(written);
  std::fprintf(stderr, "wrote %s\n", path.c_str());
  return 0;
}

int SynthesizeRareDiseaseNetwork(const SynthArguments& arguments) {
  synth::RareDiseaseOptions options;
  if (arguments.seed) options.seed = *arguments.seed;
  if (arguments.rows_given) options.patients = arguments.rows;
  const synth::RareDiseaseNetwork network = synth::GenerateRareDiseaseNetwork(options);
  std::vector<std::pair<std::string, const std::string*>> files = {{"ontology.obo", &network.ontology_obo},
                                                                   {"query.json", &network.example_query_json}};
  std::vector<std::string> names;
  for (size_t s = 0; s < network.site_csv.size(); ++s)
    names.push_back(std::string("rare_") + static_cast<char>('a' + s) + ".csv");
  for (size_t s = 0; s < names.size(); ++s) files.emplace_back(names[s], &network.site_csv[s]);
  // Labelled clinical notes for medfed match --note, 60 in each language.
  const std::vector<synth::LabelledNote> notes = synth::GenerateClinicalNotes(network, 60);
  const std::string labels = synth::NoteLabelsTsv(notes);
  for (const auto& note : notes) files.emplace_back("notes/" + note.name + ".txt", &note.text);
  files.emplace_back("notes/labels.tsv", &labels);
  Status written = MakeDirectories(arguments.out + "/notes");
  for (const auto& [name, contents] : files) {
    if (written.ok()) written = WriteFileAtomically(arguments.out + "/" + name, *contents);
    if (!written.ok()) return ReportError(written);
    std::fprintf(stderr, "wrote %s/%s\n", arguments.out.c_str(), name.c_str());
  }
  return 0;
}

int Synthesize(const SynthArguments& arguments) {
  if (arguments.kind == "messy") return SynthesizeMessyExtract(arguments);
  if (arguments.kind == "rare") return SynthesizeRareDiseaseNetwork(arguments);
  if (arguments.kind == "registry") return SynthesizeRegistries(arguments);
  if (arguments.kind == "genotypes") return SynthesizeGenotypes(arguments);
  synth::CohortOptions options;
  if (arguments.seed) options.seed = *arguments.seed;
  options.rows = arguments.rows;
  options.sites.clear();
  for (size_t s = 0; s < arguments.rows.size(); ++s) {
    options.sites.push_back(std::string("hospital-") + static_cast<char>('a' + s));
  }
  options.extra_covariates = arguments.covariates;
  std::vector<std::string> files = synth::GenerateColorectalCohort(options);
  std::string pooled;
  for (size_t s = 0; s < files.size(); ++s) {
    std::string path = arguments.out + "/colon_" + static_cast<char>('a' + s) + ".csv";
    Status written = WriteFileAtomically(path, files[s]);
    if (!written.ok()) return ReportError(written);
    std::fprintf(stderr, "wrote %s\n", path.c_str());
    pooled += s == 0 ? files[s] : files[s].substr(files[s].find('\n') + 1);
  }
  if (arguments.pooled) {
    std::string path = arguments.out + "/colon_pooled.csv";
    Status written = WriteFileAtomically(path, pooled);
    if (!written.ok()) return ReportError(written);
    std::fprintf(stderr, "wrote %s\n", path.c_str());
  }
  return 0;
}

}  // namespace

void AddSynthCommand(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<SynthArguments>();
  CLI::App* command = app.add_subcommand(
      "synth",
      "Generate seeded synthetic data: a multi-hospital colorectal cohort (colorectal), cancer "
      "registry extracts with populations at risk (registry), case-control genotypes with "
      "population structure as PLINK filesets (genotypes), a messy hospital registry extract with planted "
      "identifiers (messy), or a rare-disease network with a small phenotype ontology (rare)");
  command->add_option("kind", arguments->kind, "cohort kind")
      ->check(CLI::IsMember({"colorectal", "registry", "genotypes", "messy", "rare"}))
      ->default_val("colorectal");
  command
      ->add_option("--out", arguments->out,
                   "directory for colon_a.csv, ... (registry_a_cases.csv, registry_a_population.csv, ...; "
                   "chip_a.bed/.bim/.fam, chip_pheno_a.csv, ...; messy_extract.csv; ontology.obo, rare_a.csv, ..., "
                   "query.json, notes/)")
      ->required();
  command
      ->add_option("--seed", arguments->seed,
                   "random seed (default: 20240501 for colorectal, 20240601 for registry, 20240701 for genotypes, "
                   "20240801 for messy, 20240901 for rare)")
      ->check(CLI::NonNegativeNumber);
  CLI::Option* rows =
      command->add_option("--rows", arguments->rows, "rows (genotypes: samples) per site, e.g. --rows 1200,900,600")
          ->delimiter(',')
          ->check(CLI::Range(1, 10000000));
  command->add_option("--variants", arguments->variants, "genotypes: number of variants")
      ->default_val(6000)
      ->check(CLI::Range(1, 10000000));
  command->add_option("--covariates", arguments->covariates, "extra standard-normal covariates x1..xK")
      ->default_val(0)
      ->check(CLI::Range(0, 100));
  command->add_flag("--pooled", arguments->pooled, "also write colon_pooled.csv (all sites)");
  command->callback([arguments, rows, &exit_code] {
    arguments->rows_given = rows->count() > 0;
    exit_code = Synthesize(*arguments);
  });
}

}  // namespace medfed::cli
