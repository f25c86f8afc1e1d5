// Detector-like 2D keypoints for the synthetic videos: what an off-the-shelf 2D pose detector
// would give on the frames (noisy positions, missed joints, a whole-body left/right confusion now
// and then), written beside the ground truth as `keypoints2d_detected` so the refinement's 2D
// keypoint term on unlabeled video has targets that carry a front/back signal without being the
// truth.
#pragma once

#include <random>
#include <vector>

namespace motioncue::synth {

struct DetectorNoise {
  double position_sd = 0.03;    // per coordinate, as a fraction of the person box side
  double miss = 0.08;           // chance that a visible keypoint is not reported
  double swap = 0.05;           // chance per frame that left and right are exchanged
  double min_confidence = 0.4;  // reported confidences are uniform in [min_confidence, 1]
};

// joints2d: T x 24 x 3 (x, y in frame pixels, 1 = visible); box_side: T (pixels). Returns T x 24 x
// 3 in the same layout; keypoints not visible or missed get confidence 0 (and position 0).
std::vector<double> simulate_detector(const std::vector<double>& joints2d,
                                      const std::vector<double>& box_side,
                                      const DetectorNoise& noise, std::mt19937_64& rng);

}  // namespace motioncue::synth
