// R's own output, printed by tests/golden/r_format.R (R 4.2.2) and pasted here: format() and
// format.pval() on the columns summary.glm prints, and on the cases where R switches notation.
#include "medfed/core/r_format.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace medfed {
namespace {

struct FormatCase {
  std::vector<double> values;
  int digits;
  std::vector<std::string> expected;
};

TEST(RFormat, FormatChoosesDigitsAndNotationAsRDoes) {
  const FormatCase cases[] = {
      {{-3.2755679999999998, -0.58337399999999995, 0.0092490000000000003, 0.0042649999999999997, 0.35345700000000002},
       4,
       {"-3.275568", "-0.583374", "0.009249", "0.004265", "0.353457"}},
      {{131.40299999999999, -0.25900000000000001, -1.5529999999999999, 0.71599999999999997},
       4,
       {"131.403", "-0.259", "-1.553", "0.716"}},
      {{1e-10, 1, 1000}, 7, {"1e-10", "1e+00", "1e+03"}},
      {{123456789, 0.5}, 7, {"123456789.0", "0.5"}},
      {{0.037795389999999998, 0.55801232000000001, 8.7498861199999993, 1.0092917699999999},
       7,
       {"0.03779539", "0.55801232", "8.74988612", "1.00929177"}},
      {{2749.7190000000001, 2447.145}, 5, {"2749.7", "2447.1"}},
      {{0, -0.00012339999999999999, 5}, 4, {"0.0000000", "-0.0001234", "5.0000000"}},
      {{1000000000000000, 2000000000000000}, 7, {"1e+15", "2e+15"}},
      {{20841.234499999999}, 5, {"20841"}},
      {{-9.2669999999999995, -4.415, 1.347, 2.169, -0.84299999999999997},
       4,
       {"-9.267", "-4.415", "1.347", "2.169", "-0.843"}},
  };
  for (const auto& [values, digits, expected] : cases) EXPECT_EQ(FormatLikeR(values, digits), expected) << digits;
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(FormatLikeR({std::nan(""), 1.5, inf, -inf}, 7), (std::vector<std::string>{"NA", "1.5", "Inf", "-Inf"}));
}

struct PValueCase {
  std::vector<double> values;
  std::vector<std::string> expected;
};

TEST(RFormat, PValuesAsFormatPvalWritesThem) {
  const PValueCase cases[] = {
      {{9.9999999999999995e-21, 1.01e-05, 0.1779, 0.030110000000000001, 0.39899000000000001, 3.6300000000000001e-05,
        2.9200000000000003e-10, 2.8100000000000001e-14, 0.0033400000000000001, 0.31691999999999998},
       {"< 2e-16", "1.01e-05", "0.17790", "0.03011", "0.39899", "3.63e-05", "2.92e-10", "2.81e-14", "0.00334",
        "0.31692"}},
      {{9.9999999999999995e-21, 0.79600000000000004, 0.12, 0.47399999999999998}, {"<2e-16", "0.796", "0.120", "0.474"}},
      {{0.5, 0.00040000000000000002, 4.0000000000000003e-05}, {"5e-01", "4e-04", "4e-05"}},
      {{1e-300, 1.0000000000000001e-17}, {"<2e-16", "<2e-16"}},
  };
  for (const auto& [values, expected] : cases) EXPECT_EQ(FormatPValuesLikeR(values, 3), expected);
}

TEST(RFormat, RoundsToTheNearestDecimal) {
  EXPECT_EQ(RoundLikeR(2.675, 2), 2.67);  // 2.675 is 2.67499999... in binary, as R says
  EXPECT_EQ(RoundLikeR(-9.2667, 3), -9.267);
  EXPECT_EQ(RoundLikeR(0.5, 0), 0);  // to even, as R
}

}  // namespace
}  // namespace medfed
