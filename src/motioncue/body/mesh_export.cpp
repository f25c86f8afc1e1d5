#include "motioncue/body/mesh_export.h"

#include <torch/torch.h>

#include <cstdio>
#include <string>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"

namespace motioncue::body {

void write_obj(const std::filesystem::path& file, const at::Tensor& vertices,
               const at::Tensor& faces) {
  if (vertices.dim() != 2 || vertices.size(1) != 3 || faces.dim() != 2 || faces.size(1) != 3) {
    throw Error("OBJ export needs V x 3 vertices and F x 3 faces")
        .file(file.string())
        .found(c10::str(vertices.sizes()) + " and " + c10::str(faces.sizes()));
  }
  auto v = vertices.detach().to(torch::kCPU, torch::kDouble).contiguous();
  auto f = faces.to(torch::kCPU, torch::kLong).contiguous();
  auto va = v.accessor<double, 2>();
  auto fa = f.accessor<int64_t, 2>();
  std::string text = "# motioncue body mesh\n";
  text.reserve(static_cast<std::size_t>(v.size(0) * 40 + f.size(0) * 24));
  char line[128];
  for (int64_t i = 0; i < v.size(0); ++i) {
    std::snprintf(line, sizeof(line), "v %.6f %.6f %.6f\n", va[i][0], va[i][1], va[i][2]);
    text += line;
  }
  for (int64_t i = 0; i < f.size(0); ++i) {
    std::snprintf(line, sizeof(line), "f %lld %lld %lld\n", static_cast<long long>(fa[i][0] + 1),
                  static_cast<long long>(fa[i][1] + 1), static_cast<long long>(fa[i][2] + 1));
    text += line;
  }
  write_file_atomic(file, text);
}

}  // namespace motioncue::body
