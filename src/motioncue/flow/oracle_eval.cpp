#include "motioncue/flow/oracle_eval.h"

#include "motioncue/core/error.h"
#include "motioncue/flow/oracle.h"
#include "motioncue/flow/sampling.h"

namespace motioncue::flow {

cv::Mat compose_flow(const cv::Mat& first, const cv::Mat& second) {
  if (first.type() != CV_32FC2 || second.type() != CV_32FC2 || first.size() != second.size())
    throw Error("compose_flow needs two CV_32FC2 flows of the same size");
  cv::Mat out(first.size(), CV_32FC2);
  for (int y = 0; y < first.rows; ++y) {
    const auto* f = first.ptr<cv::Vec2f>(y);
    auto* o = out.ptr<cv::Vec2f>(y);
    for (int x = 0; x < first.cols; ++x)
      o[x] = f[x] + sample_flow(second, double(x) + f[x][0], double(y) + f[x][1]);
  }
  return out;
}

cv::Mat ground_truth_flow_over_gap(const std::filesystem::path& sequence_dir, int frame, int gap,
                                   cv::Size frame_size) {
  if (gap < 1) throw Error("the frame gap must be at least 1").found(std::to_string(gap));
  cv::Mat flow = load_ground_truth_flow(sequence_dir, frame, true, frame_size);
  // Without a frame size, every file must match the first one (else compose_flow cannot chain).
  const cv::Size size = frame_size.empty() ? flow.size() : frame_size;
  for (int k = 1; k < gap; ++k)
    flow = compose_flow(flow, load_ground_truth_flow(sequence_dir, frame + k, true, size));
  return flow;
}

}  // namespace motioncue::flow
