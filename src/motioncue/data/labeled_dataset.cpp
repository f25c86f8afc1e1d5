#include "motioncue/data/labeled_dataset.h"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "motioncue/core/error.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/seed.h"
#include "motioncue/data/rng.h"

namespace motioncue::data {

std::vector<std::string> read_image_names(const Npz& npz, const std::string& origin) {
  const NpyArray& names = npz.at("imgname");
  if (names.dtype != DType::kStr || names.shape.size() != 1)
    throw Error("imgname must be a 1-D array of strings")
        .file(origin)
        .key("imgname")
        .found(dtype_name(names.dtype) + " " + names.shape_string());
  std::vector<std::string> out = names.to_strings();
  if (out.empty()) throw Error("the archive has no images").file(origin).key("imgname");
  return out;
}

LabeledDataset LabeledDataset::open(const std::filesystem::path& annotations_npz) {
  const Npz npz = read_npz(annotations_npz);
  const std::string origin = annotations_npz.string();
  LabeledDataset d;
  d.file_ = annotations_npz;
  d.folder_ = annotations_npz.parent_path();

  d.imgname_ = read_image_names(npz, origin);
  const std::int64_t n = static_cast<std::int64_t>(d.imgname_.size());

  auto numeric = [&](const std::string& key,
                     const std::vector<std::int64_t>& dims) -> const NpyArray& {
    const NpyArray& a = npz.at(key, dims);
    if (a.dtype == DType::kStr)
      throw Error("expected a numeric array").file(origin).key(key).found("strings");
    return a;
  };
  d.center_ = numeric("center", {n, 2}).to_f64();
  d.scale_ = numeric("scale", {n}).to_f64();
  // As SPIN reads its archives: no `part` or no `S` means no such labels (confidence 0); `pose`
  // and `shape` without `has_smpl` mean every row has them; neither means none has.
  const auto un = static_cast<std::size_t>(n);
  d.part_ = npz.contains("part") ? numeric("part", {n, kNumKeypoints, 3}).to_f32()
                                 : std::vector<float>(un * kNumKeypoints * 3, 0.0f);
  d.S_ = npz.contains("S") ? numeric("S", {n, kNumKeypoints, 4}).to_f32()
                           : std::vector<float>(un * kNumKeypoints * 4, 0.0f);
  const bool smpl = npz.contains("pose") || npz.contains("shape");
  d.pose_ =
      smpl ? numeric("pose", {n, kPoseDim}).to_f32() : std::vector<float>(un * kPoseDim, 0.0f);
  d.shape_ =
      smpl ? numeric("shape", {n, kBetaDim}).to_f32() : std::vector<float>(un * kBetaDim, 0.0f);
  if (npz.contains("has_smpl")) {
    for (double v : numeric("has_smpl", {n}).to_f64()) d.has_smpl_.push_back(v != 0.0 ? 1 : 0);
  } else {
    d.has_smpl_.assign(un, smpl ? 1 : 0);
  }
  if (npz.contains("subset_rank")) d.subset_rank_ = numeric("subset_rank", {n}).to_i64();

  for (std::int64_t i = 0; i < n; ++i) {
    const double s = d.scale_[static_cast<std::size_t>(i)];
    if (!(s > 0) || !std::isfinite(s))
      throw Error("person box scale must be positive and finite")
          .file(origin)
          .key("scale")
          .found("row " + std::to_string(i) + ": " + std::to_string(s));
    if (!std::isfinite(d.center_[2 * i]) || !std::isfinite(d.center_[2 * i + 1]))
      throw Error("person box centre is not finite")
          .file(origin)
          .key("center")
          .found("row " + std::to_string(i));
  }
  // Confidences all 0 and no SMPL parameters: every supervised term is 0, a run would train on
  // the priors alone and say nothing.
  bool any_label = false;
  for (std::int64_t i = 0; i < n && !any_label; ++i) any_label = d.has_labels(i);
  if (!any_label)
    throw Error(
        "the labels hold nothing to train on: every keypoint confidence is 0 and no image "
        "has SMPL parameters")
        .file(origin)
        .key("part, S, has_smpl")
        .expected("a confidence > 0 in part[..., 2] or S[..., 3], or has_smpl = 1");
  for (std::int64_t i = 0; i < n; ++i) {
    const auto path = d.image_path(i);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      throw Error("image file named in imgname is missing")
          .file(path.string())
          .key("imgname[" + std::to_string(i) + "]")
          .found("listed in " + origin);
  }
  return d;
}

std::size_t LabeledDataset::row(std::int64_t i) const {
  if (i < 0 || i >= size())
    throw Error("labeled image index out of range")
        .file(file_.string())
        .expected("0.." + std::to_string(size() - 1))
        .found(std::to_string(i));
  return static_cast<std::size_t>(i);
}

bool LabeledDataset::has_labels(std::int64_t i) const {
  if (has_smpl(i)) return true;
  const float* p = keypoints2d(i);
  const float* s = keypoints3d(i);
  for (int j = 0; j < kNumKeypoints; ++j)
    if (p[3 * j + 2] > 0 || s[4 * j + 3] > 0) return true;
  return false;
}

std::filesystem::path LabeledDataset::image_path(std::int64_t i) const {
  return folder_ / imgname_[row(i)];
}

cv::Mat LabeledDataset::image(std::int64_t i) const {
  const auto path = image_path(i);
  cv::Mat img = cv::imread(path.string(), cv::IMREAD_COLOR);
  if (img.empty())
    throw Error("cannot read the image (missing or not an image)").file(path.string());
  return img;
}

geometry::PersonBox LabeledDataset::box(std::int64_t i) const {
  const std::size_t r = row(i);
  return {{center_[2 * r], center_[2 * r + 1]}, scale_[r]};
}

std::vector<std::int64_t> LabeledDataset::subset(std::int64_t count, std::uint64_t seed) const {
  if (count <= 0 || count > size())
    throw Error("subset size out of range")
        .file(file_.string())
        .expected("1.." + std::to_string(size()))
        .found(std::to_string(count));
  std::vector<std::int64_t> order;
  if (has_subset_rank()) {
    order.resize(static_cast<std::size_t>(size()));
    std::iota(order.begin(), order.end(), std::int64_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
      return subset_rank_[static_cast<std::size_t>(a)] < subset_rank_[static_cast<std::size_t>(b)];
    });
  } else {
    Rng rng(derive_seed(seed, "labeled-subset"));
    order = random_permutation(size(), rng);
  }
  order.resize(static_cast<std::size_t>(count));
  std::sort(order.begin(), order.end());
  return order;
}

}  // namespace motioncue::data
