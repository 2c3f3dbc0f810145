#include <cmath>
#include "gtest/gtest.h"

#include "medfed/core/nice_ticks.h"
#include "medfed/plot/kaplan_meier_plot.h"
#include "medfed/plot/manhattan_plot.h"
#include "medfed/plot/qq_plot.h"
#include "medfed/plot/svg.h"

namespace medfed::plot {
namespace {

TEST(SvgTest, EscapesTextAndTicks) {
  EXPECT_EQ(EscapeXml("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
  EXPECT_EQ(NiceTicks(0, 3300, 5), (std::vector<double>{0, 1000, 2000, 3000}));
  EXPECT_EQ(NiceTicks(0, 1, 4), (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
}

TEST(KaplanMeierPlotTest, DrawsCurvesBandsAndNumbersAtRisk) {
  nlohmann::ordered_json result = nlohmann::ordered_json::parse(R"({
    "strata": [
      {"stratum": "rx=Obs", "curve": [{"time": 100, "survival": 0.9, "lower": 0.8, "upper": 0.95},
                                      {"time": 200, "survival": 0.7, "lower": 0.6, "upper": 0.8}]},
      {"stratum": "rx=Lev & <x>", "curve": [{"time": 150, "survival": 0.8, "lower": 0.7, "upper": 0.9}]}],
    "at_risk": {"times": [0, 100, 200], "strata": ["rx=Obs", "rx=Lev & <x>"],
                "n_risk": [[50, 40, null], [30, 20, 10]]}})");
  std::string svg = KaplanMeierSvg(result, "Overall survival", 5);
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("rx=Lev &amp; &lt;x&gt;"), std::string::npos);  // escaped legend
  EXPECT_NE(svg.find(">&lt;5</text>"), std::string::npos);           // suppressed at-risk count
  EXPECT_NE(svg.find("Number at risk"), std::string::npos);
  EXPECT_EQ(std::count(svg.begin(), svg.end(), '\n') > 20, true);
  // Two curves and two bands.
  size_t polylines = 0, polygons = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++polylines;
  for (size_t at = svg.find("<polygon"); at != std::string::npos; at = svg.find("<polygon", at + 1)) ++polygons;
  EXPECT_EQ(polylines, 2u);
  EXPECT_EQ(polygons, 2u);
}

TEST(QqPlotTest, UniformPValuesLieOnTheDiagonal) {
  // p-values exactly at the expected quantiles (i - 0.5) / n: every point on y = x, to the
  // histogram's resolution above the exact tail.
  const size_t n = 100000;
  QqPlot plot;
  for (size_t i = n; i >= 1; --i) plot.Add((static_cast<double>(i) - 0.5) / n);
  plot.Add(std::nan(""));
  EXPECT_EQ(plot.count(), n);
  auto points = plot.Points();
  ASSERT_GT(points.size(), 100u);
  EXPECT_LT(points.size(), 5000u);  // thinned
  EXPECT_NEAR(points.front().first, -std::log10(0.5 / n), 1e-12);
  EXPECT_NEAR(points.front().second, -std::log10(0.5 / n), 1e-12);
  for (const auto& [expected, observed] : points) EXPECT_NEAR(observed, expected, 0.0051) << expected;
  // Points run from the largest -log10(P) down.
  for (size_t i = 1; i < points.size(); ++i) EXPECT_LE(points[i].first, points[i - 1].first + 1e-12);
}

TEST(QqPlotTest, InflationShowsAboveTheDiagonalAndLambdaIsPrinted) {
  QqPlot plot;
  const size_t n = 20000;
  for (size_t i = 1; i <= n; ++i) plot.Add(std::pow((static_cast<double>(i) - 0.5) / n, 2));  // inflated
  for (const auto& [expected, observed] : plot.Points()) {
    EXPECT_NEAR(observed, 2 * expected, 0.011);
  }
  std::string svg = plot.Render("QQ <test>", 1.87);
  EXPECT_NE(svg.find("lambda_GC = 1.87, 20000 variants"), std::string::npos);
  EXPECT_NE(svg.find("QQ &lt;test&gt;"), std::string::npos);
  EXPECT_NE(svg.find("<polygon"), std::string::npos);  // the 95% band
  EXPECT_NE(svg.find("stroke-linecap=\"round\" d=\"M"), std::string::npos);
}

TEST(ManhattanPlotTest, BinsVariantsAndLabelsGenomeWideHits) {
  ManhattanPlot plot({{"1", 1000000}, {"2", 500000}, {"X", 200}});
  // 200,000 null variants collapse into a bounded number of screen cells.
  uint64_t state = 12345;
  for (int i = 0; i < 200000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = static_cast<double>(state >> 11) / 9007199254740992.0;
    plot.Add(i % 2 == 0 ? "1" : "2", (i * 7919) % 500000, std::max(u, 1e-12));
  }
  plot.Add("1", 750000, 3e-12);
  plot.Add("MT", 100, 1e-3);         // not in the list: not drawn
  plot.Add("2", 100, std::nan(""));  // NA: not drawn
  EXPECT_EQ(plot.variants(), 200001u);
  EXPECT_LT(plot.cells(), 60000u);
  std::string svg = plot.Render("GWAS", {{"rs_top", "1", 750000, 3e-12}, {"rs_weak", "2", 100, 1e-6}});
  EXPECT_NE(svg.find(">rs_top</text>"), std::string::npos);
  EXPECT_EQ(svg.find("rs_weak"), std::string::npos);  // not genome-wide significant
  EXPECT_NE(svg.find(">P = 5e-8</text>"), std::string::npos);
  for (const char* chromosome : {">1</text>", ">2</text>", ">X</text>"}) {
    EXPECT_NE(svg.find(chromosome), std::string::npos) << chromosome;
  }
  EXPECT_LT(svg.size(), 1500000u);
}

}  // namespace
}  // namespace medfed::plot
