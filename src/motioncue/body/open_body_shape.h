// The geometry of the built-in open body model: a rest skeleton on SMPL's 24-joint tree (T-pose,
// y up, metres, facing +z, the body's left at +x) and a smooth implicit surface around it, a
// smooth union of tapered capsules, ellipsoids and a lofted torso. Negative inside.
#pragma once

#include <array>
#include <vector>

namespace motioncue::body::open_model {

struct Vec3 {
  double x = 0, y = 0, z = 0;
};
inline Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
inline Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
inline Vec3 operator*(double s, Vec3 a) { return {s * a.x, s * a.y, s * a.z}; }
inline double dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline Vec3 cross(Vec3 a, Vec3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
double norm(Vec3 a);

// Rest positions of the 24 kinematic joints.
const std::array<Vec3, 24>& rest_joints();

// A bone segment per joint: the part of the body that the joint's transform moves (for the
// left hip, hip -> knee; for leaves, joint -> tip), with a nominal thickness used to compare
// distances between thin and thick parts.
struct BoneSegment {
  Vec3 a, b;
  double radius;
};
const std::array<BoneSegment, 24>& bone_segments();
double distance_to_segment(Vec3 p, Vec3 a, Vec3 b);

// The implicit surface (approximately a signed distance in metres near the surface).
double body_sdf(Vec3 p);
Vec3 body_sdf_gradient(Vec3 p);

// Axis-aligned box that contains the body with a margin.
struct Box {
  Vec3 lo, hi;
};
Box body_bounds();

}  // namespace motioncue::body::open_model
