#include "medfed/plot/qq_plot.h"

#include <algorithm>
#include <cmath>

#include "medfed/core/nice_ticks.h"
#include "medfed/core/text.h"
#include "medfed/plot/svg.h"
#include "medfed/stats/distributions.h"

namespace medfed::plot {
namespace {

constexpr double kResolution = 0.005;  // -log10(P) per histogram bin
constexpr double kMaxLogP = 320;       // beyond double's smallest normal number
constexpr size_t kExactTail = 2000;
constexpr double kLeft = 70, kTop = 50, kSize = 420;

double LogP(double p_value) { return std::min(kMaxLogP, -std::log10(std::max(p_value, 1e-320))); }

size_t Bin(double log_p) { return static_cast<size_t>(log_p / kResolution); }

double Expected(size_t rank, size_t n) {  // rank 1 = smallest p
  return -std::log10((static_cast<double>(rank) - 0.5) / static_cast<double>(n));
}

}  // namespace

QqPlot::QqPlot() : histogram_(Bin(kMaxLogP) + 1, 0) {}

void QqPlot::Add(double p_value) {
  if (std::isnan(p_value)) return;
  ++count_;
  ++histogram_[Bin(LogP(p_value))];
  if (smallest_.size() < kExactTail) {
    smallest_.push(p_value);
  } else if (p_value < smallest_.top()) {
    smallest_.pop();
    smallest_.push(p_value);
  }
}

std::vector<std::pair<double, double>> QqPlot::Points() const {
  std::vector<std::pair<double, double>> points;
  if (count_ == 0) return points;
  // The exact tail, smallest p first; its values leave the histogram.
  std::priority_queue<double> heap = smallest_;
  std::vector<double> tail;
  std::vector<size_t> histogram = histogram_;
  while (!heap.empty()) {
    tail.push_back(heap.top());
    --histogram[Bin(LogP(heap.top()))];
    heap.pop();
  }
  std::reverse(tail.begin(), tail.end());
  size_t rank = 0;
  for (double p : tail) points.emplace_back(Expected(++rank, count_), LogP(p));
  // Then each bin, from the top: its ranks share one observed value (the bin's middle), so the
  // first and last rank of the bin draw it.
  for (size_t bin = histogram.size(); bin-- > 0;) {
    const size_t in_bin = histogram[bin];
    if (in_bin == 0) continue;
    const double observed = (static_cast<double>(bin) + 0.5) * kResolution;
    points.emplace_back(Expected(rank + 1, count_), observed);
    if (in_bin > 1) points.emplace_back(Expected(rank + in_bin, count_), observed);
    rank += in_bin;
  }
  // Thin to what can be seen: drop a point within 0.01 units of the last one kept.
  std::vector<std::pair<double, double>> thinned;
  for (const auto& point : points) {
    if (!thinned.empty() && std::fabs(point.first - thinned.back().first) < 0.01 &&
        std::fabs(point.second - thinned.back().second) < 0.01) {
      continue;
    }
    thinned.push_back(point);
  }
  return thinned;
}

std::string QqPlot::Render(const std::string& title, double lambda_gc) const {
  const std::vector<std::pair<double, double>> points = Points();
  double top = 1;
  for (const auto& [expected, observed] : points) top = std::max({top, expected, observed});
  top = std::ceil(top * 1.05);
  auto x_of = [&](double value) { return kLeft + kSize * value / top; };
  auto y_of = [&](double value) { return kTop + kSize * (1 - value / top); };
  SvgDocument svg(kLeft + kSize + 30, kTop + kSize + 60);
  svg.Text(kLeft + kSize / 2, 28, title, "middle", 16, "#222", true);
  for (double tick : NiceTicks(0, top, 6)) {
    svg.Line(kLeft, y_of(tick), kLeft + kSize, y_of(tick), "#eeeeee");
    svg.Line(x_of(tick), kTop, x_of(tick), kTop + kSize, "#eeeeee");
    svg.Text(kLeft - 8, y_of(tick) + 4, FormatSignificant(tick, 4), "end", 11);
    svg.Text(x_of(tick), kTop + kSize + 18, FormatSignificant(tick, 4), "middle", 11);
  }
  // Pointwise 95% band: the i-th smallest of n uniform p-values is Beta(i, n - i + 1).
  if (count_ > 1) {
    std::vector<std::pair<double, double>> upper, lower;
    const auto n = static_cast<double>(count_);
    for (double step = 0; step <= 1.0001; step += 0.01) {
      // Ranks spread evenly on the log scale from 1 to n.
      const double i = std::round(std::pow(n, 1 - step));
      const double expected = Expected(static_cast<size_t>(i), count_);
      upper.emplace_back(x_of(expected), y_of(-std::log10(stats::BetaQuantile(0.025, i, n - i + 1))));
      lower.emplace_back(x_of(expected), y_of(-std::log10(stats::BetaQuantile(0.975, i, n - i + 1))));
    }
    std::vector<std::pair<double, double>> band = upper;
    band.insert(band.end(), lower.rbegin(), lower.rend());
    svg.Polygon(band, "#999999", 0.25);
  }
  svg.Line(x_of(0), y_of(0), x_of(top), y_of(top), "#D55E00", 1.2);
  std::vector<std::pair<double, double>> dots;
  for (const auto& [expected, observed] : points) dots.emplace_back(x_of(expected), y_of(observed));
  svg.Dots(dots, 2.2, "#0072B2");
  svg.Line(kLeft, kTop, kLeft, kTop + kSize, "#444");
  svg.Line(kLeft, kTop + kSize, kLeft + kSize, kTop + kSize, "#444");
  svg.Text(kLeft + kSize / 2, kTop + kSize + 42, "Expected -log10(P)", "middle", 12);
  svg.Text(22, kTop + kSize / 2, "Observed -log10(P)", "middle", 12, "#222", false, -90);
  std::string caption = std::to_string(count_) + " variants";
  if (std::isfinite(lambda_gc)) caption = "lambda_GC = " + FormatSignificant(lambda_gc, 4) + ", " + caption;
  svg.Text(kLeft + 10, kTop + 18, caption, "start", 12);
  return svg.Render();
}

}  // namespace medfed::plot
