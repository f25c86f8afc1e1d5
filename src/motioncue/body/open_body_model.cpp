#include "motioncue/body/open_model.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "motioncue/body/body_model.h"
#include "motioncue/body/joint_sets.h"
#include "motioncue/body/keypoint_fallback.h"
#include "motioncue/body/mesh_checks.h"
#include "motioncue/body/open_body_shape.h"
#include "motioncue/body/surface_nets.h"
#include "motioncue/core/error.h"
#include "motioncue/core/npz.h"

namespace motioncue::body {
namespace {

using open_model::Vec3;
using Mesh = open_model::TriangleMesh;
constexpr int kBetas = 10;

std::vector<double> flat(const std::vector<Vec3>& v) {
  std::vector<double> out;
  out.reserve(v.size() * 3);
  for (const auto& p : v) out.insert(out.end(), {p.x, p.y, p.z});
  return out;
}

// Surface nets on the body's implicit function; the grid is shifted by a fraction of a cell
// until the mesh is a single closed oriented manifold (an unlucky grid can pinch thin parts).
Mesh mesh_body() {
  const double spacing = 0.0183;
  for (int attempt = 0; attempt < 8; ++attempt) {
    open_model::Box box = open_model::body_bounds();
    const double shift = 0.37 * spacing * attempt;
    box.lo = box.lo + Vec3{shift * 0.5, shift, shift * 0.25};
    Mesh m = open_model::surface_nets(open_model::body_sdf, box, spacing);
    if (check_mesh(flat(m.vertices), m.faces).ok()) return m;
  }
  throw Error("could not mesh the open body model as a closed manifold");
}

std::vector<std::vector<std::int64_t>> neighbours(const Mesh& m) {
  std::vector<std::vector<std::int64_t>> n(m.vertices.size());
  for (const auto& f : m.faces) {
    for (int e = 0; e < 3; ++e) {
      n[f[e]].push_back(f[(e + 1) % 3]);
      n[f[e]].push_back(f[(e + 2) % 3]);
    }
  }
  for (auto& list : n) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  return n;
}

Vec3 project_to_surface(Vec3 p) {
  for (int it = 0; it < 4; ++it) {
    const double f = open_model::body_sdf(p);
    const Vec3 g = open_model::body_sdf_gradient(p);
    const double g2 = std::max(dot(g, g), 1e-8);
    p = p - (f / g2) * g;
  }
  return p;
}

std::vector<Vec3> vertex_normals(const Mesh& m) {
  std::vector<Vec3> n(m.vertices.size());
  for (const auto& f : m.faces) {
    const Vec3 a = m.vertices[f[0]], b = m.vertices[f[1]], c = m.vertices[f[2]];
    const Vec3 fn = open_model::cross(b - a, c - a);  // length = 2 x area
    for (int e = 0; e < 3; ++e) n[f[e]] = n[f[e]] + fn;
  }
  for (auto& v : n) v = (1.0 / std::max(open_model::norm(v), 1e-12)) * v;
  return n;
}

// Places vertices on the implicit surface and evens out their spacing: tangential Laplacian
// steps, each followed by a projection back onto the surface.
void relax(Mesh& m, const std::vector<std::vector<std::int64_t>>& nbr) {
  for (auto& v : m.vertices) v = project_to_surface(v);
  for (int it = 0; it < 3; ++it) {
    const auto normals = vertex_normals(m);
    std::vector<Vec3> next(m.vertices.size());
    for (std::size_t i = 0; i < m.vertices.size(); ++i) {
      Vec3 mean{};
      for (auto j : nbr[i]) mean = mean + m.vertices[j];
      mean = (1.0 / nbr[i].size()) * mean;
      Vec3 step = mean - m.vertices[i];
      step = step - dot(step, normals[i]) * normals[i];
      next[i] = project_to_surface(m.vertices[i] + 0.5 * step);
    }
    m.vertices = next;
  }
}

// Weights: each vertex starts bound to the bone it is nearest to (distance over the bone's
// nominal thickness), then the weights diffuse over the surface so that joints bend smoothly;
// finally the 4 largest are kept and renormalised.
std::vector<std::array<double, 24>> skinning_weights(
    const Mesh& m, const std::vector<std::vector<std::int64_t>>& nbr, std::vector<int>& owner) {
  const auto& bones = open_model::bone_segments();
  const std::size_t nv = m.vertices.size();
  std::vector<std::array<double, 24>> w(nv);
  owner.assign(nv, 0);
  for (std::size_t i = 0; i < nv; ++i) {
    double best = 1e30;
    for (int j = 0; j < 24; ++j) {
      const double d =
          open_model::distance_to_segment(m.vertices[i], bones[j].a, bones[j].b) / bones[j].radius;
      if (d < best) best = d, owner[i] = j;
    }
    w[i].fill(0.0);
    w[i][owner[i]] = 1.0;
  }
  for (int it = 0; it < 30; ++it) {
    auto next = w;
    for (std::size_t i = 0; i < nv; ++i) {
      std::array<double, 24> mean{};
      for (auto k : nbr[i]) {
        for (int j = 0; j < 24; ++j) mean[j] += w[k][j];
      }
      for (int j = 0; j < 24; ++j) next[i][j] = 0.5 * w[i][j] + 0.5 * mean[j] / nbr[i].size();
    }
    w.swap(next);
  }
  for (auto& row : w) {
    std::array<int, 24> order;
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return row[a] > row[b]; });
    double sum = 0.0;
    for (int k = 0; k < 4; ++k) sum += row[order[k]];
    std::array<double, 24> kept{};
    for (int k = 0; k < 4; ++k) kept[order[k]] = row[order[k]] / sum;
    row = kept;
  }
  return w;
}

double smoothstep(double e0, double e1, double x) {
  const double t = std::clamp((x - e0) / (e1 - e0), 0.0, 1.0);
  return t * t * (3 - 2 * t);
}
double bump(double x, double centre, double width) {
  const double u = (x - centre) / width;
  return std::exp(-u * u);
}

// Ten shape directions (V x 3 each), scaled so that one unit is about one standard deviation of
// adult variation. Each is a smooth displacement field of the template, so any combination
// stays a watertight body.
std::vector<std::array<Vec3, kBetas>> shape_directions(
    const Mesh& m, const std::vector<std::array<double, 24>>& w) {
  const auto normals = vertex_normals(m);
  const auto& bones = open_model::bone_segments();
  const auto& J = open_model::rest_joints();
  std::vector<std::array<Vec3, kBetas>> s(m.vertices.size());
  auto sum_w = [](const std::array<double, 24>& row, std::initializer_list<int> joints) {
    double t = 0;
    for (int j : joints) t += row[j];
    return t;
  };
  const double sole = J[7].y - 0.074;
  for (std::size_t i = 0; i < m.vertices.size(); ++i) {
    const Vec3 p = m.vertices[i], n = normals[i];
    const auto& row = w[i];
    const double leg = sum_w(row, {1, 2, 4, 5, 7, 8, 10, 11});
    const double arm = sum_w(row, {16, 17, 18, 19, 20, 21, 22, 23});
    const double collar = sum_w(row, {13, 14});
    const double torso = sum_w(row, {0, 3, 6, 9, 13, 14});
    const double head = sum_w(row, {15}) + 0.5 * sum_w(row, {12});
    const double extremity = sum_w(row, {7, 8, 10, 11, 20, 21, 22, 23, 15});
    double radius = 0.0;  // distance to the bones, weighted: the local "thickness" of the body
    for (int j = 0; j < 24; ++j) {
      if (row[j] > 0) radius += row[j] * open_model::distance_to_segment(p, bones[j].a, bones[j].b);
    }
    const double side = std::tanh(p.x / 0.03);
    auto& d = s[i];
    // 0 stature: uniform scale about the origin (chest height), 4.5 % per unit.
    d[0] = 0.045 * p;
    // 1 weight: thickness grows with local radius, most on the trunk and thighs.
    const double fat = 0.10 * torso + 0.09 * leg + 0.07 * arm + 0.03 * head - 0.06 * extremity;
    d[1] = (std::max(fat, 0.0) * radius) * n;
    const double front = smoothstep(-0.3, 0.9, n.z);  // smooth, no crease at the sides
    d[1] = d[1] + (0.012 * bump(p.y, -0.06, 0.14) * front * torso) * Vec3{0, 0, 1};
    // 2 leg length: the legs stretch downwards below the hips.
    const double along_leg = std::clamp((J[1].y - p.y) / (J[1].y - sole), 0.0, 1.0);
    d[2] = Vec3{0, -0.040 * along_leg * smoothstep(-0.36, -0.5, p.y), 0};
    // 3 torso length: everything above the waist rises.
    d[3] = Vec3{0, 0.030 * smoothstep(-0.30, 0.20, p.y) * (1.0 - leg), 0};
    // 4 shoulder width: the arms move out, the upper chest widens with them.
    const double upper = smoothstep(0.0, 0.2, p.y) * (1.0 - arm - collar);
    d[4] = Vec3{0.020 * (side * (arm + 0.6 * collar) + (p.x / 0.17) * upper * torso), 0, 0};
    // 5 hip width: the legs move out, the pelvis widens with them.
    d[5] = Vec3{0.016 * (side * leg + (p.x / 0.17) * bump(p.y, -0.28, 0.12) * torso * (1.0 - leg)),
                0, 0};
    // 6 arm length: the arms stretch outwards from the shoulders.
    const double along_arm = std::clamp((std::abs(p.x) - J[16].x) / 0.6, 0.0, 1.0);
    d[6] = Vec3{0.030 * side * along_arm * arm, 0, 0};
    // 7 chest and upper-arm muscle.
    d[7] =
        (0.016 * bump(p.y, 0.10, 0.10) * torso * front + 0.08 * radius * sum_w(row, {16, 17})) * n;
    // 8 belly, independent of overall weight.
    d[8] = (0.022 * bump(p.y, -0.06, 0.15) * torso * front) * Vec3{0, -0.25, 1};
    // 9 head size (with the neck following half-way).
    d[9] = (0.06 * head) * (p - J[15]);
  }
  return s;
}

// Affine weights over the vertices near a joint that reproduce its rest position exactly
// (sum w = 1, sum w v = J), as close to uniform as possible and never negative.
std::vector<std::pair<std::int64_t, double>> joint_regressor_row(const Mesh& m, Vec3 joint) {
  double nearest = 1e30;
  for (const auto& v : m.vertices) nearest = std::min(nearest, open_model::norm(v - joint));
  for (double scale : {1.6, 2.0, 2.6, 3.4}) {
    const double radius = scale * nearest + 0.01;
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < m.vertices.size(); ++i) {
      if (open_model::norm(m.vertices[i] - joint) < radius)
        ids.push_back(static_cast<std::int64_t>(i));
    }
    // Active set: solve the min-norm correction, drop negative weights, repeat.
    for (int round = 0; round < 30 && ids.size() >= 4; ++round) {
      const std::size_t n = ids.size();
      std::vector<double> w(n, 1.0 / n);
      double A[4][4] = {}, r[4] = {joint.x, joint.y, joint.z, 1.0};
      for (std::size_t k = 0; k < n; ++k) {
        const Vec3 v = m.vertices[ids[k]];
        const double a[4] = {v.x, v.y, v.z, 1.0};
        for (int p = 0; p < 4; ++p) {
          r[p] -= a[p] * w[k];
          for (int q = 0; q < 4; ++q) A[p][q] += a[p] * a[q];
        }
      }
      // Solve A lambda = r (4x4, Gaussian elimination with partial pivoting).
      double lam[4];
      {
        double M[4][5];
        for (int p = 0; p < 4; ++p) {
          for (int q = 0; q < 4; ++q) M[p][q] = A[p][q];
          M[p][4] = r[p];
        }
        for (int c = 0; c < 4; ++c) {
          int piv = c;
          for (int p = c + 1; p < 4; ++p) {
            if (std::abs(M[p][c]) > std::abs(M[piv][c])) piv = p;
          }
          for (int q = 0; q < 5; ++q) std::swap(M[c][q], M[piv][q]);
          for (int p = 0; p < 4; ++p) {
            if (p == c) continue;
            const double f = M[p][c] / M[c][c];
            for (int q = c; q < 5; ++q) M[p][q] -= f * M[c][q];
          }
        }
        for (int p = 0; p < 4; ++p) lam[p] = M[p][4] / M[p][p];
      }
      bool negative = false;
      std::vector<std::int64_t> kept;
      std::vector<std::pair<std::int64_t, double>> row;
      for (std::size_t k = 0; k < n; ++k) {
        const Vec3 v = m.vertices[ids[k]];
        w[k] += lam[0] * v.x + lam[1] * v.y + lam[2] * v.z + lam[3];
        if (w[k] < 0) {
          negative = true;
        } else {
          kept.push_back(ids[k]);
          row.push_back({ids[k], w[k]});
        }
      }
      if (!negative) return row;
      ids.swap(kept);
    }
  }
  throw Error("could not build a non-negative joint regressor for the open body model");
}

std::int64_t nearest_vertex(const Mesh& m, Vec3 target) {
  std::int64_t best = 0;
  double d = 1e30;
  for (std::size_t i = 0; i < m.vertices.size(); ++i) {
    const double e = open_model::norm(m.vertices[i] - target);
    if (e < d) d = e, best = static_cast<std::int64_t>(i);
  }
  return best;
}

// The vertex that goes furthest along `direction` among those within `radius` of `near`.
std::int64_t extreme_vertex(const Mesh& m, Vec3 near, double radius, Vec3 direction) {
  std::int64_t best = -1;
  double score = -1e30;
  for (std::size_t i = 0; i < m.vertices.size(); ++i) {
    if (open_model::norm(m.vertices[i] - near) > radius) continue;
    const double s = dot(m.vertices[i], direction);
    if (s > score) score = s, best = static_cast<std::int64_t>(i);
  }
  if (best < 0) throw Error("open body model: no vertex near a landmark");
  return best;
}

const std::vector<std::string>& part_names() {
  static const std::vector<std::string> n = {
      "head",          "torso",      "left_upper_arm", "right_upper_arm", "left_forearm",
      "right_forearm", "left_hand",  "right_hand",     "left_thigh",      "right_thigh",
      "left_shin",     "right_shin", "left_foot",      "right_foot"};
  return n;
}

int part_of_joint(int j) {
  switch (j) {
    case kHead:
    case kNeck:
      return 0;
    case kPelvis:
    case kSpine1:
    case kSpine2:
    case kSpine3:
    case kLeftCollar:
    case kRightCollar:
      return 1;
    case kLeftShoulder:
      return 2;
    case kRightShoulder:
      return 3;
    case kLeftElbow:
      return 4;
    case kRightElbow:
      return 5;
    case kLeftWrist:
    case kLeftHand:
      return 6;
    case kRightWrist:
    case kRightHand:
      return 7;
    case kLeftHip:
      return 8;
    case kRightHip:
      return 9;
    case kLeftKnee:
      return 10;
    case kRightKnee:
      return 11;
    case kLeftAnkle:
    case kLeftFoot:
      return 12;
    default:
      return 13;  // right ankle, right foot
  }
}

}  // namespace

Npz generate_open_body_model() {
  Mesh mesh = mesh_body();
  const auto nbr = neighbours(mesh);
  relax(mesh, nbr);
  const auto nv = static_cast<std::int64_t>(mesh.vertices.size());
  const auto& J = open_model::rest_joints();

  std::vector<int> owner;
  const auto weights = skinning_weights(mesh, nbr, owner);
  const auto shapes = shape_directions(mesh, weights);

  std::vector<double> jreg(24 * static_cast<std::size_t>(nv), 0.0);
  for (int j = 0; j < 24; ++j) {
    for (const auto& [id, value] : joint_regressor_row(mesh, J[j])) jreg[j * nv + id] = value;
  }

  // Landmarks on the surface.
  std::map<std::string, std::int64_t> landmarks;
  landmarks["head_top"] = extreme_vertex(mesh, {0, 0.53, 0.02}, 0.05, {0, 1, 0});
  landmarks["nose"] = extreme_vertex(mesh, {0, 0.40, 0.13}, 0.03, {0, -0.3, 1});
  landmarks["chin"] = extreme_vertex(mesh, {0, 0.335, 0.08}, 0.04, {0, -0.7, 0.7});
  for (int side = 0; side < 2; ++side) {
    const double sx = side == 0 ? 1.0 : -1.0;
    const std::string s = side == 0 ? "left_" : "right_";
    landmarks[s + "eye"] = nearest_vertex(mesh, {sx * 0.032, 0.445, 0.115});
    landmarks[s + "ear"] = extreme_vertex(mesh, {sx * 0.085, 0.422, 0.006}, 0.03, {sx, 0, 0});
    landmarks[s + "big_toe"] = extreme_vertex(mesh, {sx * 0.11, -1.16, 0.18}, 0.05, {0, 0, 1});
    landmarks[s + "heel"] = extreme_vertex(mesh, {sx * 0.09, -1.15, -0.08}, 0.05, {0, -0.3, -1});
    landmarks[s + "hand_tip"] = extreme_vertex(mesh, {sx * 0.86, 0.205, -0.04}, 0.06, {sx, 0, 0});
  }

  // Part labels from the bone each vertex is bound to before smoothing.
  std::vector<std::int64_t> parts(nv);
  for (std::int64_t i = 0; i < nv; ++i) parts[i] = part_of_joint(owner[i]);

  Npz npz;
  npz.set("v_template", NpyArray::from_f64({nv, 3}, flat(mesh.vertices)));
  std::vector<double> sd;
  sd.reserve(nv * 3 * kBetas);
  for (const auto& row : shapes) {
    for (int c = 0; c < 3; ++c) {
      for (int b = 0; b < kBetas; ++b)
        sd.push_back(c == 0 ? row[b].x : c == 1 ? row[b].y : row[b].z);
    }
  }
  npz.set("shapedirs", NpyArray::from_f64({nv, 3, kBetas}, sd));
  npz.set("J_regressor", NpyArray::from_f64({24, nv}, jreg));
  std::vector<double> wflat;
  wflat.reserve(nv * 24);
  for (const auto& row : weights) wflat.insert(wflat.end(), row.begin(), row.end());
  npz.set("weights", NpyArray::from_f64({nv, 24}, wflat));
  std::vector<std::int64_t> kintree;
  for (int p : kinematic_parents()) kintree.push_back(p);
  for (int j = 0; j < 24; ++j) kintree.push_back(j);
  npz.set("kintree_table", NpyArray::from_i64({2, 24}, kintree));
  std::vector<std::int32_t> faces;
  for (const auto& f : mesh.faces) {
    for (auto i : f) faces.push_back(static_cast<std::int32_t>(i));
  }
  npz.set("f", NpyArray::from_i32({static_cast<std::int64_t>(mesh.faces.size()), 3}, faces));

  auto jreg_tensor = torch::tensor(jreg, torch::kDouble).reshape({24, nv});
  auto kreg = fallback_keypoint_regressor(jreg_tensor, landmarks, nv).contiguous();
  npz.set(
      "J_regressor_keypoints",
      NpyArray::from_f64({24, nv}, std::vector<double>(kreg.data_ptr<double>(),
                                                       kreg.data_ptr<double>() + kreg.numel())));
  std::vector<std::string> names;
  std::vector<std::int64_t> ids;
  for (const auto& [name, id] : landmarks) names.push_back(name), ids.push_back(id);
  npz.set("landmark_names",
          NpyArray::from_strings({static_cast<std::int64_t>(names.size())}, names));
  npz.set("landmark_vertices", NpyArray::from_i64({static_cast<std::int64_t>(ids.size())}, ids));
  npz.set("part_labels", NpyArray::from_i64({nv}, parts));
  npz.set("part_names",
          NpyArray::from_strings({static_cast<std::int64_t>(part_names().size())}, part_names()));
  npz.set("open_body_generator", NpyArray::from_i64({1}, {kOpenBodyRevision}));
  return npz;
}

void build_open_body_model(const std::filesystem::path& out) {
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  write_npz(out, generate_open_body_model());
}

}  // namespace motioncue::body
