#include "motioncue/body/open_body_shape.h"

#include <algorithm>
#include <cmath>

namespace motioncue::body::open_model {

double norm(Vec3 a) { return std::sqrt(dot(a, a)); }

namespace {

Vec3 mirror(Vec3 a) { return {-a.x, a.y, a.z}; }

// Polynomial smooth minimum (a blend of width k).
double smin(double a, double b, double k) {
  const double h = std::clamp(0.5 + 0.5 * (b - a) / k, 0.0, 1.0);
  return b + (a - b) * h - k * h * (1.0 - h);
}
double smax(double a, double b, double k) { return -smin(-a, -b, k); }

// Capsule whose radius goes linearly from ra at a to rb at b.
double tapered_capsule(Vec3 p, Vec3 a, Vec3 b, double ra, double rb) {
  const Vec3 ab = b - a;
  const double len2 = dot(ab, ab);
  const double t = std::clamp(dot(p - a, ab) / len2, 0.0, 1.0);
  const Vec3 c = a + t * ab;
  return norm(p - c) - (ra + t * (rb - ra));
}

// Ellipsoid with semi-axes r (a distance bound that is exact on the surface's gradient scale).
double ellipsoid(Vec3 p, Vec3 c, Vec3 r) {
  const Vec3 q = p - c;
  const double k0 = norm({q.x / r.x, q.y / r.y, q.z / r.z});
  const double k1 = norm({q.x / (r.x * r.x), q.y / (r.y * r.y), q.z / (r.z * r.z)});
  if (k1 < 1e-12) return -std::min({r.x, r.y, r.z});
  return k0 * (k0 - 1.0) / k1;
}

// The torso as a stack of superellipse cross-sections (half width, half depth, centre z) lofted
// along y with smooth interpolation between the rows.
struct TorsoRow {
  double y, half_width, half_depth, center_z;
};
constexpr TorsoRow kTorso[] = {
    {-0.395, 0.120, 0.080, 0.000},                                   // crotch
    {-0.340, 0.165, 0.105, -0.005}, {-0.270, 0.175, 0.112, -0.003},  // hips and buttocks
    {-0.180, 0.160, 0.102, 0.008},  {-0.090, 0.142, 0.094, 0.016},   // waist
    {0.000, 0.146, 0.098, 0.022},   {0.090, 0.158, 0.106, 0.024},    // chest
    {0.170, 0.168, 0.100, 0.010},   {0.225, 0.150, 0.080, -0.008},   // shoulder line
    {0.262, 0.085, 0.058, -0.012},                                   // base of the neck
};
constexpr int kTorsoRows = sizeof(kTorso) / sizeof(kTorso[0]);

TorsoRow torso_row(double y) {
  if (y <= kTorso[0].y) return kTorso[0];
  if (y >= kTorso[kTorsoRows - 1].y) return kTorso[kTorsoRows - 1];
  int i = 0;
  while (kTorso[i + 1].y < y) ++i;
  const TorsoRow &a = kTorso[i], &b = kTorso[i + 1];
  double t = (y - a.y) / (b.y - a.y);
  t = t * t * (3 - 2 * t);
  auto lerp = [t](double u, double v) { return u + t * (v - u); };
  return {y, lerp(a.half_width, b.half_width), lerp(a.half_depth, b.half_depth),
          lerp(a.center_z, b.center_z)};
}

double torso(Vec3 p) {
  const TorsoRow r = torso_row(p.y);
  const double e = 2.6;  // superellipse exponent: a little squarer than an ellipse
  const double u = std::abs(p.x) / r.half_width, v = std::abs(p.z - r.center_z) / r.half_depth;
  const double k = std::pow(std::pow(u, e) + std::pow(v, e), 1.0 / e);
  const double d_section = (k - 1.0) * std::min(r.half_width, r.half_depth);
  const double d_caps = std::max(kTorso[0].y - p.y, p.y - kTorso[kTorsoRows - 1].y);
  return smax(d_section, d_caps, 0.03);
}

// One side's limbs (left side; the right is evaluated on the mirrored point).
double limbs_left(Vec3 p) {
  const auto& J = rest_joints();
  const Vec3 hip = J[1], knee = J[4], ankle = J[7], toe_joint = J[10];
  const Vec3 shoulder = J[16], elbow = J[18], wrist = J[20];
  double d = tapered_capsule(p, hip + Vec3{0.005, 0.03, 0.0}, knee, 0.092, 0.056);
  d = smin(d,
           ellipsoid(p, Vec3{0.082, -0.26, 0.0} + Vec3{0.0, -0.12, -0.005}, {0.075, 0.16, 0.080}),
           0.04);  // upper thigh mass
  d = smin(d, tapered_capsule(p, knee, ankle, 0.052, 0.036), 0.025);
  d = smin(d, ellipsoid(p, knee + Vec3{0.0, -0.14, -0.022}, {0.052, 0.11, 0.056}), 0.03);  // calf
  // Foot: a flattened capsule from heel to toes, its sole cut flat.
  const double sole = ankle.y - 0.074;
  double foot =
      tapered_capsule(p, Vec3{ankle.x, sole + 0.038, ankle.z - 0.045},
                      Vec3{toe_joint.x + 0.004, sole + 0.024, toe_joint.z + 0.050}, 0.042, 0.030);
  foot =
      smin(foot,
           ellipsoid(p, Vec3{ankle.x + 0.008, sole + 0.04, ankle.z + 0.055}, {0.046, 0.035, 0.085}),
           0.02);
  foot = smax(foot, sole - p.y, 0.01);
  d = smin(d, foot, 0.03);
  // Arm: deltoid, upper arm, forearm.
  d = smin(d, ellipsoid(p, shoulder + Vec3{0.010, 0.005, 0.0}, {0.075, 0.062, 0.060}), 0.03);
  d = smin(d, tapered_capsule(p, shoulder, elbow, 0.052, 0.040), 0.02);
  d = smin(d, tapered_capsule(p, elbow, wrist, 0.040, 0.027), 0.015);
  // Mitten hand, palm down, and a thumb pointing forward.
  double hand = ellipsoid(p, wrist + Vec3{0.082, -0.006, 0.002}, {0.092, 0.024, 0.046});
  hand = smin(hand,
              tapered_capsule(p, wrist + Vec3{0.018, -0.008, 0.025},
                              wrist + Vec3{0.075, -0.012, 0.068}, 0.016, 0.011),
              0.012);
  d = smin(d, hand, 0.018);
  return d;
}

double head(Vec3 p) {
  const Vec3 q{std::abs(p.x), p.y, p.z};
  double d = ellipsoid(q, {0.0, 0.430, 0.018}, {0.076, 0.104, 0.094});          // cranium
  d = smin(d, ellipsoid(q, {0.0, 0.378, 0.052}, {0.056, 0.050, 0.058}), 0.03);  // jaw
  d = smin(d, tapered_capsule(q, {0.0, 0.428, 0.104}, {0.0, 0.398, 0.124}, 0.010, 0.014),
           0.012);                                                                // nose
  d = smin(d, ellipsoid(q, {0.073, 0.422, 0.006}, {0.014, 0.030, 0.020}), 0.01);  // ears
  d = smin(d, tapered_capsule(q, {0.0, 0.215, -0.012}, {0.0, 0.372, 0.008}, 0.062, 0.054),
           0.03);  // neck
  return d;
}

}  // namespace

const std::array<Vec3, 24>& rest_joints() {
  static const std::array<Vec3, 24> j = [] {
    std::array<Vec3, 24> r{};
    r[0] = {0.0, -0.225, 0.025};     // pelvis
    r[1] = {0.072, -0.315, 0.020};   // left hip
    r[3] = {0.0, -0.112, 0.000};     // spine1
    r[4] = {0.105, -0.705, 0.012};   // left knee
    r[6] = {0.0, 0.022, 0.004};      // spine2
    r[7] = {0.090, -1.100, -0.028};  // left ankle
    r[9] = {0.0, 0.078, 0.026};      // spine3
    r[10] = {0.114, -1.156, 0.116};  // left foot (ball)
    r[12] = {0.0, 0.292, -0.012};    // neck
    r[13] = {0.046, 0.205, -0.004};  // left collar
    r[15] = {0.0, 0.360, 0.036};     // head
    r[16] = {0.172, 0.220, -0.016};  // left shoulder
    r[18] = {0.425, 0.208, -0.034};  // left elbow
    r[20] = {0.686, 0.214, -0.040};  // left wrist
    r[22] = {0.770, 0.208, -0.048};  // left hand
    for (int left : {1, 4, 7, 10, 13, 16, 18, 20, 22}) r[left + 1] = mirror(r[left]);
    return r;
  }();
  return j;
}

const std::array<BoneSegment, 24>& bone_segments() {
  static const std::array<BoneSegment, 24> s = [] {
    const auto& J = rest_joints();
    std::array<BoneSegment, 24> b{};
    b[0] = {{0.0, -0.30, 0.0}, J[3], 0.15};
    b[3] = {J[3], {0.0, 0.0, 0.01}, 0.14};
    b[6] = {{0.0, 0.0, 0.01}, {0.0, 0.13, 0.02}, 0.14};
    b[9] = {{0.0, 0.13, 0.02}, {0.0, 0.20, -0.01}, 0.15};
    b[12] = {{0.0, 0.25, -0.012}, {0.0, 0.34, 0.0}, 0.08};
    b[15] = {{0.0, 0.40, 0.02}, {0.0, 0.50, 0.02}, 0.10};
    for (int side = 0; side < 2; ++side) {
      auto m = [side](Vec3 v) { return side ? mirror(v) : v; };
      const int o = side;  // right joints follow left ones
      b[1 + o] = {J[1 + o], J[4 + o], 0.085};
      b[4 + o] = {J[4 + o], J[7 + o], 0.050};
      b[7 + o] = {m({0.090, -1.14, -0.07}), J[10 + o], 0.045};
      b[10 + o] = {J[10 + o], m({0.118, -1.15, 0.19}), 0.035};
      b[13 + o] = {J[13 + o], J[16 + o], 0.08};
      b[16 + o] = {J[16 + o], J[18 + o], 0.050};
      b[18 + o] = {J[18 + o], J[20 + o], 0.036};
      b[20 + o] = {J[20 + o], J[22 + o], 0.035};
      b[22 + o] = {J[22 + o], m({0.87, 0.205, -0.04}), 0.035};
    }
    return b;
  }();
  return s;
}

double distance_to_segment(Vec3 p, Vec3 a, Vec3 b) {
  const Vec3 ab = b - a;
  const double t = std::clamp(dot(p - a, ab) / std::max(dot(ab, ab), 1e-12), 0.0, 1.0);
  return norm(p - (a + t * ab));
}

double body_sdf(Vec3 p) {
  double d = torso(p);
  d = smin(d, limbs_left(p), 0.035);
  d = smin(d, limbs_left(mirror(p)), 0.035);
  d = smin(d, head(p), 0.025);
  return d;
}

Vec3 body_sdf_gradient(Vec3 p) {
  const double e = 1e-4;
  return {(body_sdf(p + Vec3{e, 0, 0}) - body_sdf(p - Vec3{e, 0, 0})) / (2 * e),
          (body_sdf(p + Vec3{0, e, 0}) - body_sdf(p - Vec3{0, e, 0})) / (2 * e),
          (body_sdf(p + Vec3{0, 0, e}) - body_sdf(p - Vec3{0, 0, e})) / (2 * e)};
}

Box body_bounds() { return {{-0.93, -1.21, -0.21}, {0.93, 0.58, 0.25}}; }

}  // namespace motioncue::body::open_model
