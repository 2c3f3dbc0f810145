// Differential privacy for released sums: calibration of distributed discrete Gaussian noise
// and zero-concentrated DP (zCDP) accounting (docs/privacy/differential-privacy.md).
//
// Mechanism. Each site adds its own share of discrete Gaussian noise (discrete_gaussian.h) to
// the integer vector it contributes, before masking, so the hub only ever decodes a noised sum.
// The shares are sized so that the noise of the sites other than any single one already gives
// the stated privacy: a hub that colludes with one site and subtracts that site's share is left
// with the sum of m = sites - 1 independent N_Z(0, sigma^2) draws. Kairouz, Liu & Steinke, "The
// Distributed Discrete Gaussian Mechanism for Federated Learning with Secure Aggregation" (ICML
// 2021), Theorem 1: such a sum with L2 sensitivity D2 and L1 sensitivity D1 is (eps^2/2)-zCDP
// for eps = D2 / (sqrt(m) sigma) + tau sqrt(D1), tau = 10 sum_{k=1}^{m-1} exp(-2 pi^2 sigma^2
// k / (k + 1)); with sigma >= 2, tau is below 1e-30 per site.
//
// Released coordinates come in groups: one person changes at most one coordinate of a group
// (a histogram, a table of counts), by at most the group's sensitivity, and may change every
// group. Each group's sigma is its sensitivity times a common scale, and the release's zCDP cost
// is the sum over groups (composition, Bun & Steinke 2016, Lemma 2.3).
//
// Accounting. A researcher's budget and every release are kept as rho (zCDP composes by
// addition); (epsilon, delta) are converted with rho = (sqrt(L + epsilon) - sqrt(L))^2, L =
// ln(1/delta), the inverse of epsilon = rho + 2 sqrt(rho L) (Bun & Steinke 2016, Proposition 1.3).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "medfed/core/status.h"

namespace medfed::privacy {

struct PrivacyTarget {
  double epsilon = 0;
  double delta = 0;
};

// Checks 0 < epsilon <= 20 and 0 < delta < 0.01; the message says which and why.
Status ValidatePrivacyTarget(const PrivacyTarget& target);

// rho such that rho-zCDP implies (epsilon, delta)-DP.
double ZcdpForApproximateDp(const PrivacyTarget& target);
// The epsilon that rho-zCDP gives at delta.
double EpsilonForZcdp(double rho, double delta);

struct NoiseGroup {
  size_t first = 0;  // coordinates first, first + stride, ... (count of them) of the contribution
  size_t count = 0;
  int64_t sensitivity = 1;  // in the integer units of those coordinates
  size_t stride = 1;
};

struct NoiseCalibration {
  double rho = 0;                       // the release's zCDP cost (at most the target's)
  std::vector<int64_t> site_variance;   // per group: each site draws N_Z(0, this)
  std::vector<double> pooled_variance;  // per group: variance of the noise in the pooled sum
};

// The shares for `sites` sites (at least 1; with one site it adds all the noise itself) so that
// the pooled release costs at most `rho` even if the hub and any one site collude.
StatusOr<NoiseCalibration> CalibrateDistributedNoise(const std::vector<NoiseGroup>& groups, double rho, int sites);

// The zCDP cost of the noise of m honest sites with the given per-site variances.
double DistributedGaussianRho(const std::vector<NoiseGroup>& groups, const std::vector<int64_t>& site_variance,
                              int honest_sites);

// "epsilon 1, delta 1e-06" for messages.
std::string DescribePrivacy(double rho, double delta);

}  // namespace medfed::privacy
