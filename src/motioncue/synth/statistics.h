// Benchmark statistics: pose diversity (pairwise and test-to-labeled nearest-neighbour MPJPE of
// pelvis-centred evaluation joints), motion magnitude (ground-truth flow at crop resolution),
// motion families and view coverage.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace motioncue::synth {

// Keypoints: N x 24 x 3 (camera frame, metres); only the 14 evaluation joints are used, centred
// on the midpoint of the hips. Returns the mean MPJPE (mm) over up to `pairs` random pairs.
double mean_pairwise_mpjpe_mm(const std::vector<double>& keypoints, std::uint64_t seed,
                              int pairs = 2000);

// For each query pose, the MPJPE (mm) to its nearest neighbour among the first `pool_size`
// reference poses; returns the mean.
double mean_nearest_mpjpe_mm(const std::vector<double>& queries, const std::vector<double>& pool,
                             std::int64_t pool_size);

// p10, p50, p90 and max of the values, as a JSON object.
nlohmann::json percentiles(std::vector<double> values);

}  // namespace motioncue::synth
