#include "motioncue/eval/keypoint_gap.h"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "motioncue/body/joint_sets.h"
#include "motioncue/core/error.h"
#include "motioncue/core/json_file.h"
#include "motioncue/core/progress.h"
#include "motioncue/data/video_dataset.h"
#include "motioncue/vision/keypoint_model.h"

namespace motioncue::eval {
namespace {

using namespace body;

constexpr int kLimbJoints[] = {kKpRightAnkle,    kKpRightKnee,    kKpRightHip,   kKpLeftHip,
                               kKpLeftKnee,      kKpLeftAnkle,    kKpRightWrist, kKpRightElbow,
                               kKpRightShoulder, kKpLeftShoulder, kKpLeftElbow,  kKpLeftWrist};
constexpr int kFaceJoints[] = {kKpNose, kKpLeftEye, kKpRightEye, kKpLeftEar, kKpRightEar};
constexpr double kPckFraction = 0.2;

nlohmann::json count_json(const PckCount& c) { return {{"pck", c.value()}, {"joints", c.total}}; }

}  // namespace

nlohmann::json KeypointGapReport::to_json() const {
  nlohmann::json j = {
      {"model", model},
      {"frames", frames},
      {"metric", "PCK@0.2 of the torso (mean shoulder-hip diagonal), visible joints"},
      {"limbs", count_json(limbs)},
      {"face", count_json(face)}};
  for (const auto& [k, v] : per_joint) j["per_joint"][k] = count_json(v);
  for (const auto& [k, v] : per_motion) j["per_motion"][k] = count_json(v);
  for (const auto& [k, v] : per_sequence) j["per_sequence"][k] = count_json(v);
  return j;
}

std::string KeypointGapReport::table() const {
  std::ostringstream s;
  s << std::fixed << std::setprecision(3);
  s << model << " on " << frames << " frames: PCK@0.2 limbs " << limbs.value() << " ("
    << limbs.total << " joints), face " << face.value() << " (" << face.total << ")\n";
  s << "per joint:";
  for (const auto& [k, v] : per_joint) s << " " << k << " " << v.value();
  s << "\nper motion (limbs):";
  for (const auto& [k, v] : per_motion) s << " " << k << " " << v.value();
  s << "\n";
  return s.str();
}

KeypointGapReport measure_keypoint_gap(const std::filesystem::path& split_dir,
                                       const KeypointGapOptions& o) {
  if (o.every < 1)
    throw Error("frame step must be at least 1").key("--every").found(std::to_string(o.every));
  const auto dataset = data::VideoDataset::open(split_dir);
  const auto model = vision::make_keypoint_model(o.model);
  const auto& net = *model;
  KeypointGapReport report;
  report.model = o.model;
  std::int64_t work = 0;
  for (std::int64_t s = 0; s < dataset.num_sequences(); ++s)
    work += (dataset.num_frames(s) + o.every - 1) / o.every;
  Progress progress("keypoint gap", work, "frames");
  for (std::int64_t s = 0; s < dataset.num_sequences(); ++s) {
    const auto& ann = dataset.annotations(s);
    if (ann.joints2d.empty())
      throw Error("sequence without joints2d: the gap needs exact 2D keypoints")
          .file(dataset.sequence_dir(s).string());
    std::string motion = "unknown";
    const auto meta_file = dataset.sequence_dir(s) / "meta.json";
    if (std::filesystem::exists(meta_file)) {
      const auto meta = read_json_file(meta_file);
      // By motion family ("walk"), not the full description with its sampled parameters.
      if (meta.is_object() && meta.contains("family") && meta["family"].is_string()) {
        motion = meta["family"];
      } else if (meta.is_object() && meta.contains("motion") && meta["motion"].is_string()) {
        const std::string description = meta["motion"];
        motion = description.substr(0, description.find(' '));
      }
    }
    for (std::int64_t t = 0; t < dataset.num_frames(s); t += o.every) {
      const float* gt = ann.joints2d.data() + t * kNumKeypoints * 3;
      auto visible = [&](int j) { return gt[3 * j + 2] > 0; };
      auto dist = [&](int a, int b) {
        return std::hypot(gt[3 * a] - gt[3 * b], gt[3 * a + 1] - gt[3 * b + 1]);
      };
      double torso = 0;
      int diagonals = 0;
      if (visible(kKpLeftShoulder) && visible(kKpRightHip))
        torso += dist(kKpLeftShoulder, kKpRightHip), ++diagonals;
      if (visible(kKpRightShoulder) && visible(kKpLeftHip))
        torso += dist(kKpRightShoulder, kKpLeftHip), ++diagonals;
      if (o.progress) progress.advance();
      if (diagonals == 0) continue;
      torso /= diagonals;
      const auto box = dataset.box(s, t);
      const auto person =
          net.person_in(dataset.frame(s, t), vision::box_for_square(box.center, box.scale * 200.0));
      const auto spin = vision::coco_to_spin24(person.keypoints);
      ++report.frames;
      auto score = [&](int j, PckCount& group, bool limb) {
        if (!visible(j)) return;
        const bool hit =
            std::hypot(spin[j].x - gt[3 * j], spin[j].y - gt[3 * j + 1]) <= kPckFraction * torso;
        for (PckCount* c : {&group, &report.per_joint[keypoint_names()[j]]})
          c->hits += hit, ++c->total;
        if (limb)
          for (PckCount* c :
               {&report.per_motion[motion], &report.per_sequence[dataset.sequence_name(s)]})
            c->hits += hit, ++c->total;
      };
      for (int j : kLimbJoints) score(j, report.limbs, true);
      for (int j : kFaceJoints) score(j, report.face, false);
    }
  }
  if (o.progress) progress.finish();
  if (report.frames == 0) throw Error("no frame with a measurable torso").file(split_dir.string());
  return report;
}

}  // namespace motioncue::eval
