#include "motioncue/flow/pair_flow.h"

#include <cmath>
#include <cstdio>

#include "motioncue/core/error.h"

namespace motioncue::flow {

std::string crop_key(const geometry::PersonBox& box, int resolution) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.17g,%.17g,%.17g,%d", box.center.x, box.center.y, box.scale,
                resolution);
  return buf;
}

PairFlow compute_pair_flow(const cv::Mat& frame1, const cv::Mat& frame2,
                           const geometry::PersonBox& box, int resolution,
                           const FlowEstimator& estimator, const FlowCache* cache,
                           const std::string& frame1_id, const std::string& frame2_id) {
  if (frame1.size() != frame2.size())
    throw Error("the two frames of a pair differ in size")
        .file(frame2_id)
        .expected(std::to_string(frame1.cols) + "x" + std::to_string(frame1.rows) + " (as " +
                  frame1_id + ")")
        .found(std::to_string(frame2.cols) + "x" + std::to_string(frame2.rows));
  // A NaN or infinite box crops to a blank image, whose flow would be cached as a silent zero.
  if (!std::isfinite(box.center.x) || !std::isfinite(box.center.y) || !std::isfinite(box.scale) ||
      !(box.scale > 0))
    throw Error("the person box is not finite and positive")
        .file(frame1_id)
        .expected("finite center, scale > 0")
        .found("center,scale,resolution " + crop_key(box, resolution));
  // Cropping is cheap next to flow, and only done when some direction is not cached.
  cv::Mat crop1, crop2;
  const auto crops = [&] {
    if (crop1.empty()) {
      crop1 = geometry::crop_image(frame1, box, resolution);
      crop2 = geometry::crop_image(frame2, box, resolution);
    }
  };
  PairFlow out;
  if (!cache) {
    crops();
    auto both = estimator.compute_both({{crop1, crop2}});
    out.forward = std::move(both[0].first);
    out.backward = std::move(both[0].second);
    return out;
  }
  FlowCache::Key key{frame1_id, frame2_id, crop_key(box, resolution), estimator.config_key(), true};
  out.forward = cache->get_or_compute(key, [&] {
    crops();
    return estimator.compute(crop1, crop2);
  });
  key.forward = false;
  out.backward = cache->get_or_compute(key, [&] {
    crops();
    return estimator.compute(crop2, crop1);
  });
  return out;
}

}  // namespace motioncue::flow
