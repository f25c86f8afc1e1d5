// The motion library: parametric, smooth, periodic body motions of several families (walk, run,
// jump, squat, wave, reach, kick, turn, dance, sit-stand, box), each with speed, amplitude, phase,
// mirroring, style noise (smooth per-joint wobble and a personal posture), heading, turning and
// travel. Every frame is within joint_limits(). Time is continuous; sequences sample it at fps.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "motioncue/synth/body_pose.h"

namespace motioncue::synth {

enum class MotionFamily {
  kWalk,
  kRun,
  kJump,
  kSquat,
  kWave,
  kReach,
  kKick,
  kTurn,
  kDance,
  kSitStand,
  kBox
};
const std::vector<MotionFamily>& all_motion_families();
std::string motion_family_name(MotionFamily family);
// Throws Error listing the known names.
MotionFamily parse_motion_family(const std::string& name);

struct NoiseTerm {
  double amplitude = 0, frequency = 0, phase = 0;  // radians, Hz, radians
};

struct MotionParams {
  MotionFamily family = MotionFamily::kWalk;
  double speed = 1.0;      // multiplier of the family's natural cycle rate
  double amplitude = 1.0;  // multiplier of the joint excursions from the rest posture
  double phase = 0.0;      // cycle phase at t = 0, radians
  bool mirrored = false;   // left/right swapped
  double heading = 0.0;    // yaw at t = 0 (radians, about the world's up axis)
  double turn_rate = 0.0;  // yaw rate, radians per second
  double lean = 0.0;       // constant forward lean of the root, radians
  double travel = 0.0;     // fraction of the family's natural travel speed (0: in place)
  double style_noise = 0.0;
  std::array<cv::Vec3d, kNumBodyJoints> posture{};  // personal posture offsets
  std::vector<NoiseTerm> noise;  // 2 terms per joint angle: (joint * 3 + axis) * 2 + k
  std::vector<double> variant;   // family-specific free parameters in [0, 1)
};

// Draws an instance of `family`; style_noise scales the smooth per-joint wobble (radians).
MotionParams sample_motion_params(MotionFamily family, std::mt19937_64& rng, double style_noise);

// The pose at time t (seconds), within joint limits.
BodyPose evaluate_motion(const MotionParams& params, double t);
std::vector<BodyPose> generate_motion(const MotionParams& params, int frames, double fps);

// One line describing the instance (family and parameters), for meta.json.
std::string describe_motion(const MotionParams& params);

}  // namespace motioncue::synth
