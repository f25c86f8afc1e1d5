// Orthographic views of body meshes for looking at them (docs pictures, `motioncue body render`):
// geometry's renderer with one-sided lighting, optional per-vertex colours, several views side
// by side.
#pragma once

#include <opencv2/core.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace motioncue::geometry {

struct PreviewMesh {
  std::vector<double> vertices;  // V*3, y up
  std::vector<std::array<std::int64_t, 3>> faces;
  std::vector<cv::Vec3b> colors;  // optional, one per vertex (BGR)
};

// Views about the y axis: 0 degrees looks at the front (from +z), 90 at the body's left side.
// Each view is `size` pixels square on white; the meshes share one scale so they can be compared.
cv::Mat render_preview(const std::vector<PreviewMesh>& meshes, const std::vector<double>& yaw_deg,
                       int size);

// A distinct colour per part label.
cv::Vec3b part_color(std::int64_t label);

}  // namespace motioncue::geometry
