#include "gtest/gtest.h"
#include "medfed/plot/kaplan_meier_plot.h"
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

}  // namespace
}  // namespace medfed::plot
