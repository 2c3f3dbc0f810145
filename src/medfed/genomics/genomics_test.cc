#include <filesystem>
#include <random>

#include "gtest/gtest.h"
#include "medfed/core/file.h"
#include "medfed/genomics/genotype_counts.h"
#include "medfed/genomics/genotype_matrix.h"
#include "medfed/genomics/variant_harmonisation.h"

namespace medfed::genomics {
namespace {

std::string TempDir() {
  static int counter = 0;
  auto path = std::filesystem::temp_directory_path() /
              ("medfed_genomics_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(path);  // a directory a finished process with this pid left
  std::filesystem::create_directories(path);
  return path.string();
}

// Writes a fileset from dosages (ALT copies; -1 missing): variants x samples.
std::string WriteFileset(const std::vector<std::vector<int>>& dosages, size_t samples, bool truncate = false) {
  std::string prefix = TempDir() + "/set";
  std::string bim, fam, bed = {'\x6c', '\x1b', '\x01'};
  for (size_t v = 0; v < dosages.size(); ++v) {
    bim += "1\trs" + std::to_string(v) + "\t0\t" + std::to_string(100 * (v + 1)) + "\tA\tG\n";
    std::string bytes((samples + 3) / 4, '\0');
    for (size_t s = 0; s < samples; ++s) {
      int d = dosages[v][s];
      uint8_t code = d < 0 ? 1 : (d == 2 ? 0 : (d == 1 ? 2 : 3));
      bytes[s / 4] = static_cast<char>(static_cast<uint8_t>(bytes[s / 4]) | (code << (2 * (s % 4))));
    }
    bed += bytes;
  }
  for (size_t s = 0; s < samples; ++s) fam += "f" + std::to_string(s) + " s" + std::to_string(s) + " 0 0 1 -9\n";
  if (truncate) bed.resize(bed.size() - 2);
  EXPECT_TRUE(WriteFileAtomically(prefix + ".bim", bim).ok());
  EXPECT_TRUE(WriteFileAtomically(prefix + ".fam", fam).ok());
  EXPECT_TRUE(WriteFileAtomically(prefix + ".bed", bed).ok());
  return prefix;
}

TEST(GenotypeMatrixTest, CountsMatchBruteForce) {
  std::mt19937 random(3);
  const size_t samples = 203;  // not a multiple of 4 or 32
  std::vector<std::vector<int>> dosages(5, std::vector<int>(samples));
  for (auto& variant : dosages) {
    for (int& d : variant) d = static_cast<int>(random() % 4) - 1;
  }
  auto matrix = GenotypeMatrix::OpenPlink(WriteFileset(dosages, samples));
  ASSERT_TRUE(matrix.ok()) << matrix.status();
  EXPECT_EQ(matrix->variant_count(), 5u);
  EXPECT_EQ(matrix->variants()[2].allele1, "A");
  std::vector<uint32_t> selected;
  for (uint32_t s = 0; s < samples; s += 3) selected.push_back(s);
  SampleMask mask(samples, selected);
  for (size_t v = 0; v < 5; ++v) {
    auto counts = CountGenotypes(matrix->Variant(v), matrix->bytes_per_variant(), mask);
    uint32_t expected[4] = {0, 0, 0, 0};
    for (uint32_t s : selected) {
      int d = dosages[v][s];
      expected[d < 0 ? 1 : (d == 2 ? 0 : (d == 1 ? 2 : 3))] += 1;
    }
    for (int c = 0; c < 4; ++c) EXPECT_EQ(counts[c], expected[c]) << "variant " << v << " code " << c;
    std::vector<int8_t> extracted;
    ExtractDosages(matrix->Variant(v), selected, extracted);
    for (size_t i = 0; i < selected.size(); ++i) EXPECT_EQ(extracted[i], dosages[v][selected[i]]);
    // Regression columns: listed samples, and all samples in file order (byte tables), with
    // and without flipping to REF copies.
    for (bool flip : {false, true}) {
      std::vector<double> dosage(samples), valid(samples);
      ExtractDosageColumns(matrix->Variant(v), &selected, selected.size(), flip, dosage.data(), valid.data());
      for (size_t i = 0; i < selected.size(); ++i) {
        const int d = dosages[v][selected[i]];
        EXPECT_EQ(valid[i], d < 0 ? 0 : 1);
        EXPECT_EQ(dosage[i], d < 0 ? 0 : (flip ? 2 - d : d));
      }
      ExtractDosageColumns(matrix->Variant(v), nullptr, samples, flip, dosage.data(), valid.data());
      for (size_t i = 0; i < samples; ++i) {
        const int d = dosages[v][i];
        EXPECT_EQ(valid[i], d < 0 ? 0 : 1) << i;
        EXPECT_EQ(dosage[i], d < 0 ? 0 : (flip ? 2 - d : d)) << i;
      }
    }
  }
}

TEST(GenotypeMatrixTest, TruncatedBedIsAClearError) {
  auto matrix = GenotypeMatrix::OpenPlink(WriteFileset({{0, 1, 2, 0, 1}, {1, 1, 1, 1, 1}}, 5, true));
  ASSERT_FALSE(matrix.ok());
  std::string message(matrix.status().message());
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  EXPECT_NE(message.find("2 variants x 5 samples"), std::string::npos) << message;
}

TEST(GenotypeMatrixTest, BimFamMismatchIsAClearError) {
  std::string prefix = WriteFileset({{0, 1, 2, 0}}, 4);
  // Another .fam with nine samples: the .bed is now too short for it.
  ASSERT_TRUE(
      WriteFileAtomically(prefix + ".fam", std::string(9, 'x').replace(0, 9, "") +
                                               "a a 0 0 1 1\nb b 0 0 1 1\nc c 0 0 1 1\nd d 0 0 1 1\n"
                                               "e e 0 0 1 1\nf f 0 0 1 1\ng g 0 0 1 1\nh h 0 0 1 1\ni i 0 0 1 1\n")
          .ok());
  auto matrix = GenotypeMatrix::OpenPlink(prefix);
  ASSERT_FALSE(matrix.ok());
  EXPECT_NE(std::string(matrix.status().message()).find("9 samples"), std::string::npos);
  // A .bim line with five fields names the line.
  ASSERT_TRUE(WriteFileAtomically(prefix + ".bim", "1 rs0 0 100 A\n").ok());
  auto bad_bim = GenotypeMatrix::OpenPlink(prefix);
  ASSERT_FALSE(bad_bim.ok());
  EXPECT_NE(std::string(bad_bim.status().message()).find(".bim:1"), std::string::npos);
}

TEST(GenotypeMatrixTest, ReadsVcfHardCalls) {
  std::string path = TempDir() + "/calls.vcf";
  ASSERT_TRUE(WriteFileAtomically(path,
                                  "##fileformat=VCFv4.2\n"
                                  "##contig=<ID=1>\n"
                                  "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
                                  "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tp1\tp2\tp3\tp4\tp5\n"
                                  "1\t100\trs1\tG\tA\t.\t.\t.\tGT\t0/0\t0/1\t1/1\t./.\t1|0\n"
                                  "1\t200\t.\tC\tT\t.\t.\t.\tGT\t1/1\t1/1\t0/0\t0/1\t0/0\n"
                                  "1\t300\trs3\tC\tT,G\t.\t.\t.\tGT\t1/2\t1/1\t0/0\t0/1\t0/0\n")
                  .ok());
  auto matrix = GenotypeMatrix::OpenVcf(path, TempDir());
  ASSERT_TRUE(matrix.ok()) << matrix.status();
  ASSERT_EQ(matrix->variant_count(), 2u);  // the multi-allelic site is skipped
  EXPECT_EQ(matrix->variants()[1].id, "1:200:C:T");
  EXPECT_EQ(matrix->variants()[0].allele1, "A");  // ALT
  EXPECT_EQ(matrix->variants()[0].allele2, "G");  // REF
  std::vector<int8_t> dosages;
  ExtractDosages(matrix->Variant(0), {0, 1, 2, 3, 4}, dosages);
  EXPECT_EQ(dosages, (std::vector<int8_t>{0, 1, 2, -1, 1}));
  EXPECT_EQ(matrix->samples()[4].id, "p5");
}

TEST(GenotypeMatrixTest, VcfWithoutGtIsAClearError) {
  std::string path = TempDir() + "/nogt.vcf";
  ASSERT_TRUE(WriteFileAtomically(path,
                                  "##fileformat=VCFv4.2\n##contig=<ID=1>\n"
                                  "##FORMAT=<ID=DS,Number=1,Type=Float,Description=\"Dosage\">\n"
                                  "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tp1\n"
                                  "1\t100\trs1\tG\tA\t.\t.\t.\tDS\t0.5\n")
                  .ok());
  auto matrix = GenotypeMatrix::OpenVcf(path, TempDir());
  ASSERT_FALSE(matrix.ok());
  EXPECT_NE(std::string(matrix.status().message()).find("no GT FORMAT field"), std::string::npos);
}

TEST(GenotypeMatrixTest, BimPositionsAndFieldsAreStrict) {
  const std::string prefix = WriteFileset({{0, 1, 2, 0}, {1, 1, 1, 1}}, 4);
  struct Bad {
    std::string line;
    const char* expected;
  } cases[] = {
      {"1 rs1 0 12abc A G", "position \"12abc\" is not a base-pair position"},
      {"1 rs1 0 1e5 A G", "position \"1e5\" is not a base-pair position"},
      {"1 rs1 0 -3 A G", "position \"-3\" is not a base-pair position"},
      {"1 rs1 0 2147483647 A G", "is not a base-pair position"},
      {"1 rs1 0 99999999999999999999 A G", "is not a base-pair position"},
      {"1 rs\xff 0 100 A G", "field 2 is not valid UTF-8"},
      {"1 rs1 x 100 A G", "genetic distance \"x\" is not a number"},
  };
  for (const auto& bad : cases) {
    ASSERT_TRUE(WriteFileAtomically(prefix + ".bim", "1 rs0 0 100 A G\n" + bad.line + "\n").ok());
    auto matrix = GenotypeMatrix::OpenPlink(prefix);
    ASSERT_FALSE(matrix.ok()) << bad.line;
    const std::string message(matrix.status().message());
    EXPECT_NE(message.find(prefix + ".bim:2: "), std::string::npos) << message;
    EXPECT_NE(message.find(bad.expected), std::string::npos) << message;
  }
  ASSERT_TRUE(WriteFileAtomically(prefix + ".bim", "1 rs0 0.5 0 A G\n1 rs1 0 2147483646 A G\n").ok());
  EXPECT_TRUE(GenotypeMatrix::OpenPlink(prefix).ok());
  // The variant lines sites send the hub are parsed as strictly, never with an exception.
  EXPECT_FALSE(ParseVariantLine("1\t12abc\trs1\tA\tG").ok());
  EXPECT_FALSE(ParseVariantLine("1\tx\trs1\tA\tG").ok());
  EXPECT_EQ(ParseVariantLine("1\t100\trs1\tA\tG")->position, 100);
}

TEST(HarmonisationTest, SitesThatDisagreeOnAPositionAreReported) {
  std::vector<VariantRecord> a = {{"1", "rs1", 100, "A", "G"}, {"1", "rs2", 200, "A", "C"}};
  std::vector<VariantRecord> b = {{"1", "rs1", 100, "A", "G"}, {"1", "rs2", 250, "A", "C"}};
  std::vector<VariantRecord> c = {{"2", "rs1", 100, "A", "G"}, {"1", "rs2", 200, "A", "C"}};
  Harmonisation h = HarmoniseVariants({a, b, c}, {"x", "y", "z"});
  EXPECT_TRUE(h.canonical.empty());
  ASSERT_EQ(h.left_out.size(), 2u);
  EXPECT_NE(h.left_out[0].find("rs1: position 2:100 at site z vs 1:100 at site x"), std::string::npos) << h.left_out[0];
  EXPECT_NE(h.left_out[1].find("rs2: position 1:250 at site y vs 1:200 at site x"), std::string::npos) << h.left_out[1];
}

TEST(HarmonisationTest, FlipsReportsAndLeavesOut) {
  std::vector<VariantRecord> a = {{"1", "rs1", 100, "A", "G"},
                                  {"1", "rs2", 200, "A", "T"},
                                  {"1", "rs3", 300, "C", "G"},
                                  {"1", "rs4", 400, "A", "C"},
                                  {"1", "rs5", 500, "T", "C"}};
  std::vector<VariantRecord> b = {{"1", "rs1", 100, "G", "A"},
                                  {"1", "rs2", 200, "A", "T"},
                                  {"1", "rs3", 300, "C", "G"},
                                  {"1", "rs4", 400, "A", "G"},
                                  {"1", "rs6", 600, "A", "G"}};
  Harmonisation h = HarmoniseVariants({a, b}, {"x", "y"});
  ASSERT_EQ(h.canonical.size(), 3u);  // rs1 (flipped at y), rs2, rs3
  EXPECT_EQ(h.strand_ambiguous, (std::vector<std::string>{"rs2", "rs3"}));
  ASSERT_EQ(h.left_out.size(), 3u);  // rs4 alleles differ, rs5 missing at y, rs6 missing at x
  EXPECT_NE(h.left_out[0].find("rs4: alleles A/G at site y vs A/C"), std::string::npos) << h.left_out[0];
  auto map = MapToCanonical(h.canonical, b, "y");
  ASSERT_TRUE(map.ok());
  EXPECT_EQ(map->index, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(map->flipped, (std::vector<uint8_t>{1, 0, 0}));
}

}  // namespace
}  // namespace medfed::genomics
