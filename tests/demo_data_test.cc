// The bundled demo data is exactly what the seeded generators produce, so anyone can
// regenerate it (`medfed synth colorectal|registry|genotypes|messy --out examples/demo/data`,
// `medfed synth rare --out examples/rare/data`).
#include "gtest/gtest.h"
#include "medfed/core/file.h"
#include "medfed/synth/clinical_notes.h"
#include "medfed/synth/colorectal_cohort.h"
#include "medfed/synth/genotype_cohort.h"
#include "medfed/synth/messy_extract.h"
#include "medfed/synth/rare_disease_cohort.h"
#include "medfed/synth/registry_extract.h"

namespace medfed {
namespace {

const std::string kData = std::string(MEDFED_SOURCE_DIR) + "/examples/demo/data/";

TEST(DemoDataTest, CohortFilesMatchTheGenerator) {
  std::vector<std::string> files = synth::GenerateColorectalCohort(synth::CohortOptions());
  ASSERT_EQ(files.size(), 3u);
  for (size_t s = 0; s < files.size(); ++s) {
    auto bundled = ReadFileToString(kData + "colon_" + static_cast<char>('a' + s) + ".csv");
    ASSERT_TRUE(bundled.ok());
    EXPECT_TRUE(*bundled == files[s]) << "colon_" << static_cast<char>('a' + s) << ".csv differs";
  }
}

TEST(DemoDataTest, RegistryFilesMatchTheGenerator) {
  auto extracts = synth::GenerateRegistryExtracts(synth::RegistryOptions());
  ASSERT_EQ(extracts.size(), 3u);
  for (size_t r = 0; r < extracts.size(); ++r) {
    const std::string prefix = kData + "registry_" + static_cast<char>('a' + r);
    EXPECT_TRUE(ReadFileToString(prefix + "_cases.csv").value_or("") == extracts[r].cases_csv)
        << prefix << "_cases.csv differs from the generator's output";
    EXPECT_TRUE(ReadFileToString(prefix + "_population.csv").value_or("") == extracts[r].population_csv)
        << prefix << "_population.csv differs from the generator's output";
  }
}

TEST(DemoDataTest, MessyExtractMatchesTheGenerator) {
  auto bundled = ReadFileToString(kData + "messy_extract.csv");
  ASSERT_TRUE(bundled.ok());
  EXPECT_TRUE(*bundled == synth::GenerateMessyExtract(synth::MessyExtractOptions()));
}

TEST(DemoDataTest, RareDiseaseNetworkMatchesTheGenerator) {
  const std::string rare = std::string(MEDFED_SOURCE_DIR) + "/examples/rare/data/";
  const synth::RareDiseaseNetwork network = synth::GenerateRareDiseaseNetwork(synth::RareDiseaseOptions());
  EXPECT_TRUE(ReadFileToString(rare + "ontology.obo").value_or("") == network.ontology_obo);
  EXPECT_TRUE(ReadFileToString(rare + "query.json").value_or("") == network.example_query_json);
  for (size_t s = 0; s < network.site_csv.size(); ++s) {
    EXPECT_TRUE(ReadFileToString(rare + "rare_" + static_cast<char>('a' + s) + ".csv").value_or("") ==
                network.site_csv[s])
        << "rare_" << static_cast<char>('a' + s) << ".csv differs from the generator's output";
  }
  const std::vector<synth::LabelledNote> notes = synth::GenerateClinicalNotes(network, 60);
  ASSERT_EQ(notes.size(), 120u);
  for (const auto& note : notes) {
    EXPECT_TRUE(ReadFileToString(rare + "notes/" + note.name + ".txt").value_or("") == note.text)
        << "notes/" << note.name << ".txt differs from the generator's output";
  }
  EXPECT_TRUE(ReadFileToString(rare + "notes/labels.tsv").value_or("") == synth::NoteLabelsTsv(notes));
}

TEST(DemoDataTest, GenotypeFilesMatchTheGenerator) {
  auto sites = synth::GenerateGenotypeCohort(synth::GenotypeCohortOptions());
  ASSERT_EQ(sites.size(), 3u);
  for (size_t s = 0; s < sites.size(); ++s) {
    const std::string letter(1, static_cast<char>('a' + s));
    for (const auto& [file, contents] :
         {std::pair{"chip_" + letter + ".bed", &sites[s].bed}, std::pair{"chip_" + letter + ".bim", &sites[s].bim},
          std::pair{"chip_" + letter + ".fam", &sites[s].fam},
          std::pair{"chip_pheno_" + letter + ".csv", &sites[s].phenotypes_csv}}) {
      EXPECT_TRUE(ReadFileToString(kData + file).value_or("") == *contents)
          << file << " differs from the generator's output";
    }
  }
}

}  // namespace
}  // namespace medfed
