// Federated GWAS equals plink2 --glm and plink 1.9 --assoc / --model trend-only on the pooled
// samples. Data and references: tests/golden/gwas/make_gwas_golden.sh (plink-simulated; three
// sites, one listing every variant's alleles in the other order, one read from VCF).
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "gtest/gtest.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/gwas/gwas_spec.h"
#include "medfed/core/file.h"
#include "medfed/core/progress.h"
#include "medfed/core/text.h"
#include "medfed/federation/study_runner.h"
#include "medfed/privacy/differential_privacy.h"
#include "test_support.h"

namespace medfed {
namespace {

const std::string kData = std::string(MEDFED_SOURCE_DIR) + "/tests/golden/gwas/data/";
const std::string kExpected = std::string(MEDFED_SOURCE_DIR) + "/tests/golden/gwas/expected/";

using Row = std::map<std::string, std::string>;

// Rows of a whitespace-separated table with a header, by variant ID (column ID or SNP).
std::map<std::string, Row> ReadTable(const std::string& path, const std::string& only_test = "") {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::istringstream head(line);
  for (std::string field; head >> field;) header.push_back(field == "#CHROM" ? "CHROM" : field);
  std::map<std::string, Row> rows;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Row row;
    for (size_t c = 0; c < header.size(); ++c) fields >> row[header[c]];
    if (!only_test.empty() && row["TEST"] != only_test) continue;
    rows[row.count("ID") ? row["ID"] : row["SNP"]] = row;
  }
  return rows;
}

std::vector<std::string> FamIds(const std::string& prefix) {
  std::ifstream in(prefix + ".fam");
  std::vector<std::string> ids;
  for (std::string fid, iid, rest; in >> fid >> iid && std::getline(in, rest);) ids.push_back(iid);
  return ids;
}

// Each site's table holds its own samples only (plus its header).
std::vector<federation::SiteConfig> Sites(bool vcf_site_c = true, const std::string& phenotype_override = "") {
  std::string directory = testing::MakeTempDir("medfed_gwas");
  auto text = ReadFileToString(kData + "pheno.csv");
  EXPECT_TRUE(text.ok());
  std::vector<std::string> lines = SplitString(*text, '\n');
  std::vector<federation::SiteConfig> sites;
  for (const char* name : {"a", "b", "c"}) {
    std::set<std::string> ids;
    for (const auto& id : FamIds(kData + "site_" + name)) ids.insert(id);
    std::string table = lines[0] + "\n";
    for (size_t i = 1; i < lines.size(); ++i) {
      if (ids.count(lines[i].substr(0, lines[i].find(',')))) table += lines[i] + "\n";
    }
    if (!phenotype_override.empty() && std::string(name) == "b") table += phenotype_override;
    EXPECT_TRUE(WriteFileAtomically(directory + "/pheno_" + name + ".csv", table).ok());
    federation::SiteConfig site;
    // The comparison with plink2 needs every variant's row; the default policy withholds rows
    // that would show a count below min_cell_count (SmallCountsAreWithheld checks that).
    site.policy_path = directory + "/policy.toml";
    EXPECT_TRUE(WriteFileAtomically(site.policy_path, "[disclosure]\nmin_cell_count = 1\n").ok());
    site.name = std::string("biobank-") + name;
    site.tables["pheno"] = directory + "/pheno_" + name + ".csv";
    site.genotypes["chip"] =
        (vcf_site_c && std::string(name) == "c") ? kData + "site_c.vcf.gz" : kData + "site_" + name;
    sites.push_back(site);
  }
  return sites;
}

struct GwasRun {
  analysis::Json result;
  std::map<std::string, Row> rows;
};

GwasRun RunGwas(analysis::Json keys, std::vector<federation::SiteConfig> sites = Sites()) {
  Progress::SetEnabled(false);
  keys["genotypes"] = "chip";
  keys["table"] = "pheno";
  keys["output"] = "out.tsv";
  federation::RunOptions options;
  options.output_directory = testing::MakeTempDir("medfed_gwas_out");
  auto document =
      federation::RunStudyLocally(testing::MakeStudy(sites, {analysis::AnalysisSpec("gw", "gwas", keys)}), options);
  EXPECT_TRUE(document.ok()) << document.status();
  GwasRun run;
  if (!document.ok()) return run;
  run.result = (*document)["results"][0];
  run.rows = ReadTable(options.output_directory + "/out.tsv");
  return run;
}

double Number(const std::string& text) { return text == "NA" || text == "nan" ? std::nan("") : std::stod(text); }

// |a - b| <= relative |b| + absolute, NA only where the reference has NA.
void Close(const std::string& ours, const std::string& theirs, double relative, double absolute,
           const std::string& what) {
  const double a = Number(ours), b = Number(theirs);
  if (std::isnan(b)) {
    EXPECT_TRUE(std::isnan(a)) << what << ": plink NA, medfed " << ours;
    return;
  }
  ASSERT_FALSE(std::isnan(a)) << what << ": medfed NA, plink " << theirs;
  EXPECT_LE(std::fabs(a - b), relative * std::fabs(b) + absolute) << what << ": medfed " << a << " vs plink " << b;
}

std::string Signed(double sign, const std::string& number) {
  return sign > 0 || number == "NA" ? number : FormatSignificant(-Number(number), 17);
}

void CompareGlm(const GwasRun& run, const std::string& reference, bool logistic) {
  auto expected = ReadTable(kExpected + reference);
  auto frequencies = ReadTable(kExpected + "ref_qc.afreq");
  ASSERT_EQ(run.rows.size(), expected.size());
  for (const auto& [id, theirs] : expected) {
    ASSERT_TRUE(run.rows.count(id)) << id;
    const Row& ours = run.rows.at(id);
    // A1 is the minor allele; medfed counts it among the analysis samples, plink2 among all
    // genotyped samples, so the two may differ only where the frequency is a hair from 0.5.
    double sign = 1;
    if (ours.at("A1") != theirs.at("A1")) {
      EXPECT_NEAR(Number(frequencies.at(id).at("ALT_FREQS")), 0.5, 1e-3) << id << " A1 differs";
      sign = -1;
    }
    EXPECT_EQ(ours.at("OBS_CT"), theirs.at("OBS_CT")) << id;
    EXPECT_EQ(ours.at("ERRCODE"), theirs.at("ERRCODE")) << id;
    if (logistic) {
      // plink2 fits logistic models in single precision: its Z differs from the exact maximum
      // likelihood by up to ~3e-4 (checked against R below), and it prints 6 digits.
      const double a = Number(ours.at("OR")), b = Number(theirs.at("OR"));
      if (std::isnan(b)) {
        EXPECT_TRUE(std::isnan(a)) << id;
        continue;
      }
      const double se = Number(theirs.at("LOG(OR)_SE"));
      EXPECT_LE(std::fabs(std::log(a) - sign * std::log(b)), 2e-4 * std::fabs(std::log(b)) + 5e-4 * se)
          << id << " log(OR)";
      Close(ours.at("LOG(OR)_SE"), theirs.at("LOG(OR)_SE"), 2e-4, 0, id + " SE");
      Close(Signed(sign, ours.at("Z_STAT")), theirs.at("Z_STAT"), 2e-4, 5e-4, id + " Z");
    } else {
      Close(Signed(sign, ours.at("BETA")), theirs.at("BETA"), 2e-4, 1e-6, id + " BETA");
      Close(ours.at("SE"), theirs.at("SE"), 2e-4, 0, id + " SE");
      Close(Signed(sign, ours.at("T_STAT")), theirs.at("T_STAT"), 2e-4, 1e-5, id + " T");
    }
    Close(ours.at("P"), theirs.at("P"), 2e-3, 0, id + " P");
  }
}

// Against R's glm() to the printed precision: R's BETA is per REF copy (plink2 --export A),
// medfed's log(OR) per A1 copy.
void CompareExactLogistic(const GwasRun& run, const std::string& reference) {
  std::ifstream in(kExpected + reference);
  std::string line;
  std::getline(in, line);
  int compared = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, beta, se, z, p;
    fields >> id >> beta >> se >> z >> p;
    if (beta == "NA" || !run.rows.count(id)) continue;
    const Row& ours = run.rows.at(id);
    if (ours.at("ERRCODE") != ".") continue;
    const double sign = ours.at("A1") == ours.at("REF") ? 1 : -1;
    const double log_or = std::log(Number(ours.at("OR")));
    // The OR is printed to 8 significant digits: log(OR) carries up to 5e-8 of rounding.
    EXPECT_NEAR(sign * log_or, Number(beta), 1e-6 * std::fabs(Number(beta)) + 6e-8) << id << " log(OR) vs R";
    Close(ours.at("LOG(OR)_SE"), se, 1e-6, 0, id + " SE vs R");
    Close(ours.at("P"), p, 1e-5, 1e-300, id + " P vs R");
    ++compared;
  }
  EXPECT_GT(compared, 2000);
}

TEST(GwasEquivalenceTest, LogisticWithoutCovariatesMatchesPlink2) {
  GwasRun run = RunGwas({{"phenotype", "cc"}, {"test", "logistic"}});
  ASSERT_EQ(run.result["status"], "ok") << run.result.dump(2);
  EXPECT_EQ(run.result["samples"], 1200);
  EXPECT_EQ(run.result["cases"], 600);
  EXPECT_EQ(run.result["variants_in_files"], 2408);
  CompareGlm(run, "logistic.tsv", true);
  CompareExactLogistic(run, "logistic_r.tsv");
}

TEST(GwasEquivalenceTest, LogisticWithAPopulationCovariateMatchesPlink2) {
  GwasRun run = RunGwas({{"phenotype", "cc"}, {"test", "logistic"}, {"covariates", analysis::Json::array({"pc1"})}});
  ASSERT_EQ(run.result["status"], "ok") << run.result.dump(2);
  CompareGlm(run, "logistic_pc1.tsv", true);
  CompareExactLogistic(run, "logistic_pc1_r.tsv");
}

TEST(GwasEquivalenceTest, LinearMatchesPlink2) {
  GwasRun run = RunGwas({{"phenotype", "qt"}, {"test", "linear"}});
  ASSERT_EQ(run.result["status"], "ok") << run.result.dump(2);
  CompareGlm(run, "linear.tsv", false);
}

TEST(GwasEquivalenceTest, LinearWithCovariatesAndMissingValuesMatchesPlink2) {
  GwasRun run =
      RunGwas({{"phenotype", "qt"}, {"test", "linear"}, {"covariates", analysis::Json::array({"pc1", "age"})}});
  ASSERT_EQ(run.result["status"], "ok") << run.result.dump(2);
  EXPECT_EQ(run.result["samples"], 1198);  // two samples without age
  CompareGlm(run, "linear_covars.tsv", false);
}

TEST(GwasEquivalenceTest, AllelicAndTrendMatchPlink19) {
  for (const char* test : {"allelic", "trend"}) {
    GwasRun run = RunGwas({{"phenotype", "cc"}, {"test", test}});
    ASSERT_EQ(run.result["status"], "ok") << run.result.dump(2);
    const bool allelic = std::string(test) == "allelic";
    auto expected = ReadTable(kExpected + (allelic ? "assoc.txt" : "trend.txt"), allelic ? "" : "TREND");
    ASSERT_EQ(run.rows.size(), expected.size());
    for (const auto& [id, theirs] : expected) {
      const Row& ours = run.rows.at(id);
      // plink 1.9 prints 4 significant digits.
      Close(ours.at("CHISQ"), theirs.at("CHISQ"), 1e-3, 5e-5, id + " CHISQ");
      Close(ours.at("P"), theirs.at("P"), 2e-3, 5e-5 * Number(theirs.at("P")), id + " P");
    }
  }
}

TEST(GwasEquivalenceTest, QualityControlMatchesPlink2) {
  GwasRun run = RunGwas({{"phenotype", "cc"}, {"test", "qc"}});
  ASSERT_EQ(run.result["status"], "ok") << run.result.dump(2);
  auto frequencies = ReadTable(kExpected + "ref_qc.afreq");
  auto missing = ReadTable(kExpected + "ref_qc.vmiss");
  auto hardy = ReadTable(kExpected + "ref_qc.hardy");
  for (const auto& [id, theirs] : frequencies) {
    const Row& ours = run.rows.at(id);
    Close(ours.at("ALT_FREQS"), theirs.at("ALT_FREQS"), 1e-5, 1e-7, id + " ALT_FREQS");
    EXPECT_EQ(ours.at("MISSING_CT"), missing.at(id).at("MISSING_CT")) << id;
    Close(ours.at("HWE_P"), hardy.at(id).at("P"), 1e-5, 1e-12, id + " HWE P");
  }
  // --maf 0.05 --geno 0.1 --hwe 1e-6 keeps the same variants as plink2.
  GwasRun filtered = RunGwas({{"phenotype", "cc"}, {"test", "allelic"}, {"maf", 0.05}, {"geno", 0.1}, {"hwe", 1e-6}});
  std::ifstream list(kExpected + "filtered.snplist");
  std::set<std::string> kept;
  for (std::string id; list >> id;) kept.insert(id);
  std::set<std::string> ours;
  for (const auto& [id, row] : filtered.rows) ours.insert(id);
  EXPECT_EQ(ours, kept);
  EXPECT_GE(filtered.result["variants_filtered"]["geno"].get<int>(), 1);
}

// Under the default policy (min_cell_count 5) no released row shows a count of 1..4: every
// withheld variant is one whose counts (from plink2's own .afreq and .hardy) are small, and every
// released one has none.
TEST(GwasEquivalenceTest, SmallCountsAreWithheldUnderTheDefaultPolicy) {
  std::vector<federation::SiteConfig> sites = Sites();
  for (auto& site : sites) site.policy_path.clear();
  auto hardy = ReadTable(kExpected + "ref_qc.hardy");
  auto frequencies = ReadTable(kExpected + "ref_qc.afreq");
  GwasRun qc = RunGwas({{"phenotype", "cc"}, {"test", "qc"}}, sites);
  ASSERT_EQ(qc.result["status"], "ok") << qc.result.dump(2);
  size_t withheld = 0;
  for (const auto& [id, theirs] : frequencies) {
    const double alt_count = Number(theirs.at("ALT_FREQS")) * Number(theirs.at("OBS_CT"));
    const double minor_count = std::min(alt_count, Number(theirs.at("OBS_CT")) - alt_count);
    const Row& classes = hardy.at(id);
    // Zero is small too: a count shown as 0 while 1..4 are hidden would tell them apart.
    bool small = minor_count < 4.5;
    for (const char* column : {"HOM_A1_CT", "HET_A1_CT", "TWO_AX_CT"}) {
      if (!classes.count(column)) continue;
      const double count = Number(classes.at(column));
      small = small || count < 5;
    }
    EXPECT_EQ(qc.rows.count(id) == 0, small) << id << " minor allele count " << minor_count;
    withheld += small ? 1 : 0;
  }
  EXPECT_GT(withheld, 0u);
  EXPECT_EQ(qc.result["variants_filtered"]["small_count"].get<size_t>(), withheld);
}

TEST(GwasEquivalenceTest, PlinkAndVcfSitesGiveTheSameAnswer) {
  GwasRun from_vcf = RunGwas({{"phenotype", "cc"}, {"test", "allelic"}});
  GwasRun from_plink = RunGwas({{"phenotype", "cc"}, {"test", "allelic"}}, Sites(false));
  ASSERT_EQ(from_vcf.rows.size(), from_plink.rows.size());
  for (const auto& [id, row] : from_plink.rows) EXPECT_EQ(from_vcf.rows.at(id), row) << id;
}

TEST(GwasEquivalenceTest, PhenotypeThatIsNotCaseControlIsAClearError) {
  Progress::SetEnabled(false);
  auto sites = Sites(true, "extra,3,1,0,50\n");
  // "extra" has no genotypes, but the value is checked only for joined samples: use a real one.
  auto text = ReadFileToString(sites[1].tables["pheno"]);
  ASSERT_TRUE(text.ok());
  std::string table = *text;
  size_t second_line = table.find('\n') + 1;
  size_t comma = table.find(',', second_line);
  table.replace(comma + 1, 1, "3");
  ASSERT_TRUE(WriteFileAtomically(sites[1].tables["pheno"], table).ok());
  auto document = federation::RunStudyLocally(testing::MakeStudy(
      sites,
      {analysis::AnalysisSpec(
          "gw", "gwas", {{"genotypes", "chip"}, {"table", "pheno"}, {"phenotype", "cc"}, {"test", "logistic"}})}));
  ASSERT_FALSE(document.ok());
  std::string message(document.status().message());
  EXPECT_NE(message.find("pheno_b.csv:2"), std::string::npos) << message;
  EXPECT_NE(message.find("0/1 (control/case) or plink's 1/2"), std::string::npos) << message;
}

TEST(GwasEquivalenceTest, VariantsMissingAtASiteAreLeftOutAndReported) {
  // Site c without its last variant: drop the .bim line and the .bed bytes.
  std::string directory = testing::MakeTempDir("medfed_gwas_short");
  auto bim = ReadFileToString(kData + "site_c.bim");
  auto bed = ReadFileToString(kData + "site_c.bed");
  auto fam = ReadFileToString(kData + "site_c.fam");
  ASSERT_TRUE(bim.ok() && bed.ok() && fam.ok());
  std::string shorter_bim = bim->substr(0, bim->rfind('\n', bim->size() - 2) + 1);
  const size_t samples = FamIds(kData + "site_c").size();
  std::string shorter_bed = bed->substr(0, bed->size() - (samples + 3) / 4);
  ASSERT_TRUE(WriteFileAtomically(directory + "/c.bim", shorter_bim).ok());
  ASSERT_TRUE(WriteFileAtomically(directory + "/c.bed", shorter_bed).ok());
  ASSERT_TRUE(WriteFileAtomically(directory + "/c.fam", *fam).ok());
  auto sites = Sites(false);
  sites[2].genotypes["chip"] = directory + "/c";
  GwasRun run = RunGwas({{"phenotype", "cc"}, {"test", "trend"}}, sites);
  ASSERT_EQ(run.result["status"], "ok");
  EXPECT_EQ(run.result["variants_shared"], 2407);
  EXPECT_EQ(run.result["variants_left_out"], 1);
  EXPECT_NE(run.result["left_out_examples"][0].get<std::string>().find("missing at site biobank-c"), std::string::npos);
}

// Rare variants whose carriers are nearly all cases, a strong effect, heavy missingness and a
// monomorphic variant, with a covariate that predicts case status: the hard cases for per-variant
// Newton steps (overshooting first steps, step halving, log-likelihood checks only on demand).
// The oracle is medfed's own glm (itself equal to R's glm.fit) on the pooled rows, run to
// epsilon 1e-14: at R's default 1e-8 glm.fit stops early enough, and takes its standard errors
// from its second-last iterate, to be 6e-5 off on a rare variant.
TEST(GwasEquivalenceTest, HardVariantsMatchAPooledGlm) {
  Progress::SetEnabled(false);
  std::mt19937_64 random(99);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::normal_distribution<double> normal(0, 1);
  const size_t per_site = 300, sites_count = 3, n = per_site * sites_count;
  struct Sample {
    double pc1;
    int is_case;
    int rare_case = 0;  // a second, rare outcome (see below)
  };
  std::vector<Sample> samples(n);
  for (auto& sample : samples) {
    sample.pc1 = normal(random);
    sample.is_case = uniform(random) < 1 / (1 + std::exp(-1.5 * sample.pc1)) ? 1 : 0;
  }
  // Dosage (ALT copies, -1 missing) of each variant for a sample.
  auto carriers_among = [&](double rate_cases, double rate_controls, double missing) {
    std::vector<int> dosage(n);
    for (size_t i = 0; i < n; ++i) {
      const double rate = samples[i].is_case ? rate_cases : rate_controls;
      dosage[i] = uniform(random) < missing ? -1 : (uniform(random) < rate ? 1 : 0) + (uniform(random) < rate ? 1 : 0);
    }
    return dosage;
  };
  std::vector<std::vector<int>> variants = {
      carriers_among(0.3, 0.3, 0.01),    // null
      carriers_among(0.012, 0.001, 0),   // rare, carriers nearly all cases
      carriers_among(0.6, 0.2, 0.02),    // strong effect
      carriers_among(0.03, 0.008, 0.3),  // rare with 30% missing calls
      carriers_among(0.008, 0.0, 0),     // carriers only among cases: separation
      carriers_among(0.0, 0.0, 0.05),    // monomorphic
      carriers_among(0.55, 0.5, 0.0),    // common, ALT the major allele
  };
  // Twelve carrier cases and one carrier control: log OR near 2.5, reached in steps that do not
  // shrink at first, so the sites are asked for the log-likelihood on the way.
  std::vector<int> quasi_separated(n, 0);
  int carrier_cases = 0, carrier_controls = 0;
  for (size_t i = 0; i < n; ++i) {
    if (samples[i].is_case && carrier_cases < 12) quasi_separated[i] = 1, ++carrier_cases;
    if (!samples[i].is_case && carrier_controls < 1) quasi_separated[i] = 1, ++carrier_controls;
  }
  variants.push_back(quasi_separated);
  // A rare outcome (about 2%) and a variant whose 40 carriers are half cases: at the null fit the
  // carriers' weights mu (1 - mu) are small and at the estimate large, so the first Newton steps
  // overshoot - the log-likelihood is asked for and steps are halved.
  std::vector<int> overshooting(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (i % 22 == 5) {
      overshooting[i] = 1;
      samples[i].rare_case = (i / 22) % 2;
    } else {
      samples[i].rare_case = uniform(random) < 0.02 ? 1 : 0;
    }
  }
  variants.push_back(overshooting);
  // PLINK filesets per site and the pooled table for the oracle (one row per sample and variant column).
  std::string directory = testing::MakeTempDir("medfed_gwas_hard");
  std::vector<federation::SiteConfig> sites;
  std::string pooled = "IID,case,rare,pc1";
  for (size_t v = 0; v < variants.size(); ++v) pooled += ",g" + std::to_string(v);
  pooled += "\n";
  for (size_t s = 0; s < sites_count; ++s) {
    const std::string prefix = directory + "/site" + std::to_string(s);
    std::string bim, fam, bed = {'\x6c', '\x1b', '\x01'}, table = "IID,case,rare,pc1\n";
    for (size_t v = 0; v < variants.size(); ++v) {
      bim += "1\tv" + std::to_string(v) + "\t0\t" + std::to_string(1000 * (v + 1)) + "\tA\tG\n";
      std::string bytes((per_site + 3) / 4, '\0');
      for (size_t j = 0; j < per_site; ++j) {
        const int d = variants[v][s * per_site + j];
        const int code = d < 0 ? 1 : d == 2 ? 0 : d == 1 ? 2 : 3;
        bytes[j / 4] = static_cast<char>(static_cast<uint8_t>(bytes[j / 4]) | (code << (2 * (j % 4))));
      }
      bed += bytes;
    }
    for (size_t j = 0; j < per_site; ++j) {
      const size_t i = s * per_site + j;
      const std::string id = "s" + std::to_string(i);
      fam += id + " " + id + " 0 0 1 -9\n";
      const std::string row = id + "," + std::to_string(samples[i].is_case) + "," +
                              std::to_string(samples[i].rare_case) + "," + FormatRoundTrip(samples[i].pc1);
      table += row + "\n";
      pooled += row;
      for (const auto& variant : variants)
        pooled += "," + (variant[i] < 0 ? std::string("NA") : std::to_string(variant[i]));
      pooled += "\n";
    }
    ASSERT_TRUE(WriteFileAtomically(prefix + ".bim", bim).ok());
    ASSERT_TRUE(WriteFileAtomically(prefix + ".fam", fam).ok());
    ASSERT_TRUE(WriteFileAtomically(prefix + ".bed", bed).ok());
    ASSERT_TRUE(WriteFileAtomically(prefix + ".csv", table).ok());
    federation::SiteConfig site;
    site.name = "site-" + std::to_string(s);
    // Rare variants are the point here: no small-count withholding (see SmallCountsAreWithheld).
    site.policy_path = prefix + "_policy.toml";
    ASSERT_TRUE(WriteFileAtomically(site.policy_path, "[disclosure]\nmin_cell_count = 1\n").ok());
    site.tables["pheno"] = prefix + ".csv";
    site.genotypes["chip"] = prefix;
    sites.push_back(site);
  }
  GwasRun run =
      RunGwas({{"phenotype", "case"}, {"test", "logistic"}, {"covariates", analysis::Json::array({"pc1"})}}, sites);
  ASSERT_EQ(run.result["status"], "ok") << run.result.dump(2);
  EXPECT_EQ(run.rows.at("v4").at("ERRCODE"), "SEPARATION,ALT1");
  EXPECT_EQ(run.rows.at("v5").at("ERRCODE"), "CONST_OMITTED_ALLELE");
  EXPECT_EQ(run.rows.at("v6").at("A1"), "G");  // the minor allele is REF

  federation::SiteConfig everyone;
  everyone.name = "pooled";
  everyone.tables["pooled"] = directory + "/pooled.csv";
  ASSERT_TRUE(WriteFileAtomically(everyone.tables["pooled"], pooled).ok());
  auto compare_with_oracle = [&](const GwasRun& gwas, const std::string& outcome, size_t v) {
    const std::string id = "v" + std::to_string(v);
    auto oracle = federation::RunStudyLocally(testing::MakeStudy(
        {everyone}, {analysis::AnalysisSpec("g", "glm",
                                            {{"table", "pooled"},
                                             {"family", "binomial"},
                                             {"epsilon", 1e-14},
                                             {"formula", outcome + " ~ g" + std::to_string(v) + " + pc1"}})}));
    ASSERT_TRUE(oracle.ok()) << oracle.status();
    const analysis::Json& fit = (*oracle)["results"][0];
    ASSERT_EQ(fit["status"], "ok") << fit.dump(2);
    const analysis::Json& term = fit["coefficients"][1];
    const Row& ours = gwas.rows.at(id);
    ASSERT_EQ(ours.at("ERRCODE"), ".") << id;
    const double sign = ours.at("A1") == "A" ? 1 : -1;  // the oracle counts ALT (A) copies
    EXPECT_NEAR(sign * std::log(Number(ours.at("OR"))), term["estimate"].get<double>(),
                1e-6 * std::fabs(term["estimate"].get<double>()) + 6e-8)
        << id;
    Close(ours.at("LOG(OR)_SE"), FormatRoundTrip(term["std_error"].get<double>()), 1e-6, 0, id + " SE");
    Close(Signed(sign, ours.at("Z_STAT")), FormatRoundTrip(term["statistic"].get<double>()), 1e-6, 1e-7, id + " Z");
    EXPECT_EQ(Number(ours.at("OBS_CT")), fit["n"].get<double>()) << id;
  };
  for (size_t v : {0, 1, 2, 3, 6, 7}) compare_with_oracle(run, "case", v);
  GwasRun rare =
      RunGwas({{"phenotype", "rare"}, {"test", "logistic"}, {"covariates", analysis::Json::array({"pc1"})}}, sites);
  ASSERT_EQ(rare.result["status"], "ok") << rare.result.dump(2);
  compare_with_oracle(rare, "rare", 8);
  EXPECT_GE(rare.result["newton_iterations"]["max"].get<int>(), 7);
  EXPECT_GE(run.result["newton_iterations"]["max"].get<int>(), 4);
}

// --- extract and differential privacy ---------------------------------------------------

// Variants whose every genotype class is common among cases and among controls (ALT frequency
// 0.35..0.65 in plink2's .afreq), so that noised counts are never near zero.
std::vector<std::string> CommonVariants(size_t count) {
  std::vector<std::string> ids;
  for (const auto& [id, row] : ReadTable(kExpected + "ref_qc.afreq")) {
    const double frequency = Number(row.at("ALT_FREQS"));
    if (frequency >= 0.35 && frequency <= 0.65 && ids.size() < count) ids.push_back(id);
  }
  return ids;
}

std::vector<federation::SiteConfig> SitesWithPolicy(const std::string& policy) {
  std::vector<federation::SiteConfig> sites = Sites(false);
  const std::string path = testing::MakeTempDir("medfed_gwas_policy") + "/policy.toml";
  EXPECT_TRUE(WriteFileAtomically(path, policy).ok());
  for (auto& site : sites) site.policy_path = path;
  return sites;
}

TEST(GwasExtractTest, OnlyTheListedVariantsAreTestedWithTheSameNumbers) {
  GwasRun all = RunGwas({{"phenotype", "cc"}, {"test", "allelic"}});
  std::vector<std::string> ids = CommonVariants(5);
  ASSERT_EQ(ids.size(), 5u);
  analysis::Json extract = ids;
  extract.push_back("no_such_variant");
  GwasRun some = RunGwas({{"phenotype", "cc"}, {"test", "allelic"}, {"extract", extract}});
  ASSERT_EQ(some.result["status"], "ok") << some.result.dump(2);
  ASSERT_EQ(some.rows.size(), 5u);
  for (const auto& id : ids) EXPECT_EQ(some.rows.at(id), all.rows.at(id)) << id;
  EXPECT_EQ(some.result["variants_extracted"], 5);
  EXPECT_EQ(some.result["extract_not_found"], 1);
  EXPECT_EQ(some.result["extract_not_found_examples"][0], "no_such_variant");
  auto none = federation::RunStudyLocally(
      testing::MakeStudy(Sites(), {analysis::AnalysisSpec("gw", "gwas",
                                                          {{"genotypes", "chip"},
                                                           {"table", "pheno"},
                                                           {"phenotype", "cc"},
                                                           {"test", "allelic"},
                                                           {"extract", {"no_such_variant"}}})}));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("none of the 1 variant IDs in extract"), std::string::npos) << none.status();
}

TEST(GwasPrivacyTest, OnlyAllelicAndTrendHaveANoisedForm) {
  for (const char* test : {"logistic", "linear", "qc"}) {
    auto parsed =
        analysis::gwas::ParseGwasSpec(analysis::AnalysisSpec("g", "gwas",
                                                             {{"genotypes", "chip"},
                                                              {"table", "pheno"},
                                                              {"phenotype", "cc"},
                                                              {"test", test},
                                                              {"privacy", {{"epsilon", 1.0}, {"delta", 1e-6}}}}));
    ASSERT_FALSE(parsed.ok()) << test;
    EXPECT_NE(parsed.status().message().find("needs test = allelic or trend"), std::string::npos) << parsed.status();
  }
}

// The noised trend test over many runs: every genotype count the sites release carries the
// stated distributed discrete Gaussian noise, split evenly over the design round and the
// extracted variants, whatever the counting blocks; OBS_CT (six noised counts, three sites'
// shares each) follows the exact distribution of that noise.
TEST(GwasPrivacyTest, NoisedCountsFollowTheStatedMechanism) {
  // A large budget so that epsilon 8 fits; each run starts with a fresh (in-memory) budget.
  std::vector<federation::SiteConfig> sites =
      SitesWithPolicy("[disclosure]\nmin_cell_count = 1\n[privacy]\nepsilon = 20\ndelta = 1e-5\n");
  const std::vector<std::string> ids = CommonVariants(20);
  ASSERT_EQ(ids.size(), 20u);
  GwasRun exact = RunGwas({{"phenotype", "cc"}, {"test", "trend"}, {"extract", ids}}, sites);
  ASSERT_EQ(exact.rows.size(), 20u);
  const privacy::PrivacyTarget target{8.0, 1e-6};
  // The design round's group and one per variant (no HWE filter, so no founders' counts).
  auto calibration = privacy::CalibrateDistributedNoise({{0, 1, 1}}, privacy::ZcdpForApproximateDp(target) / 21, 3);
  ASSERT_TRUE(calibration.ok());
  const int64_t site_variance = calibration->site_variance[0];
  const analysis::Json privacy = {{"epsilon", target.epsilon}, {"delta", target.delta}};
  std::map<int64_t, int> counts;
  const int runs = 100;
  for (int run = 0; run < runs; ++run) {
    GwasRun noised = RunGwas(
        {{"phenotype", "cc"}, {"test", "trend"}, {"extract", ids}, {"privacy", privacy}, {"block_variants", 7}}, sites);
    ASSERT_EQ(noised.result["status"], "ok") << noised.result.dump(2);
    ASSERT_EQ(noised.rows.size(), 20u);
    if (run == 0) {
      EXPECT_NEAR(noised.result["count_noise_sd"].get<double>(), std::sqrt(3.0 * double(site_variance)), 1e-9);
      EXPECT_EQ(noised.result["privacy"]["epsilon"], 8.0);
      EXPECT_FALSE(noised.result.contains("samples_left_out"));
      EXPECT_EQ(noised.result["variants_filtered"]["small_count"], 0);
    }
    // The noised cases stay near the exact number (1200 samples).
    EXPECT_NEAR(noised.result["cases"].get<double>(), exact.result["cases"].get<double>(),
                8 * noised.result["count_noise_sd"].get<double>());
    for (const auto& id : ids) {
      const int64_t noise = std::stoll(noised.rows.at(id).at("OBS_CT")) - std::stoll(exact.rows.at(id).at("OBS_CT"));
      ++counts[noise];
    }
  }
  testing::ExpectNoiseFollows(counts, testing::PooledNoisePmf(site_variance, 18));
}

// The design round charges the whole analysis before any count leaves; the counting blocks
// are prepaid, so one block or three cost the same, and the budget then refuses what is over.
TEST(GwasPrivacyTest, TheWholeAnalysisIsChargedOnceWhateverTheBlocks) {
  const std::vector<std::string> ids = CommonVariants(20);
  const analysis::Json privacy = {{"epsilon", 2.0}, {"delta", 1e-6}};
  std::set<std::string> left;
  for (int block : {7, 8192}) {
    std::vector<federation::SiteConfig> sites =
        SitesWithPolicy("[disclosure]\nmin_cell_count = 1\n[privacy]\nepsilon = 2.5\n");
    const std::string state = testing::MakeTempDir("medfed_gwas_state");
    for (auto& site : sites) site.state_directory = state + "/" + site.name;
    GwasRun run = RunGwas(
        {{"phenotype", "cc"}, {"test", "allelic"}, {"extract", ids}, {"privacy", privacy}, {"block_variants", block}},
        sites);
    ASSERT_EQ(run.result["status"], "ok") << run.result.dump(2);
    for (const auto& [site, text] : run.result["privacy_budget_left"].items()) left.insert(text.get<std::string>());
    // A second run at epsilon 2 would overspend the epsilon-2.5 budget: refused before anything leaves.
    GwasRun again = RunGwas(
        {{"phenotype", "cc"}, {"test", "allelic"}, {"extract", ids}, {"privacy", privacy}, {"block_variants", block}},
        sites);
    ASSERT_EQ(again.result["status"], "refused") << again.result.dump(2);
    EXPECT_NE(again.result["reason"].get<std::string>().find("privacy_budget"), std::string::npos);
  }
  const double budget = privacy::ZcdpForApproximateDp({2.5, 1e-5});
  EXPECT_EQ(left,
            std::set<std::string>{privacy::DescribePrivacy(budget - privacy::ZcdpForApproximateDp({2.0, 1e-6}), 1e-5)});
}

// The console's top hits carry their effect under plink2's column name.
TEST(GwasPrintout, TopHitsShowTheirEffect) {
  analysis::Json top = analysis::Json::array();
  top.push_back(analysis::Json::object(
      {{"id", "rs1"}, {"chrom", "8"}, {"pos", 100}, {"p_value", 5.6e-16}, {"odds_ratio", 1.8807}}));
  top.push_back(analysis::Json::object(
      {{"id", "rs2"}, {"chrom", "9"}, {"pos", 200}, {"p_value", 0.01}, {"odds_ratio", nullptr}}));
  analysis::Json result = analysis::Json::object({{"status", "ok"},
                                                  {"test", "logistic"},
                                                  {"samples", 1500},
                                                  {"cases", 714},
                                                  {"controls", 786},
                                                  {"variants_tested", 2},
                                                  {"lambda_gc", 1.0},
                                                  {"output", "g.logistic.tsv"}});
  result["variants_filtered"] = analysis::Json::object({{"geno", 0}, {"hwe", 0}, {"maf", 0}, {"small_count", 0}});
  result["top"] = top;
  const std::string text = analysis::FindAnalysis("gwas")->render(result);
  EXPECT_NE(text.find(" OR "), std::string::npos) << text;
  EXPECT_NE(text.find("1.881"), std::string::npos) << text;
  EXPECT_NE(text.find("NA"), std::string::npos) << text;
}

}  // namespace
}  // namespace medfed
