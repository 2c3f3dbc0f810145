#include "medfed/analysis/gwas/gwas_output.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "medfed/core/file.h"
#include "medfed/core/text.h"
#include "medfed/stats/distributions.h"

namespace medfed::analysis::gwas {

std::string GwasHeader(Test test) {
  switch (test) {
    case Test::kLogistic:
      return "#CHROM\tPOS\tID\tREF\tALT\tA1\tTEST\tOBS_CT\tOR\tLOG(OR)_SE\tZ_STAT\tP\tERRCODE";
    case Test::kLinear:
      return "#CHROM\tPOS\tID\tREF\tALT\tA1\tTEST\tOBS_CT\tBETA\tSE\tT_STAT\tP\tERRCODE";
    case Test::kAllelic:
      return "#CHROM\tPOS\tID\tREF\tALT\tA1\tOBS_CT\tF_A\tF_U\tCHISQ\tP\tOR";
    case Test::kTrend:
      return "#CHROM\tPOS\tID\tREF\tALT\tA1\tOBS_CT\tCHISQ\tP";
    case Test::kQc:
      return "#CHROM\tPOS\tID\tREF\tALT\tA1\tALT_FREQS\tOBS_CT\tMISSING_CT\tF_MISS\tHWE_P";
  }
  return "";
}

std::string PlinkNumber(double value) {
  if (!std::isfinite(value)) return "NA";
  return FormatSignificant(value, 8);  // plink2 prints 6; two more keep exactness checkable
}

GwasOutput::~GwasOutput() {
  if (file_ != nullptr) {
    std::fclose(file_);
    ::unlink(temporary_.c_str());
  }
}

Status GwasOutput::Open(const std::string& path, Test test, int top) {
  path_ = path;
  test_ = test;
  top_ = top;
  std::filesystem::path target(path);
  if (target.has_parent_path()) RETURN_IF_ERROR(MakeDirectories(target.parent_path().string()));
  temporary_ = path + ".partial." + std::to_string(::getpid());
  file_ = std::fopen(temporary_.c_str(), "w");
  if (file_ == nullptr) return PermissionDenied(path + ": cannot write the results file here");
  std::fprintf(file_, "%s\n", GwasHeader(test).c_str());
  return absl::OkStatus();
}

Status GwasOutput::Write(const genomics::VariantRecord& variant, const std::string& a1,
                         const std::vector<std::string>& fields, double p_value, double effect) {
  std::string line = variant.chrom + "\t" + std::to_string(variant.position) + "\t" + variant.id + "\t" +
                     variant.allele2 + "\t" + variant.allele1 + "\t" + a1;
  for (const auto& field : fields) line += "\t" + field;
  line += "\n";
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) {
    return DataLoss(path_ + ": write failed (disk full?)");
  }
  ++rows_;
  if (chromosomes_.empty() || chromosomes_.back().first != variant.chrom) {
    chromosomes_.push_back({variant.chrom, {variant.position, 0}});
  }
  auto& extent = chromosomes_.back().second;
  extent.first = std::max(extent.first, variant.position);
  ++extent.second;
  if (!std::isnan(p_value)) {
    p_values_.push_back(p_value);
    if (static_cast<int>(hits_.size()) < top_ || p_value < hits_.back().p_value) {
      Hit hit{p_value, variant.id, variant.chrom, variant.position, effect};
      hits_.insert(std::upper_bound(hits_.begin(), hits_.end(), hit,
                                    [](const Hit& a, const Hit& b) { return a.p_value < b.p_value; }),
                   hit);
      if (static_cast<int>(hits_.size()) > top_) hits_.pop_back();
    }
  }
  return absl::OkStatus();
}

Status GwasOutput::Commit() {
  if (std::fflush(file_) != 0 || ::fsync(fileno(file_)) != 0 || std::fclose(file_) != 0) {
    file_ = nullptr;
    ::unlink(temporary_.c_str());
    return DataLoss(path_ + ": cannot finish writing");
  }
  file_ = nullptr;
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    ::unlink(temporary_.c_str());
    return DataLoss(path_ + ": cannot move the results file into place");
  }
  return absl::OkStatus();
}

double GwasOutput::LambdaGc() const {
  if (p_values_.empty()) return std::nan("");
  std::vector<double> p = p_values_;
  auto middle = p.begin() + static_cast<long>(p.size() / 2);
  std::nth_element(p.begin(), middle, p.end());
  double median = *middle;
  if (p.size() % 2 == 0) {
    median = (median + *std::max_element(p.begin(), middle)) / 2;
  }
  return stats::ChiSquareQuantile(1 - median, 1) / stats::ChiSquareQuantile(0.5, 1);
}

Json GwasOutput::TopHits() const {
  Json top = Json::array();
  for (const auto& hit : hits_) {
    Json entry = {{"id", hit.id}, {"chrom", hit.chrom}, {"pos", hit.position}, {"p_value", hit.p_value}};
    const char* effect = test_ == Test::kLogistic ? "odds_ratio"
                         : test_ == Test::kLinear ? "beta"
                         : test_ == Test::kQc     ? "alt_frequency"
                                                  : "chi_square";
    entry[effect] = std::isfinite(hit.effect) ? Json(hit.effect) : Json(nullptr);
    top.push_back(std::move(entry));
  }
  return top;
}

Json GwasOutput::Chromosomes() const {
  Json list = Json::array();
  for (const auto& [chrom, extent] : chromosomes_) {
    list.push_back({{"chrom", chrom}, {"max_pos", extent.first}, {"variants", extent.second}});
  }
  return list;
}

}  // namespace medfed::analysis::gwas
