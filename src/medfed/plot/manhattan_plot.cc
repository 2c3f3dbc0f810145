#include "medfed/plot/manhattan_plot.h"

#include <algorithm>
#include <cmath>

#include "medfed/core/nice_ticks.h"
#include "medfed/core/text.h"
#include "medfed/plot/svg.h"

namespace medfed::plot {
namespace {

constexpr double kLeft = 70, kRight = 20, kTop = 50, kPlotWidth = 1000, kPlotHeight = 360;
constexpr double kGap = 4;            // pixels between chromosomes
constexpr double kCellWidth = 2;      // pixels
constexpr double kCellHeight = 0.04;  // units of -log10 P
constexpr double kGenomeWide = 5e-8, kSuggestive = 1e-5;

double LogP(double p_value) { return -std::log10(std::max(p_value, 1e-300)); }

}  // namespace

ManhattanPlot::ManhattanPlot(const std::vector<ChromosomeExtent>& chromosomes) : chromosomes_(chromosomes) {
  double total = 0;
  for (const auto& chromosome : chromosomes_)
    total += static_cast<double>(std::max<int64_t>(chromosome.max_position, 1));
  const double usable = kPlotWidth - kGap * static_cast<double>(chromosomes_.size());
  double offset = 0;
  for (size_t c = 0; c < chromosomes_.size(); ++c) {
    index_[chromosomes_[c].name] = c;
    // A chromosome with few bases still gets room for its dots.
    const double width =
        std::max(6.0, usable * static_cast<double>(std::max<int64_t>(chromosomes_[c].max_position, 1)) / total);
    offsets_.push_back(offset);
    widths_.push_back(width);
    offset += width + kGap;
  }
  // Rescale if the minimum widths pushed the bands past the plot.
  if (offset > kPlotWidth) {
    const double shrink = kPlotWidth / offset;
    for (size_t c = 0; c < offsets_.size(); ++c) {
      offsets_[c] *= shrink;
      widths_[c] *= shrink;
    }
  }
}

double ManhattanPlot::X(size_t chromosome, int64_t position) const {
  const double extent = static_cast<double>(std::max<int64_t>(chromosomes_[chromosome].max_position, 1));
  return offsets_[chromosome] + widths_[chromosome] * std::clamp(static_cast<double>(position) / extent, 0.0, 1.0);
}

void ManhattanPlot::Add(const std::string& chrom, int64_t position, double p_value) {
  if (std::isnan(p_value)) return;
  auto found = index_.find(chrom);
  if (found == index_.end()) return;
  ++variants_;
  const double log_p = LogP(p_value);
  max_log_p_ = std::max(max_log_p_, log_p);
  const auto x_cell = static_cast<uint64_t>(X(found->second, position) / kCellWidth);
  const auto y_cell = static_cast<uint64_t>(log_p / kCellHeight);
  cells_.insert((static_cast<uint64_t>(found->second) << 48) | (x_cell << 24) | y_cell);
}

std::string ManhattanPlot::Render(const std::string& title, const std::vector<LabelledHit>& hits) const {
  const double y_max = std::ceil(std::max(max_log_p_, LogP(kGenomeWide)) * 1.08);
  auto x_of = [&](double x) { return kLeft + x; };
  auto y_of = [&](double log_p) { return kTop + kPlotHeight * (1 - log_p / y_max); };
  SvgDocument svg(kLeft + kPlotWidth + kRight, kTop + kPlotHeight + 60);
  svg.Text(kLeft + kPlotWidth / 2, 28, title, "middle", 16, "#222", true);
  for (double tick : NiceTicks(0, y_max, 6)) {
    svg.Line(kLeft, y_of(tick), kLeft + kPlotWidth, y_of(tick), "#eeeeee");
    svg.Text(kLeft - 8, y_of(tick) + 4, FormatSignificant(tick, 4), "end", 11);
  }
  svg.Line(kLeft, kTop, kLeft, kTop + kPlotHeight, "#444");
  svg.Line(kLeft, kTop + kPlotHeight, kLeft + kPlotWidth, kTop + kPlotHeight, "#444");
  svg.Text(22, kTop + kPlotHeight / 2, "-log10(P)", "middle", 12, "#222", false, -90);
  svg.Text(kLeft + kPlotWidth / 2, kTop + kPlotHeight + 44, "Chromosome", "middle", 12);

  // Dots, one path per colour.
  const std::string colours[2] = {"#0072B2", "#7FA7C9"};
  std::vector<std::pair<double, double>> dots[2];
  for (uint64_t cell : cells_) {
    const size_t chromosome = cell >> 48;
    const double x = (static_cast<double>((cell >> 24) & 0xFFFFFF) + 0.5) * kCellWidth;
    const double log_p = (static_cast<double>(cell & 0xFFFFFF) + 0.5) * kCellHeight;
    dots[chromosome % 2].emplace_back(x_of(x), y_of(log_p));
  }
  for (int c = 0; c < 2; ++c) {
    std::sort(dots[c].begin(), dots[c].end());
    svg.Dots(dots[c], 2.2, colours[c]);
  }
  for (size_t c = 0; c < chromosomes_.size(); ++c) {
    // Label every chromosome when there is room, else every other one.
    if (chromosomes_.size() > 30 && c % 2 == 1) continue;
    svg.Text(x_of(offsets_[c] + widths_[c] / 2), kTop + kPlotHeight + 18, chromosomes_[c].name, "middle", 10);
  }
  svg.Line(kLeft, y_of(LogP(kSuggestive)), kLeft + kPlotWidth, y_of(LogP(kSuggestive)), "#888888", 1, "4,3");
  svg.Line(kLeft, y_of(LogP(kGenomeWide)), kLeft + kPlotWidth, y_of(LogP(kGenomeWide)), "#D55E00", 1.2, "6,3");
  svg.Text(kLeft + kPlotWidth - 4, y_of(LogP(kGenomeWide)) - 4, "P = 5e-8", "end", 10, "#D55E00");

  int labelled = 0;
  for (const auto& hit : hits) {
    if (hit.p_value >= kGenomeWide || labelled == 5) continue;
    auto found = index_.find(hit.chrom);
    if (found == index_.end()) continue;
    const double x = x_of(X(found->second, hit.position)), y = y_of(LogP(hit.p_value));
    svg.Circle(x, y, 3, "#D55E00");
    svg.Text(x + 6, y - 6, hit.id, "start", 10, "#222");
    ++labelled;
  }
  return svg.Render();
}

}  // namespace medfed::plot
