#include "motioncue/synth/motion.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "motioncue/core/error.h"
#include "motioncue/synth/joint_limits.h"

namespace motioncue::synth {
namespace {

using Angles = std::array<cv::Vec3d, kNumBodyJoints>;

enum J : int {
  kLHip = 1,
  kRHip,
  kSpine1,
  kLKnee,
  kRKnee,
  kSpine2,
  kLAnkle,
  kRAnkle,
  kSpine3,
  kLFoot,
  kRFoot,
  kNeck,
  kLCollar,
  kRCollar,
  kHead,
  kLShoulder,
  kRShoulder,
  kLElbow,
  kRElbow,
  kLWrist,
  kRWrist,
  kLHand,
  kRHand
};
// Left/right partner of every joint (mirroring).
constexpr std::array<int, kNumBodyJoints> kMirror = {
    0, 2, 1, 3, 5, 4, 6, 8, 7, 9, 11, 10, 12, 14, 13, 15, 17, 16, 19, 18, 21, 20, 23, 22};

double pos(double v) { return v > 0 ? v : 0; }

// Joint index of a limb joint on side s (+1 left, -1 right).
int side(int left_joint, double s) { return s > 0 ? left_joint : kMirror[left_joint]; }

// The relaxed standing posture: arms lowered from the T-pose, elbows a little bent.
Angles rest_posture() {
  Angles a{};
  for (double s : {1.0, -1.0}) {
    a[side(kLShoulder, s)] = {0.0, 0.0, -s * 1.25};
    a[side(kLElbow, s)] = {0.0, -s * 0.25, 0.0};
    a[side(kLHip, s)] = {0.0, 0.0, s * 0.05};
  }
  return a;
}

// Posture helpers, written for side s (+1 left, -1 right) in the sign conventions of
// joint_limits.h.
void set_hip(Angles& a, double s, double flex, double abduct = 0.05) {
  a[side(kLHip, s)] = {-flex, 0.0, s * abduct};
}
void set_knee(Angles& a, double s, double flex) { a[side(kLKnee, s)] = {flex, 0.0, 0.0}; }
void set_ankle(Angles& a, double s, double plantar) { a[side(kLAnkle, s)] = {plantar, 0.0, 0.0}; }
// forward: raise of the lowered arm to the front (rad); lower: how far it is lowered from the
// T-pose (1.25 = relaxed, 0 = horizontal, negative = raised to the side).
void set_shoulder(Angles& a, double s, double forward, double lower = 1.25, double across = 0) {
  a[side(kLShoulder, s)] = {-forward, -s * across, -s * lower};
}
void set_elbow(Angles& a, double s, double flex) { a[side(kLElbow, s)] = {0.0, -s * flex, 0.0}; }

struct FamilyFrame {
  Angles angles;
  cv::Vec3d offset{0, 0, 0};  // root offset in the body's heading frame (x left, y up, z forward)
  double yaw = 0, pitch = 0, roll = 0;
  double forward_speed = 0;  // natural travel speed (m/s) before MotionParams::travel
};

// ---- formula families -------------------------------------------------------------------------

FamilyFrame walk(const MotionParams& p, double t, bool run) {
  const double f = (run ? 1.2 : 0.9) * p.speed, A = p.amplitude;
  const double phi = 2 * M_PI * f * t + p.phase;
  FamilyFrame out{rest_posture()};
  for (double s : {1.0, -1.0}) {
    const double ph = s > 0 ? phi : phi + M_PI;
    if (run) {
      set_hip(out.angles, s, A * (0.6 * std::sin(ph) + 0.25));
      set_knee(out.angles, s, A * (0.3 + 1.5 * std::pow(pos(std::cos(ph + 0.4)), 2)));
      set_ankle(out.angles, s, A * 0.3 * std::sin(ph + 1.0));
      set_shoulder(out.angles, s, -A * 0.6 * std::sin(ph), 1.2);
      set_elbow(out.angles, s, 1.4 + 0.2 * A * std::sin(ph));
    } else {
      set_hip(out.angles, s, A * 0.4 * std::sin(ph) + 0.05);
      set_knee(out.angles, s, A * (0.1 + 0.95 * std::pow(pos(std::cos(ph + 0.3)), 2)));
      set_ankle(out.angles, s, A * 0.15 * std::sin(ph + 1.0));
      set_shoulder(out.angles, s, -A * 0.35 * std::sin(ph));
      set_elbow(out.angles, s, 0.3 + 0.15 * A * (1 - std::sin(ph)));
    }
  }
  out.angles[kSpine1][0] = run ? 0.15 : 0.04;
  out.angles[kSpine2][1] = (run ? 0.15 : 0.1) * A * std::sin(phi);
  out.offset[1] = (run ? 0.04 : 0.02) * A * std::cos(2 * phi);
  out.offset[0] = 0.02 * std::sin(phi);
  out.roll = 0.03 * std::sin(phi);
  out.forward_speed = (run ? 3.0 : 1.3) * p.speed;
  return out;
}

FamilyFrame turn(const MotionParams& p, double t) {
  const double f = 1.0 * p.speed, A = p.amplitude;
  const double phi = 2 * M_PI * f * t + p.phase;
  FamilyFrame out{rest_posture()};
  for (double s : {1.0, -1.0}) {
    const double ph = s > 0 ? phi : phi + M_PI;
    const double lift = std::pow(pos(std::sin(ph)), 2);
    set_hip(out.angles, s, A * 0.45 * lift + 0.05, 0.1);
    set_knee(out.angles, s, A * 0.8 * lift + 0.05);
    set_shoulder(out.angles, s, 0.15 * A * std::sin(ph), 1.15);
    set_elbow(out.angles, s, 0.4);
  }
  out.angles[kHead][1] = 0.25 * std::sin(phi * 0.5);
  out.offset[1] = 0.015 * std::cos(2 * phi);
  return out;
}

FamilyFrame wave(const MotionParams& p, double t) {
  const double A = p.amplitude;
  const double style = p.variant[0], height = p.variant[1];
  FamilyFrame out{rest_posture()};
  const double sway = std::sin(2 * M_PI * 0.4 * p.speed * t + p.phase);
  out.offset[0] = 0.03 * sway;
  out.angles[kSpine1][2] = 0.05 * sway;
  out.angles[kLHip][2] += 0.05 * sway;
  out.angles[kRHip][2] += 0.05 * sway;
  if (style < 0.45) {  // waving with one (or both) raised arm(s)
    const double w = std::sin(2 * M_PI * 1.6 * p.speed * t + p.phase);
    const bool both = p.variant[2] < 0.3;
    for (double s : {1.0, -1.0}) {
      if (s < 0 && !both) {
        set_shoulder(out.angles, s, 0.1 * std::sin(2 * M_PI * 0.5 * t), 1.2);
        continue;
      }
      set_shoulder(out.angles, s, 0.4, -(0.2 + 0.8 * height) * A, 0.2);
      set_elbow(out.angles, s, 1.0 + 0.45 * A * w);
      out.angles[side(kLWrist, s)] = {0.0, 0.0, 0.3 * A * w};
    }
    out.angles[kHead][2] = -0.1 * w;
  } else if (style < 0.75) {  // arm circles
    const double c = 2 * M_PI * 0.8 * p.speed * t + p.phase;
    for (double s : {1.0, -1.0}) {
      set_shoulder(out.angles, s, A * 1.2 * (1 + std::sin(c)) / 2,
                   0.9 - A * 1.4 * (1 + std::cos(c)) / 2);
      set_elbow(out.angles, s, 0.2);
    }
  } else {  // clapping in front of the chest
    const double c = 2 * M_PI * 1.2 * p.speed * t + p.phase;
    const double open = (1 + std::sin(c)) / 2;
    for (double s : {1.0, -1.0}) {
      set_shoulder(out.angles, s, 0.0, 0.1 + 0.3 * height, A * (0.6 + 0.8 * (1 - open)));
      set_elbow(out.angles, s, 0.9 - 0.5 * (1 - open));
    }
    out.angles[kNeck][0] = 0.15;
  }
  return out;
}

FamilyFrame dance(const MotionParams& p, double t) {
  const double A = p.amplitude, f = 1.0 * p.speed;
  const double phi = 2 * M_PI * f * t + p.phase;
  FamilyFrame out{rest_posture()};
  out.offset[0] = 0.07 * A * std::sin(phi);
  out.offset[1] = -0.06 * A * (1 - std::cos(2 * phi)) / 2;
  out.roll = 0.06 * A * std::sin(phi);
  out.yaw = 0.5 * A * std::sin(0.5 * phi + p.variant[0] * 6.28);
  out.angles[kSpine1][2] = -0.12 * A * std::sin(phi);
  out.angles[kSpine2][2] = -0.1 * A * std::sin(phi);
  out.angles[kHead][0] = 0.12 * std::sin(2 * phi);
  const double arm_style = p.variant[1];
  for (double s : {1.0, -1.0}) {
    const double ph = s > 0 ? phi : phi + M_PI;
    const double bend = 0.2 + 0.3 * A * (1 - std::cos(2 * phi)) / 2;
    set_hip(out.angles, s, bend * 0.7, 0.12 + 0.08 * s * std::sin(phi));
    set_knee(out.angles, s, bend * 1.2);
    set_ankle(out.angles, s, -0.2 * bend);
    if (arm_style < 0.5) {  // arms alternately raised overhead
      const double up = (1 + std::sin(ph)) / 2;
      set_shoulder(out.angles, s, 0.5 * up, 1.2 - A * 2.3 * up);
      set_elbow(out.angles, s, 0.3 + 0.7 * (1 - up));
    } else {  // arms swinging in front
      set_shoulder(out.angles, s, 0.9 + 0.5 * A * std::sin(ph), 0.8, 0.5 * A * std::sin(phi));
      set_elbow(out.angles, s, 1.3 + 0.4 * std::sin(2 * ph));
    }
  }
  return out;
}

// ---- keyframed families (cyclic Catmull-Rom splines through key postures) ----------------------

struct Key {
  double p;
  FamilyFrame frame;
};

FamilyFrame lerp_frames(const FamilyFrame* f[4], double u) {
  // Catmull-Rom weights for control points f0..f3 at parameter u in [0, 1] between f1 and f2.
  const double u2 = u * u, u3 = u2 * u;
  const double w[4] = {0.5 * (-u3 + 2 * u2 - u), 0.5 * (3 * u3 - 5 * u2 + 2),
                       0.5 * (-3 * u3 + 4 * u2 + u), 0.5 * (u3 - u2)};
  FamilyFrame out{};
  for (int k = 0; k < 4; ++k) {
    for (int j = 0; j < kNumBodyJoints; ++j) out.angles[j] += w[k] * f[k]->angles[j];
    out.offset += w[k] * f[k]->offset;
    out.yaw += w[k] * f[k]->yaw;
    out.pitch += w[k] * f[k]->pitch;
    out.roll += w[k] * f[k]->roll;
  }
  return out;
}

// Keys sorted by p in [0, 1); the motion is periodic with period 1 in p. The spline uses
// centripetal-free uniform parametrisation per segment, which is C1 for evenly spaced keys and
// smooth enough (bounded acceleration) for the uneven spacings used here.
FamilyFrame sample_keys(const std::vector<Key>& keys, double p) {
  p -= std::floor(p);
  const int n = static_cast<int>(keys.size());
  int i = n - 1;
  for (int k = 0; k < n; ++k)
    if (keys[k].p <= p) i = k;
  const int i2 = (i + 1) % n;
  double p1 = keys[i].p, p2 = keys[i2].p;
  if (p2 <= p1) p2 += 1.0;
  double pp = p;
  if (pp < p1) pp += 1.0;
  const double u = (pp - p1) / (p2 - p1);
  const FamilyFrame* f[4] = {&keys[(i + n - 1) % n].frame, &keys[i].frame, &keys[i2].frame,
                             &keys[(i + 2) % n].frame};
  return lerp_frames(f, u);
}

FamilyFrame standing() { return FamilyFrame{rest_posture()}; }

FamilyFrame crouch(double hip, double knee, double ankle, double spine, double drop) {
  FamilyFrame f = standing();
  for (double s : {1.0, -1.0}) {
    set_hip(f.angles, s, hip, 0.1);
    set_knee(f.angles, s, knee);
    set_ankle(f.angles, s, ankle);
  }
  f.angles[kSpine1][0] = spine;
  f.offset[1] = -drop;
  return f;
}

void arms(FamilyFrame& f, double forward, double lower, double elbow) {
  for (double s : {1.0, -1.0}) {
    set_shoulder(f.angles, s, forward, lower);
    set_elbow(f.angles, s, elbow);
  }
}

std::vector<Key> jump_keys(const MotionParams& p) {
  const double h = 0.2 + 0.25 * p.variant[0];
  FamilyFrame prep = crouch(0.9, 1.3, -0.35, 0.35, 0.25);
  arms(prep, -0.7, 1.2, 0.3);
  FamilyFrame takeoff = crouch(0.1, 0.1, 0.4, 0.05, -0.05);
  arms(takeoff, 1.5, 1.1, 0.2);
  FamilyFrame apex = crouch(0.3, 0.5, 0.3, 0.0, -h);
  arms(apex, 2.6, 1.0, 0.2);
  FamilyFrame land = crouch(0.25, 0.35, 0.1, 0.05, -0.03);
  arms(land, 1.2, 1.1, 0.3);
  FamilyFrame absorb = crouch(0.75, 1.05, -0.3, 0.3, 0.2);
  arms(absorb, 0.6, 1.2, 0.4);
  return {{0.0, standing()}, {0.2, prep},    {0.36, takeoff},   {0.5, apex},
          {0.6, land},       {0.72, absorb}, {0.88, standing()}};
}

std::vector<Key> squat_keys(const MotionParams& p) {
  const double depth = 0.6 + 0.4 * p.variant[0];
  FamilyFrame down = crouch(1.7 * depth, 2.0 * depth, -0.5 * depth, 0.4 * depth, 0.45 * depth);
  arms(down, 1.4, 1.2, 0.2);
  FamilyFrame mid = crouch(0.8 * depth, 0.9 * depth, -0.25 * depth, 0.2, 0.15 * depth);
  arms(mid, 0.8, 1.2, 0.2);
  return {{0.0, standing()}, {0.22, mid}, {0.45, down}, {0.58, down}, {0.8, mid}};
}

std::vector<Key> sit_stand_keys(const MotionParams&) {
  FamilyFrame lower = crouch(1.0, 1.0, -0.2, 0.4, 0.2);
  arms(lower, 0.4, 1.25, 0.5);
  FamilyFrame sit = crouch(1.5, 1.55, -0.15, 0.15, 0.45);
  sit.offset[2] = -0.15;
  arms(sit, 0.7, 1.25, 0.9);
  FamilyFrame sit2 = sit;
  sit2.angles[kSpine1][0] = 0.05;
  sit2.angles[kHead][1] = 0.3;
  FamilyFrame rise = crouch(1.4, 1.3, -0.3, 0.6, 0.35);
  rise.offset[2] = -0.08;
  arms(rise, 0.9, 1.2, 0.3);
  return {{0.0, standing()}, {0.2, lower}, {0.35, sit}, {0.55, sit2}, {0.72, rise}};
}

std::vector<Key> kick_keys(const MotionParams& p) {
  const double high = 1.0 + 0.5 * p.variant[0];
  FamilyFrame chamber = standing();
  set_hip(chamber.angles, 1, high * 0.9);
  set_knee(chamber.angles, 1, 1.8);
  set_knee(chamber.angles, -1, 0.2);
  set_shoulder(chamber.angles, 1, -0.3, 1.0);
  set_shoulder(chamber.angles, -1, 0.6, 1.0);
  FamilyFrame extend = chamber;
  set_hip(extend.angles, 1, high);
  set_knee(extend.angles, 1, 0.15);
  set_ankle(extend.angles, 1, 0.5);
  extend.angles[kSpine1][0] = -0.15;
  set_shoulder(extend.angles, 1, -0.4, 0.8);
  set_shoulder(extend.angles, -1, 0.8, 0.8);
  FamilyFrame retract = chamber;
  set_hip(retract.angles, 1, high * 0.75);
  set_knee(retract.angles, 1, 1.6);
  return {{0.0, standing()}, {0.22, chamber}, {0.36, extend}, {0.5, retract}, {0.72, standing()}};
}

std::vector<Key> reach_keys(const MotionParams& p) {
  const double height = p.variant[0], lateral = p.variant[1] - 0.5;
  const double low = 1.0 - height;
  FamilyFrame out = crouch(0.7 * low, 0.7 * low, -0.2 * low, 0.6 * low, 0.2 * low);
  set_shoulder(out.angles, 1, 0.9 + 1.7 * height, 1.25 - 0.8 * std::abs(lateral), 0.4 * lateral);
  set_elbow(out.angles, 1, 0.1);
  set_shoulder(out.angles, -1, 0.2, 1.1);
  out.angles[kSpine2][1] = -0.35 * lateral;
  out.angles[kSpine2][2] = 0.2 * lateral;
  out.angles[kNeck][0] = 0.2 * low;
  FamilyFrame hold = out;
  set_elbow(hold.angles, 1, 0.25);
  out.angles[kLWrist] = {0.0, 0.0, 0.3};
  return {{0.0, standing()}, {0.4, out}, {0.58, hold}, {0.85, standing()}};
}

std::vector<Key> box_keys(const MotionParams& p) {
  FamilyFrame guard = crouch(0.3, 0.4, -0.1, 0.15, 0.05);
  for (double s : {1.0, -1.0}) {
    set_shoulder(guard.angles, s, 0.9, 1.1, 0.3);
    set_elbow(guard.angles, s, 2.1);
  }
  FamilyFrame jab = guard;
  set_shoulder(jab.angles, 1, 1.45, 0.35 + 0.3 * p.variant[0], 0.35);
  set_elbow(jab.angles, 1, 0.15);
  jab.angles[kSpine2][1] = -0.4;
  FamilyFrame cross = guard;
  set_shoulder(cross.angles, -1, 1.45, 0.35, 0.5);
  set_elbow(cross.angles, -1, 0.15);
  cross.angles[kSpine2][1] = 0.45;
  cross.offset[1] = -0.04;
  return {{0.0, guard}, {0.18, jab}, {0.38, guard}, {0.62, cross}, {0.82, guard}};
}

double period_seconds(MotionFamily f) {
  switch (f) {
    case MotionFamily::kJump:
      return 1.9;
    case MotionFamily::kSquat:
      return 2.4;
    case MotionFamily::kSitStand:
      return 3.2;
    case MotionFamily::kKick:
      return 2.2;
    case MotionFamily::kReach:
      return 2.4;
    case MotionFamily::kBox:
      return 1.8;
    default:
      return 1.0;
  }
}

FamilyFrame family_frame(const MotionParams& p, double t) {
  const double cycle = t * p.speed / period_seconds(p.family) + p.phase / (2 * M_PI);
  switch (p.family) {
    case MotionFamily::kWalk:
      return walk(p, t, false);
    case MotionFamily::kRun:
      return walk(p, t, true);
    case MotionFamily::kTurn:
      return turn(p, t);
    case MotionFamily::kWave:
      return wave(p, t);
    case MotionFamily::kDance:
      return dance(p, t);
    case MotionFamily::kJump:
      return sample_keys(jump_keys(p), cycle);
    case MotionFamily::kSquat:
      return sample_keys(squat_keys(p), cycle);
    case MotionFamily::kSitStand:
      return sample_keys(sit_stand_keys(p), cycle);
    case MotionFamily::kKick:
      return sample_keys(kick_keys(p), cycle);
    case MotionFamily::kReach:
      return sample_keys(reach_keys(p), cycle);
    case MotionFamily::kBox:
      return sample_keys(box_keys(p), cycle);
  }
  return standing();
}

bool keyframed(MotionFamily f) {
  return f == MotionFamily::kJump || f == MotionFamily::kSquat || f == MotionFamily::kSitStand ||
         f == MotionFamily::kKick || f == MotionFamily::kReach || f == MotionFamily::kBox;
}

// How much style noise each joint carries (spine, neck and arms move most).
double noise_weight(int j) {
  switch (j) {
    case kLHip:
    case kRHip:
    case kSpine1:
    case kSpine2:
    case kSpine3:
      return 0.6;
    case kLKnee:
    case kRKnee:
      return 0.5;
    case kNeck:
    case kHead:
      return 1.2;
    case kLShoulder:
    case kRShoulder:
    case kLElbow:
    case kRElbow:
      return 1.3;
    case kLWrist:
    case kRWrist:
      return 1.5;
    default:
      return 0.5;
  }
}

}  // namespace

const std::vector<MotionFamily>& all_motion_families() {
  static const std::vector<MotionFamily> v = {
      MotionFamily::kWalk,  MotionFamily::kRun,      MotionFamily::kJump, MotionFamily::kSquat,
      MotionFamily::kWave,  MotionFamily::kReach,    MotionFamily::kKick, MotionFamily::kTurn,
      MotionFamily::kDance, MotionFamily::kSitStand, MotionFamily::kBox};
  return v;
}

std::string motion_family_name(MotionFamily family) {
  switch (family) {
    case MotionFamily::kWalk:
      return "walk";
    case MotionFamily::kRun:
      return "run";
    case MotionFamily::kJump:
      return "jump";
    case MotionFamily::kSquat:
      return "squat";
    case MotionFamily::kWave:
      return "wave";
    case MotionFamily::kReach:
      return "reach";
    case MotionFamily::kKick:
      return "kick";
    case MotionFamily::kTurn:
      return "turn";
    case MotionFamily::kDance:
      return "dance";
    case MotionFamily::kSitStand:
      return "sit_stand";
    case MotionFamily::kBox:
      return "box";
  }
  return "?";
}

MotionFamily parse_motion_family(const std::string& name) {
  std::string known;
  for (auto f : all_motion_families()) {
    if (motion_family_name(f) == name) return f;
    known += (known.empty() ? "" : ", ") + motion_family_name(f);
  }
  throw Error("unknown motion family").expected(known).found(name);
}

MotionParams sample_motion_params(MotionFamily family, std::mt19937_64& rng, double style_noise) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  auto uni = [&](double a, double b) { return a + (b - a) * u01(rng); };
  MotionParams p;
  p.family = family;
  p.speed = family == MotionFamily::kRun ? uni(0.75, 1.15) : uni(0.75, 1.35);
  p.amplitude = uni(0.7, 1.2);
  p.phase = uni(0, 2 * M_PI);
  p.mirrored = u01(rng) < 0.5;
  p.heading = uni(-M_PI, M_PI);
  p.turn_rate =
      family == MotionFamily::kTurn ? (u01(rng) < 0.5 ? -1 : 1) * uni(1.2, 2.5) : uni(-0.35, 0.35);
  p.lean = uni(-0.06, 0.1);
  const bool travels = family == MotionFamily::kWalk || family == MotionFamily::kRun;
  p.travel = travels ? uni(0.1, family == MotionFamily::kRun ? 0.6 : 1.0) : 0.0;
  p.style_noise = style_noise;
  for (int j = 1; j < kNumBodyJoints; ++j)
    for (int k = 0; k < 3; ++k) p.posture[j][k] = uni(-1, 1) * 0.08 * noise_weight(j);
  p.noise.resize(kNumBodyJoints * 3 * 2);
  for (int j = 0; j < kNumBodyJoints; ++j)
    for (int k = 0; k < 6; ++k) {
      NoiseTerm& n = p.noise[j * 6 + k];
      n.amplitude = style_noise * noise_weight(j) * uni(0.3, 1.0) / (k % 2 ? 2.0 : 1.0);
      n.frequency = uni(0.15, 0.9) * (k % 2 ? 2.0 : 1.0);
      n.phase = uni(0, 2 * M_PI);
    }
  p.variant = {u01(rng), u01(rng), u01(rng)};
  return p;
}

BodyPose evaluate_motion(const MotionParams& p, double t) {
  FamilyFrame f = family_frame(p, t);
  if (keyframed(p.family)) {  // amplitude scales the excursion from the rest posture
    const Angles rest = rest_posture();
    for (int j = 1; j < kNumBodyJoints; ++j)
      f.angles[j] = rest[j] + p.amplitude * (f.angles[j] - rest[j]);
    f.offset[1] *= p.amplitude;
  }
  BodyPose pose;
  for (int j = 1; j < kNumBodyJoints; ++j) {
    const int src = p.mirrored ? kMirror[j] : j;
    cv::Vec3d e = f.angles[src];
    if (p.mirrored) e = {e[0], -e[1], -e[2]};
    pose.euler[j] = e + p.posture[j];
    for (int k = 0; k < 3; ++k)
      for (int m = 0; m < 2; ++m) {
        const NoiseTerm& n = p.noise[(j * 3 + k) * 2 + m];
        pose.euler[j][k] += n.amplitude * std::sin(2 * M_PI * n.frequency * t + n.phase);
      }
  }
  clamp_to_limits(pose);
  const double mirror = p.mirrored ? -1.0 : 1.0;
  const double yaw_offset = mirror * f.yaw;
  const double yaw = p.heading + p.turn_rate * t + yaw_offset;
  pose.root_rotation = rot_y(yaw) * rot_x(p.lean + f.pitch) * rot_z(mirror * f.roll);
  // Travel along the (turning) heading, integrated in closed form.
  const double v = f.forward_speed * p.travel, w = p.turn_rate, h = p.heading;
  cv::Vec3d path(0, 0, 0);
  if (std::abs(w) < 1e-9) {
    path = {v * t * std::sin(h), 0, v * t * std::cos(h)};
  } else {
    path = {v * (std::cos(h) - std::cos(h + w * t)) / w, 0,
            v * (std::sin(h + w * t) - std::sin(h)) / w};
  }
  const cv::Vec3d offset(mirror * f.offset[0], f.offset[1], f.offset[2]);
  pose.root_position = path + rot_y(p.heading + p.turn_rate * t) * offset;
  return pose;
}

std::vector<BodyPose> generate_motion(const MotionParams& params, int frames, double fps) {
  std::vector<BodyPose> out;
  out.reserve(frames);
  for (int i = 0; i < frames; ++i) out.push_back(evaluate_motion(params, i / fps));
  return out;
}

std::string describe_motion(const MotionParams& p) {
  return fmt::format(
      "{} speed={:.3f} amplitude={:.3f} phase={:.3f} mirrored={} heading={:.3f} turn_rate={:.3f} "
      "travel={:.3f}",
      motion_family_name(p.family), p.speed, p.amplitude, p.phase, p.mirrored ? 1 : 0, p.heading,
      p.turn_rate, p.travel);
}

}  // namespace motioncue::synth
