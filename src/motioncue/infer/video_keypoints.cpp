#include "motioncue/infer/video_keypoints.h"

#include <chrono>
#include <filesystem>

#include "motioncue/body/joint_sets.h"
#include "motioncue/core/npy.h"
#include "motioncue/vision/keypoint_model.h"

namespace motioncue::infer {

VideoKeypointStats detect_video_keypoints(const data::VideoDataset& dataset,
                                          const std::string& model,
                                          const std::function<void()>& on_frame) {
  const auto started = std::chrono::steady_clock::now();
  const auto detector = vision::make_keypoint_model(model);
  VideoKeypointStats stats;
  double limb_confidence = 0;
  for (std::int64_t s = 0; s < dataset.num_sequences(); ++s) {
    const std::int64_t frames = dataset.num_frames(s);
    std::vector<float> keypoints;
    keypoints.reserve(std::size_t(frames) * body::kNumKeypoints * 3);
    cv::Size frame_size;
    for (std::int64_t t = 0; t < frames; ++t) {
      const cv::Mat frame = dataset.frame(s, t, frame_size);
      frame_size = frame.size();
      dataset.check_box_in_frame(s, t, frame_size);
      const auto box = dataset.box(s, t);
      const auto person =
          detector->person_in(frame, vision::box_for_square(box.center, box.scale * 200.0));
      const auto spin = vision::coco_to_spin24(person.keypoints);
      for (int j = 0; j < body::kNumKeypoints; ++j) {
        keypoints.insert(keypoints.end(), {spin[j].x, spin[j].y, spin[j].score});
        if (j <= body::kKpLeftWrist) limb_confidence += spin[j].score;
      }
      ++stats.frames;
      if (on_frame) on_frame();
    }
    const auto file = data::detected_keypoints_file(dataset.sequence_dir(s), model);
    std::filesystem::create_directories(file.parent_path());
    write_npy(file, NpyArray::from_f32({frames, body::kNumKeypoints, 3}, keypoints));
    ++stats.sequences;
  }
  if (stats.frames > 0)
    stats.mean_limb_confidence = limb_confidence / (12.0 * double(stats.frames));
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return stats;
}

}  // namespace motioncue::infer
