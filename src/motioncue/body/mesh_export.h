// Wavefront OBJ export of body meshes (what Blender, MeshLab and three.js read).
#pragma once

#include <ATen/core/Tensor.h>

#include <filesystem>

namespace motioncue::body {

// vertices: V x 3, faces: F x 3 (0-based; written 1-based). Written atomically.
void write_obj(const std::filesystem::path& file, const at::Tensor& vertices,
               const at::Tensor& faces);

}  // namespace motioncue::body
