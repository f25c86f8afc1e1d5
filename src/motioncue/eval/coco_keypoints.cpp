#include "motioncue/eval/coco_keypoints.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "motioncue/core/error.h"
#include "motioncue/core/json_file.h"

namespace motioncue::eval {
namespace {

// COCO's per-keypoint OKS constants (cocoapi), in COCO keypoint order.
constexpr std::array<double, 17> kOksSigmas{0.026, 0.025, 0.025, 0.035, 0.035, 0.079,
                                            0.079, 0.072, 0.072, 0.062, 0.062, 0.107,
                                            0.107, 0.087, 0.087, 0.089, 0.089};

double number(const nlohmann::json& v, const std::string& file, const std::string& key) {
  if (!v.is_number() || !std::isfinite(v.get<double>()))
    throw Error("expected a finite number").file(file).key(key).found(v.dump());
  return v.get<double>();
}

double torso(const std::array<float, 51>& k) {
  auto labelled = [&](int j) { return k[3 * j + 2] > 0; };
  auto dist = [&](int a, int b) {
    return std::hypot(k[3 * a] - k[3 * b], k[3 * a + 1] - k[3 * b + 1]);
  };
  double sum = 0;
  int n = 0;
  if (labelled(5) && labelled(12)) sum += dist(5, 12), ++n;  // left shoulder - right hip
  if (labelled(6) && labelled(11)) sum += dist(6, 11), ++n;  // right shoulder - left hip
  return n ? sum / n : 0.0;
}

}  // namespace

double box_iou(const CocoBox& a, const CocoBox& b) {
  const double x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  const double x1 = std::min(a.x + a.w, b.x + b.w), y1 = std::min(a.y + a.h, b.y + b.h);
  const double inter = std::max(0.0, x1 - x0) * std::max(0.0, y1 - y0);
  const double uni = a.w * a.h + b.w * b.h - inter;
  return uni > 0 ? inter / uni : 0.0;
}

std::vector<CocoPerson> read_coco_people(const std::filesystem::path& annotations) {
  const std::string file = annotations.string();
  const auto j = read_json_file(annotations);
  if (!j.is_object() || !j.contains("images") || !j["images"].is_array() ||
      !j.contains("annotations") || !j["annotations"].is_array())
    throw Error("not a COCO annotation file (needs images and annotations lists)").file(file);
  std::map<std::int64_t, std::string> names;
  for (const auto& im : j["images"]) {
    if (!im.is_object() || !im.contains("id") || !im["id"].is_number_integer() ||
        !im.contains("file_name") || !im["file_name"].is_string())
      throw Error("image entry without an integer id and a file_name").file(file).key("images");
    names[im["id"].get<std::int64_t>()] = im["file_name"].get<std::string>();
  }
  std::vector<CocoPerson> people;
  for (const auto& a : j["annotations"]) {
    if (!a.is_object()) throw Error("annotation is not an object").file(file).key("annotations");
    if (a.contains("category_id") && a["category_id"] != 1) continue;  // person only
    const std::string key = "annotations[" + std::to_string(people.size()) + "]";
    if (!a.contains("image_id") || !a["image_id"].is_number_integer() ||
        !names.count(a["image_id"]))
      throw Error("annotation names no image").file(file).key(key + ".image_id");
    CocoPerson p;
    p.image = names[a["image_id"].get<std::int64_t>()];
    if (!a.contains("bbox") || !a["bbox"].is_array() || a["bbox"].size() != 4)
      throw Error("bbox needs 4 numbers").file(file).key(key + ".bbox");
    p.box = {number(a["bbox"][0], file, key + ".bbox"), number(a["bbox"][1], file, key + ".bbox"),
             number(a["bbox"][2], file, key + ".bbox"), number(a["bbox"][3], file, key + ".bbox")};
    if (p.box.w < 0 || p.box.h < 0) throw Error("negative box size").file(file).key(key + ".bbox");
    p.area = a.contains("area") ? number(a["area"], file, key + ".area") : p.box.w * p.box.h;
    p.crowd = json_field_or(a, "iscrowd", 0, file) != 0;
    if (a.contains("keypoints")) {
      const auto& k = a["keypoints"];
      if (!k.is_array() || k.size() != 51)
        throw Error("keypoints need 51 numbers").file(file).key(key + ".keypoints");
      for (int i = 0; i < 51; ++i)
        p.keypoints[i] = static_cast<float>(number(k[i], file, key + ".keypoints"));
      for (int i = 0; i < 17; ++i) p.labelled += p.keypoints[3 * i + 2] > 0;
    }
    people.push_back(p);
  }
  return people;
}

CocoScores score_coco(const std::vector<CocoPerson>& truth,
                      const std::vector<PredictedPerson>& predicted, double min_iou,
                      double pck_fraction) {
  CocoScores s;
  std::array<int, 17> joint_total{}, joint_hit{};
  int hits = 0, oks_people = 0;
  double oks_sum = 0;
  std::map<std::string, std::vector<int>> truth_of, pred_of;
  for (std::size_t i = 0; i < truth.size(); ++i)
    if (!truth[i].crowd) truth_of[truth[i].image].push_back(static_cast<int>(i));
  for (std::size_t i = 0; i < predicted.size(); ++i)
    pred_of[predicted[i].image].push_back(static_cast<int>(i));

  for (const auto& [image, ts] : truth_of) {
    s.people += static_cast<int>(ts.size());
    std::vector<std::tuple<double, int, int>> pairs;
    for (int t : ts)
      for (int p : pred_of[image]) {
        const double iou = box_iou(truth[t].box, predicted[p].box);
        if (iou >= min_iou) pairs.emplace_back(iou, t, p);
      }
    std::sort(pairs.rbegin(), pairs.rend());
    std::vector<int> used_t, used_p;
    for (const auto& [iou, t, p] : pairs) {
      if (std::count(used_t.begin(), used_t.end(), t) ||
          std::count(used_p.begin(), used_p.end(), p))
        continue;
      used_t.push_back(t);
      used_p.push_back(p);
      ++s.found;
      const auto& gt = truth[t].keypoints;
      const auto& pk = predicted[p].keypoints;
      if (truth[t].labelled == 0) continue;
      double oks = 0;
      for (int j = 0; j < 17; ++j) {
        if (gt[3 * j + 2] <= 0) continue;
        const double d2 =
            std::pow(gt[3 * j] - pk[3 * j], 2) + std::pow(gt[3 * j + 1] - pk[3 * j + 1], 2);
        const double k = 2 * kOksSigmas[j];
        oks += std::exp(-d2 / (2 * std::max(truth[t].area, 1.0) * k * k));
      }
      oks_sum += oks / truth[t].labelled;
      ++oks_people;
      const double size = torso(gt);
      if (size <= 0) continue;
      ++s.pck_people;
      for (int j = 0; j < 17; ++j) {
        if (gt[3 * j + 2] <= 0) continue;
        const double d = std::hypot(gt[3 * j] - pk[3 * j], gt[3 * j + 1] - pk[3 * j + 1]);
        ++joint_total[j];
        ++s.pck_joints;
        if (d <= pck_fraction * size) ++joint_hit[j], ++hits;
      }
    }
  }
  s.pck = s.pck_joints ? double(hits) / s.pck_joints : 0.0;
  s.mean_oks = oks_people ? oks_sum / oks_people : 0.0;
  for (int j = 0; j < 17; ++j)
    s.pck_per_joint[j] = joint_total[j] ? double(joint_hit[j]) / joint_total[j]
                                        : std::numeric_limits<double>::quiet_NaN();
  return s;
}

}  // namespace motioncue::eval
