#include "medfed/stats/logistic_sums.h"

#include <cstring>
#include <utility>

namespace medfed::stats {
namespace {

// GCC/Clang vector extension: 4 doubles (AVX2 width; the 8-wide form spills registers).
using Vec4 = double __attribute__((vector_size(32)));
constexpr Eigen::Index kLanes = 4;

// Out-parameter rather than a return value: returning a vector type is ABI-sensitive.
void Load(Vec4& v, const double* data) { std::memcpy(&v, data, sizeof(v)); }

double Sum(const Vec4& v) { return (v[0] + v[1]) + (v[2] + v[3]); }

template <int Q>
double Fused(const Eigen::MatrixXd& x, const Eigen::ArrayXd& mu, const Eigen::ArrayXd& y, const Eigen::ArrayXd& valid,
             double* score, double* information) {
  constexpr int kTriangle = Q * (Q + 1) / 2;
  const Eigen::Index n = x.rows();
  const double* columns = x.data();
  Vec4 s[Q] = {}, info[kTriangle] = {}, count = {};
  Eigen::Index i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    Vec4 m, v, outcome, xi[Q];
    Load(m, mu.data() + i);
    Load(v, valid.data() + i);
    Load(outcome, y.data() + i);
    for (int a = 0; a < Q; ++a) Load(xi[a], columns + a * n + i);
    const Vec4 w = v * m * (1 - m), r = v * (outcome - m);
    count += v;
    int t = 0;
    for (int a = 0; a < Q; ++a) {
      s[a] += r * xi[a];
      const Vec4 wx = w * xi[a];
      for (int b = a; b < Q; ++b) info[t++] += wx * xi[b];
    }
  }
  double total = Sum(count);
  for (int a = 0; a < Q; ++a) score[a] = Sum(s[a]);
  for (int t = 0; t < kTriangle; ++t) information[t] = Sum(info[t]);
  for (; i < n; ++i) {
    const double m = mu[i], v = valid[i];
    const double w = v * m * (1 - m), r = v * (y[i] - m);
    total += v;
    int t = 0;
    for (int a = 0; a < Q; ++a) {
      score[a] += r * x(i, a);
      for (int b = a; b < Q; ++b) information[t++] += w * x(i, a) * x(i, b);
    }
  }
  return total;
}

double Blocked(const Eigen::MatrixXd& x, const Eigen::ArrayXd& mu, const Eigen::ArrayXd& y, const Eigen::ArrayXd& valid,
               double* score, double* information) {
  const Eigen::Index q = x.cols();
  const Eigen::ArrayXd w = valid * mu * (1 - mu);
  Eigen::Map<Eigen::VectorXd>(score, q).noalias() = x.transpose() * (valid * (y - mu)).matrix();
  const Eigen::MatrixXd weighted = x.array().colwise() * w;
  const Eigen::MatrixXd full = weighted.transpose() * x;
  int t = 0;
  for (Eigen::Index a = 0; a < q; ++a) {
    for (Eigen::Index b = a; b < q; ++b) information[t++] = full(a, b);
  }
  return valid.sum();
}

template <int... Q>
double Dispatch(std::integer_sequence<int, Q...>, const Eigen::MatrixXd& x, const Eigen::ArrayXd& mu,
                const Eigen::ArrayXd& y, const Eigen::ArrayXd& valid, double* score, double* information) {
  double total = 0;
  const bool fused =
      ((x.cols() == Q + 1 ? (total = Fused<Q + 1>(x, mu, y, valid, score, information), true) : false) || ...);
  return fused ? total : Blocked(x, mu, y, valid, score, information);
}

}  // namespace

double AccumulateLogisticSums(const Eigen::MatrixXd& x, const Eigen::ArrayXd& mu, const Eigen::ArrayXd& y,
                              const Eigen::ArrayXd& valid, double* score, double* information) {
  return Dispatch(std::make_integer_sequence<int, kFusedLogisticColumns>(), x, mu, y, valid, score, information);
}

}  // namespace medfed::stats
