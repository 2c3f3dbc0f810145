// Manhattan plot of a GWAS: -log10(P) against genomic position, chromosomes side by side in
// alternating colours, genome-wide (5e-8) and suggestive (1e-5) lines, the strongest hits
// labelled. Variants arrive one at a time and are binned to screen cells (2 px wide, 0.04 units
// of -log10 P high) as they come, so memory depends on the picture, not on the variant count.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace medfed::plot {

struct ChromosomeExtent {
  std::string name;
  int64_t max_position = 0;
};

struct LabelledHit {
  std::string id, chrom;
  int64_t position = 0;
  double p_value = 1;
};

class ManhattanPlot {
 public:
  // Chromosomes in plotting order; each gets width in proportion to its extent.
  explicit ManhattanPlot(const std::vector<ChromosomeExtent>& chromosomes);

  // Variants on chromosomes not given to the constructor, and NA p-values, are not drawn.
  void Add(const std::string& chrom, int64_t position, double p_value);

  // Hits below 5e-8 among `hits` (up to five) are labelled with their ID.
  std::string Render(const std::string& title, const std::vector<LabelledHit>& hits) const;

  size_t variants() const { return variants_; }
  size_t cells() const { return cells_.size(); }

 private:
  double X(size_t chromosome, int64_t position) const;

  std::vector<ChromosomeExtent> chromosomes_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<double> offsets_;  // pixel offset of each chromosome's band
  std::vector<double> widths_;
  std::unordered_set<uint64_t> cells_;  // (chromosome << 48) | (x cell << 24) | y cell
  double max_log_p_ = 0;
  size_t variants_ = 0;
};

}  // namespace medfed::plot
