#include "motioncue/synth/joint_limits.h"

#include <cmath>

namespace motioncue::synth {
namespace {
constexpr double kDeg = M_PI / 180.0;

JointRange deg(double xl, double xh, double yl, double yh, double zl, double zh) {
  return {AngleRange{xl * kDeg, xh * kDeg}, AngleRange{yl * kDeg, yh * kDeg},
          AngleRange{zl * kDeg, zh * kDeg}};
}

std::array<JointRange, kNumBodyJoints> make_limits() {
  std::array<JointRange, kNumBodyJoints> l{};
  l[1] = deg(-125, 30, -35, 35, -20, 50);   // L hip
  l[2] = deg(-125, 30, -35, 35, -50, 20);   // R hip
  l[3] = deg(-20, 45, -25, 25, -20, 20);    // spine1
  l[4] = deg(0, 150, -5, 5, -5, 5);         // L knee
  l[5] = deg(0, 150, -5, 5, -5, 5);         // R knee
  l[6] = deg(-15, 30, -20, 20, -15, 15);    // spine2
  l[7] = deg(-30, 40, -15, 15, -20, 20);    // L ankle
  l[8] = deg(-30, 40, -15, 15, -20, 20);    // R ankle
  l[9] = deg(-15, 25, -15, 15, -12, 12);    // spine3
  l[10] = deg(-20, 30, -5, 5, -5, 5);       // L foot
  l[11] = deg(-20, 30, -5, 5, -5, 5);       // R foot
  l[12] = deg(-35, 45, -45, 45, -25, 25);   // neck
  l[13] = deg(-15, 15, -25, 20, -15, 30);   // L collar
  l[14] = deg(-15, 15, -20, 25, -30, 15);   // R collar
  l[15] = deg(-35, 35, -45, 45, -25, 25);   // head
  l[16] = deg(-165, 60, -95, 45, -95, 90);  // L shoulder
  l[17] = deg(-165, 60, -45, 95, -90, 95);  // R shoulder
  l[18] = deg(-35, 35, -150, 5, -15, 15);   // L elbow
  l[19] = deg(-35, 35, -5, 150, -15, 15);   // R elbow
  l[20] = deg(-60, 60, -40, 40, -70, 70);   // L wrist
  l[21] = deg(-60, 60, -40, 40, -70, 70);   // R wrist
  l[22] = deg(-20, 20, -20, 20, -25, 25);   // L hand
  l[23] = deg(-20, 20, -20, 20, -25, 25);   // R hand
  return l;
}
}  // namespace

const std::array<JointRange, kNumBodyJoints>& joint_limits() {
  static const auto limits = make_limits();
  return limits;
}

double soft_clamp(double v, const AngleRange& r) {
  const double margin = 0.15 * (r.hi - r.lo);
  const double a = r.lo + margin, b = r.hi - margin;
  if (v > b) return b + margin * std::tanh((v - b) / margin);
  if (v < a) return a - margin * std::tanh((a - v) / margin);
  return v;
}

void clamp_to_limits(BodyPose& pose) {
  const auto& limits = joint_limits();
  for (int j = 1; j < kNumBodyJoints; ++j)
    for (int k = 0; k < 3; ++k) pose.euler[j][k] = soft_clamp(pose.euler[j][k], limits[j][k]);
}

bool within_limits(const BodyPose& pose, double tolerance) {
  const auto& limits = joint_limits();
  for (int j = 1; j < kNumBodyJoints; ++j)
    for (int k = 0; k < 3; ++k) {
      const double v = pose.euler[j][k];
      if (v < limits[j][k].lo - tolerance || v > limits[j][k].hi + tolerance) return false;
    }
  return true;
}

}  // namespace motioncue::synth
