#include "motioncue/flow/oracle.h"

#include <cstdio>
#include <cstring>
#include <limits>

#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npy.h"
#include "motioncue/flow/sampling.h"

namespace motioncue::flow {

std::filesystem::path ground_truth_flow_path(const std::filesystem::path& sequence_dir, int frame,
                                             bool forward) {
  char name[32];
  std::snprintf(name, sizeof name, "%s_%06d.npy", forward ? "fw" : "bw", frame);
  return sequence_dir / "flow" / name;
}

cv::Mat load_ground_truth_flow(const std::filesystem::path& sequence_dir, int frame, bool forward,
                               cv::Size frame_size) {
  const auto file = ground_truth_flow_path(sequence_dir, frame, forward);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw Error(std::string("no ground-truth ") + (forward ? "forward" : "backward") +
                " flow for frame " + std::to_string(frame))
        .file(file.string());
  const NpyArray a = read_npy(file);
  if (a.shape.size() != 3 || a.shape[2] != 2 || a.shape[0] <= 0 || a.shape[1] <= 0)
    throw Error("ground-truth flow has the wrong shape")
        .file(file.string())
        .expected("(H, W, 2)")
        .found(a.shape_string());
  if (!frame_size.empty() && (a.shape[0] != frame_size.height || a.shape[1] != frame_size.width))
    throw Error("ground-truth flow does not match the frame size")
        .file(file.string())
        .expected("(" + std::to_string(frame_size.height) + ", " +
                  std::to_string(frame_size.width) + ", 2) for " +
                  std::to_string(frame_size.width) + "x" + std::to_string(frame_size.height) +
                  " frames")
        .found(a.shape_string());
  const std::vector<float> v = a.to_f32();
  cv::Mat flow(int(a.shape[0]), int(a.shape[1]), CV_32FC2);
  std::memcpy(flow.data, v.data(), v.size() * sizeof(float));
  return flow;
}

cv::Mat crop_flow(const cv::Mat& full_flow, const geometry::PersonBox& box, int resolution) {
  if (full_flow.empty() || full_flow.type() != CV_32FC2)
    throw Error("crop_flow needs a non-empty CV_32FC2 flow");
  const cv::Matx23d a = geometry::crop_affine(box, resolution);
  const double zoom = a(0, 0);  // rotation 0: the crop map is x' = zoom * x + t
  // Pre-image of crop pixel centre (j + 0.5) is (j + 0.5 - t) / zoom in full-frame coordinates,
  // whose array index (centres at integers) is that minus 0.5.
  cv::Mat out(resolution, resolution, CV_32FC2);
  for (int i = 0; i < resolution; ++i) {
    auto* row = out.ptr<cv::Vec2f>(i);
    const double y = (i + 0.5 - a(1, 2)) / zoom - 0.5;
    for (int j = 0; j < resolution; ++j) {
      const cv::Vec2f v = sample_flow(full_flow, (j + 0.5 - a(0, 2)) / zoom - 0.5, y);
      row[j] = cv::Vec2f(float(v[0] * zoom), float(v[1] * zoom));
    }
  }
  return out;
}

}  // namespace motioncue::flow
