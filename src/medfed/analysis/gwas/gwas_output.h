// The GWAS results file (plink2 .glm-style TSV), written row by row to a temporary file and
// renamed into place only when the whole analysis has finished, plus what the results document
// reports about it: genomic inflation, the top hits and each chromosome's extent (for plots).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/gwas/gwas_spec.h"
#include "medfed/genomics/genotype_matrix.h"

namespace medfed::analysis::gwas {

class GwasOutput {
 public:
  GwasOutput() = default;
  GwasOutput(const GwasOutput&) = delete;
  GwasOutput& operator=(const GwasOutput&) = delete;
  ~GwasOutput();  // removes an uncommitted temporary file

  Status Open(const std::string& path, Test test, int top);
  // One variant's row; `a1` is the counted allele; `fields` are the columns after
  // #CHROM POS ID REF ALT A1, already formatted; `p_value` (NaN for NA) feeds lambda and the top
  // hits; `effect` is OR, BETA or the chi-square.
  Status Write(const genomics::VariantRecord& variant, const std::string& a1, const std::vector<std::string>& fields,
               double p_value, double effect);
  Status Commit();

  size_t rows() const { return rows_; }
  double LambdaGc() const;  // median chi-square (from p-values) / qchisq(0.5, 1)
  Json TopHits() const;
  Json Chromosomes() const;
  const std::string& path() const { return path_; }

 private:
  struct Hit {
    double p_value;
    std::string id, chrom;
    int64_t position;
    double effect;
  };

  std::string path_, temporary_;
  std::FILE* file_ = nullptr;
  Test test_ = Test::kLogistic;
  int top_ = 10;
  size_t rows_ = 0;
  std::vector<double> p_values_;
  std::vector<Hit> hits_;                                                        // kept sorted, at most top_
  std::vector<std::pair<std::string, std::pair<int64_t, size_t>>> chromosomes_;  // max pos, count
};

// Header of the TSV for a test.
std::string GwasHeader(Test test);
// plink's number style: 6 significant digits, "NA" for missing.
std::string PlinkNumber(double value);

}  // namespace medfed::analysis::gwas
