#include "medfed/plot/kaplan_meier_plot.h"

#include <algorithm>
#include <cmath>

#include "medfed/core/text.h"
#include "medfed/core/text_table.h"
#include "medfed/plot/svg.h"

namespace medfed::plot {

std::string KaplanMeierSvg(const nlohmann::ordered_json& result, const std::string& title, int min_cell_count) {
  const auto& strata = result["strata"];
  const auto& at_risk = result["at_risk"];
  const size_t stratum_count = strata.size();
  // Room on the left for the numbers-at-risk labels (about 6.5 px per character at 11 px).
  size_t longest = 0;
  for (const auto& stratum : strata) longest = std::max(longest, DisplayWidth(stratum["stratum"].get<std::string>()));
  const double left = std::max(90.0, 6.5 * static_cast<double>(longest) + 40);
  const double width = left + 730;
  const double right = 30, top = 50, plot_height = 330;
  const double table_top = top + plot_height + 60;
  const double height = table_top + 24 * static_cast<double>(stratum_count) + 30;
  const double plot_width = width - left - right;
  std::vector<double> ticks = at_risk["times"].get<std::vector<double>>();
  const double max_time = ticks.empty() ? 1 : std::max(ticks.back(), 1e-9);
  auto x_of = [&](double t) { return left + plot_width * t / max_time; };
  auto y_of = [&](double s) { return top + plot_height * (1 - s); };

  SvgDocument svg(width, height);
  svg.Text(width / 2, 28, title, "middle", 16, "#222", true);
  // Grid and axes.
  for (double s : {0.0, 0.25, 0.5, 0.75, 1.0}) {
    svg.Line(left, y_of(s), left + plot_width, y_of(s), "#e5e5e5");
    svg.Text(left - 8, y_of(s) + 4, FormatSignificant(s, 2), "end", 11);
  }
  for (double t : ticks) {
    svg.Line(x_of(t), top + plot_height, x_of(t), top + plot_height + 5, "#444");
    svg.Text(x_of(t), top + plot_height + 18, FormatSignificant(t, 6), "middle", 11);
  }
  svg.Line(left, top, left, top + plot_height, "#444");
  svg.Line(left, top + plot_height, left + plot_width, top + plot_height, "#444");
  svg.Text(left + plot_width / 2, top + plot_height + 38, "Time", "middle", 12);
  svg.Text(22, top + plot_height / 2, "Survival probability", "middle", 12, "#222", false, -90);

  for (size_t s = 0; s < stratum_count; ++s) {
    const std::string& colour = Palette()[s % Palette().size()];
    const auto& curve = strata[s]["curve"];
    // Step function from (0, 1); band as a step polygon where limits exist.
    std::vector<std::pair<double, double>> line = {{x_of(0), y_of(1)}};
    std::vector<std::pair<double, double>> upper = {{x_of(0), y_of(1)}}, lower = {{x_of(0), y_of(1)}};
    double survival = 1, up = 1, low = 1;
    for (const auto& step : curve) {
      const double t = std::min(step["time"].get<double>(), max_time);
      line.emplace_back(x_of(t), y_of(survival));
      survival = step["survival"].get<double>();
      line.emplace_back(x_of(t), y_of(survival));
      if (!step["upper"].is_null() && !step["lower"].is_null()) {
        upper.emplace_back(x_of(t), y_of(up));
        lower.emplace_back(x_of(t), y_of(low));
        up = step["upper"].get<double>();
        low = step["lower"].get<double>();
        upper.emplace_back(x_of(t), y_of(up));
        lower.emplace_back(x_of(t), y_of(low));
      }
    }
    std::vector<std::pair<double, double>> band = upper;
    band.insert(band.end(), lower.rbegin(), lower.rend());
    if (band.size() > 2) svg.Polygon(band, colour, 0.15);
    svg.Polyline(line, colour, 2);
    // Legend.
    const double legend_y = top + 14 + 18 * static_cast<double>(s);
    svg.Line(left + plot_width - 190, legend_y - 4, left + plot_width - 166, legend_y - 4, colour, 3);
    svg.Text(left + plot_width - 160, legend_y, strata[s]["stratum"].get<std::string>(), "start", 12);
  }

  // Numbers at risk.
  svg.Text(10, table_top - 10, "Number at risk", "start", 12, "#222", true);
  for (size_t s = 0; s < stratum_count; ++s) {
    const double y = table_top + 12 + 24 * static_cast<double>(s);
    const std::string& colour = Palette()[s % Palette().size()];
    svg.Text(left - 24, y, at_risk["strata"][s].get<std::string>(), "end", 11, colour, true);
    const auto& row = at_risk["n_risk"][s];
    for (size_t j = 0; j < ticks.size() && j < row.size(); ++j) {
      std::string cell =
          row[j].is_null() ? "<" + std::to_string(min_cell_count) : std::to_string(row[j].get<int64_t>());
      svg.Text(x_of(ticks[j]), y, cell, "middle", 11);
    }
  }
  return svg.Render();
}

}  // namespace medfed::plot
