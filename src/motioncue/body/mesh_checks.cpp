#include "motioncue/body/mesh_checks.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <sstream>

namespace motioncue::body {
namespace {

std::int64_t find(std::vector<std::int64_t>& parent, std::int64_t a) {
  while (parent[a] != a) a = parent[a] = parent[parent[a]];
  return a;
}

}  // namespace

std::string MeshCheck::summary() const {
  std::ostringstream s;
  s << vertices << " vertices, " << faces << " faces, " << components << " component(s); "
    << (watertight() ? "watertight" : "NOT watertight") << ", "
    << (manifold() ? "manifold" : "NOT manifold") << ", "
    << (oriented() ? "oriented outward" : "NOT consistently oriented outward");
  if (!ok()) {
    s << " (boundary edges " << boundary_edges << ", non-manifold edges " << nonmanifold_edges
      << ", misoriented edges " << misoriented_edges << ", non-manifold vertices "
      << nonmanifold_vertices << ", degenerate faces " << degenerate_faces << ", volume "
      << signed_volume << ")";
  }
  return s.str();
}

MeshCheck check_mesh(const std::vector<double>& v,
                     const std::vector<std::array<std::int64_t, 3>>& faces) {
  MeshCheck r;
  const auto nv = static_cast<std::int64_t>(v.size() / 3);
  r.vertices = nv;
  r.faces = static_cast<std::int64_t>(faces.size());

  // Directed edge counts: an oriented closed manifold uses every directed edge exactly once and
  // its reverse exactly once.
  std::map<std::pair<std::int64_t, std::int64_t>, int> directed;
  std::vector<std::int64_t> parent(nv);
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<char> used(nv, 0);
  for (const auto& f : faces) {
    if (f[0] == f[1] || f[1] == f[2] || f[0] == f[2]) ++r.degenerate_faces;
    for (int e = 0; e < 3; ++e) {
      const std::int64_t a = f[e], b = f[(e + 1) % 3];
      ++directed[{a, b}];
      used[a] = 1;
      parent[find(parent, a)] = find(parent, b);
    }
    const double* p0 = &v[3 * f[0]];
    const double* p1 = &v[3 * f[1]];
    const double* p2 = &v[3 * f[2]];
    r.signed_volume +=
        (p0[0] * (p1[1] * p2[2] - p1[2] * p2[1]) - p0[1] * (p1[0] * p2[2] - p1[2] * p2[0]) +
         p0[2] * (p1[0] * p2[1] - p1[1] * p2[0])) /
        6.0;
  }
  for (const auto& [edge, count] : directed) {
    const auto [a, b] = edge;
    auto rev = directed.find({b, a});
    const int back = rev == directed.end() ? 0 : rev->second;
    if (a < b || back == 0) {
      const int total = count + back;
      if (total == 1) ++r.boundary_edges;
      if (total > 2) ++r.nonmanifold_edges;
      if (count > 1 || back > 1) ++r.misoriented_edges;
    }
  }
  // Vertex fans: around a manifold vertex, the faces' opposite edges (b -> c) chain into one cycle.
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> fan(nv);
  for (const auto& f : faces) {
    for (int e = 0; e < 3; ++e) fan[f[e]].push_back({f[(e + 1) % 3], f[(e + 2) % 3]});
  }
  for (std::int64_t i = 0; i < nv; ++i) {
    if (!used[i]) {
      ++r.unused_vertices;
      continue;
    }
    const auto& links = fan[i];
    std::map<std::int64_t, std::int64_t> next;
    for (const auto& [b, c] : links) next[b] = c;
    std::int64_t steps = 0, at = links[0].first;
    do {
      auto it = next.find(at);
      if (it == next.end()) break;
      at = it->second;
      ++steps;
    } while (at != links[0].first && steps <= static_cast<std::int64_t>(links.size()));
    if (steps != static_cast<std::int64_t>(links.size())) ++r.nonmanifold_vertices;
  }
  for (std::int64_t i = 0; i < nv; ++i) {
    if (used[i] && find(parent, i) == i) ++r.components;
  }
  return r;
}

}  // namespace motioncue::body

namespace motioncue::body {

double winding_number(const std::vector<double>& v,
                      const std::vector<std::array<std::int64_t, 3>>& faces, const double p[3]) {
  double total = 0.0;
  for (const auto& f : faces) {
    double a[3], b[3], c[3];
    for (int k = 0; k < 3; ++k) {
      a[k] = v[3 * f[0] + k] - p[k];
      b[k] = v[3 * f[1] + k] - p[k];
      c[k] = v[3 * f[2] + k] - p[k];
    }
    auto len = [](const double* x) { return std::sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]); };
    auto dotp = [](const double* x, const double* y) {
      return x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
    };
    const double la = len(a), lb = len(b), lc = len(c);
    const double det = a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) +
                       a[2] * (b[0] * c[1] - b[1] * c[0]);
    const double den = la * lb * lc + dotp(a, b) * lc + dotp(b, c) * la + dotp(c, a) * lb;
    total += 2.0 * std::atan2(det, den);  // solid angle (Van Oosterom and Strackee)
  }
  return total / (4.0 * M_PI);
}

}  // namespace motioncue::body
