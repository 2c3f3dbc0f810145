// The (n, k) dominance rule for released sums (magnitude tables): a sum is sensitive when its n
// largest contributions make up more than k of its total, since the total then says nearly what
// those few contribute. Contributions are taken in absolute value (a negative one dominates as
// well as a positive one). Hundepool et al., Handbook on Statistical Disclosure Control (ESSnet,
// 2010/2024), section 4.2, with its example n = 2, k = 85%, the default here.
#pragma once

#include <span>

namespace medfed::privacy {

struct DominanceRule {
  int n = 2;        // 0 switches the rule off
  double k = 0.85;  // a fraction of the total, in (0, 1]
};

// True when the n largest |x| exceed k of sum |x|, or the n largest x^2 exceed k of sum x^2
// (the sum of squares a variance or a regression releases). All-zero values are not dominated.
bool IsDominated(std::span<const double> values, const DominanceRule& rule);

}  // namespace medfed::privacy
