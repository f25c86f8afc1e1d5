#include "motioncue/synth/statistics.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace motioncue::synth {
namespace {
constexpr int kEval = 14;
constexpr int kRightHip = 2, kLeftHip = 3;  // SPIN order

std::vector<double> centred(const std::vector<double>& k, std::int64_t i) {
  const double* p = k.data() + i * 72;
  std::vector<double> out(kEval * 3);
  for (int d = 0; d < 3; ++d) {
    const double c = 0.5 * (p[kRightHip * 3 + d] + p[kLeftHip * 3 + d]);
    for (int j = 0; j < kEval; ++j) out[j * 3 + d] = p[j * 3 + d] - c;
  }
  return out;
}

double mpjpe_mm(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (int j = 0; j < kEval; ++j)
    s += std::sqrt(std::pow(a[3 * j] - b[3 * j], 2) + std::pow(a[3 * j + 1] - b[3 * j + 1], 2) +
                   std::pow(a[3 * j + 2] - b[3 * j + 2], 2));
  return 1000.0 * s / kEval;
}
}  // namespace

double mean_pairwise_mpjpe_mm(const std::vector<double>& k, std::uint64_t seed, int pairs) {
  const std::int64_t n = static_cast<std::int64_t>(k.size() / 72);
  if (n < 2) return 0.0;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> pick(0, n - 1);
  double s = 0;
  for (int p = 0; p < pairs; ++p) {
    const std::int64_t i = pick(rng);
    std::int64_t j = pick(rng);
    if (j == i) j = (i + 1) % n;
    s += mpjpe_mm(centred(k, i), centred(k, j));
  }
  return s / pairs;
}

double mean_nearest_mpjpe_mm(const std::vector<double>& queries, const std::vector<double>& pool,
                             std::int64_t pool_size) {
  const std::int64_t nq = static_cast<std::int64_t>(queries.size() / 72);
  pool_size = std::min<std::int64_t>(pool_size, static_cast<std::int64_t>(pool.size() / 72));
  if (nq == 0 || pool_size == 0) return 0.0;
  std::vector<std::vector<double>> ref;
  for (std::int64_t i = 0; i < pool_size; ++i) ref.push_back(centred(pool, i));
  double s = 0;
  for (std::int64_t q = 0; q < nq; ++q) {
    const auto a = centred(queries, q);
    double best = 1e30;
    for (const auto& r : ref) best = std::min(best, mpjpe_mm(a, r));
    s += best;
  }
  return s / nq;
}

nlohmann::json percentiles(std::vector<double> v) {
  nlohmann::json j = nlohmann::json::object();
  if (v.empty()) return j;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[static_cast<std::size_t>(std::round(q * (v.size() - 1)))]; };
  j["p10"] = at(0.1);
  j["p50"] = at(0.5);
  j["p90"] = at(0.9);
  j["max"] = v.back();
  return j;
}

}  // namespace motioncue::synth
