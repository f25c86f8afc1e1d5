#include "motioncue/flow/oracle_eval.h"

#include <tbb/parallel_for.h>

#include <mutex>

#include "motioncue/core/error.h"
#include "motioncue/flow/oracle.h"
#include "motioncue/flow/pair_flow.h"
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

OracleEvaluation evaluate_against_oracle(const std::vector<SequenceFrames>& sequences,
                                         const FlowEstimator& estimator, int resolution, int gap,
                                         const FlowCache* cache) {
  struct Job {
    const SequenceFrames* seq;
    int t;
  };
  std::vector<Job> jobs;
  for (const auto& seq : sequences)
    for (std::int64_t t = 0; t < pair_count(seq.frames.size(), gap); ++t)
      jobs.push_back({&seq, int(t)});

  OracleEvaluation total;
  double epe_sum = 0, outlier_sum = 0;
  std::mutex mutex;
  tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t j) {
    const auto& [seq, t] = jobs[j];
    std::error_code ec;
    for (int k = 0; k < gap; ++k)
      if (!std::filesystem::is_regular_file(ground_truth_flow_path(seq->dir, t + k, true), ec)) {
        std::lock_guard<std::mutex> lock(mutex);
        ++total.no_truth;
        return;
      }
    const auto& box = seq->boxes[std::size_t(t)];
    const auto& f1 = seq->frames[std::size_t(t)];
    const auto& f2 = seq->frames[std::size_t(t + gap)];
    const cv::Mat a = read_frame(f1);
    const cv::Mat b = read_frame(f2, a.size());
    check_box_in_frame(*seq, std::size_t(t), a.size());
    const cv::Mat truth =
        crop_flow(ground_truth_flow_over_gap(seq->dir, t, gap, a.size()), box, resolution);
    // Forward only: the same entry compute_pair_flow and `motioncue flow --data` use.
    const auto compute = [&] {
      return estimator.compute(geometry::crop_image(a, box, resolution),
                               geometry::crop_image(b, box, resolution));
    };
    const cv::Mat forward =
        cache ? cache->get_or_compute({f1.string(), f2.string(), crop_key(box, resolution),
                                       estimator.config_key(), true},
                                      compute)
              : compute();
    const FlowError e = flow_error(forward, truth);
    std::lock_guard<std::mutex> lock(mutex);
    ++total.pairs;
    total.error.count += e.count;
    epe_sum += e.epe * double(e.count);
    outlier_sum += e.outlier_rate * double(e.count);
  });
  if (total.error.count > 0) {
    total.error.epe = epe_sum / double(total.error.count);
    total.error.outlier_rate = outlier_sum / double(total.error.count);
  }
  return total;
}

}  // namespace motioncue::flow
