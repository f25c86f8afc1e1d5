// How many labeled images a run uses: a count or a fraction, checked; and that they carry labels.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/run_dir.h"
#include "motioncue/data/labeled_dataset.h"
#include "motioncue/train/defaults.h"
#include "motioncue/train/options.h"
#include "motioncue/train/run_setup.h"
#include "motioncue/train/trainers.h"
#include "motioncue/train/validation_set.h"
#include "tiny_benchmark.h"

namespace {

std::int64_t size_for(const std::vector<std::string>& settings, std::int64_t available) {
  motioncue::Config config(motioncue::train::kTrainDefaults, "train defaults");
  for (const auto& s : settings) config.set(s);
  return motioncue::train::labeled_subset_size(
      motioncue::train::BaselineOptions::from_config(config).run.labeled, available);
}

}  // namespace

TEST(LabeledSubsetSize, CountAllAndFraction) {
  EXPECT_EQ(size_for({"labeled.count=100"}, 1600), 100);
  EXPECT_EQ(size_for({"labeled.count=-1"}, 1600), 1600);
  EXPECT_EQ(size_for({"labeled.fraction=0.1"}, 1600), 160);
  EXPECT_EQ(size_for({"labeled.fraction=1"}, 1600), 1600);
  EXPECT_EQ(size_for({"labeled.fraction=0.001"}, 100), 1);  // never an empty subset
  // A fraction replaces the count.
  EXPECT_EQ(size_for({"labeled.count=7", "labeled.fraction=0.5"}, 10), 5);
}

TEST(LabeledSubsetSize, OutOfRangeNamesTheKey) {
  for (const auto& bad : std::vector<std::vector<std::string>>{{"labeled.fraction=0"},
                                                               {"labeled.fraction=1.5"},
                                                               {"labeled.count=0"},
                                                               {"labeled.count=2000"}}) {
    try {
      size_for(bad, 1600);
      FAIL() << bad.front() << " was accepted";
    } catch (const motioncue::Error& e) {
      EXPECT_NE(std::string(e.what()).find(bad.front().substr(0, bad.front().find('='))),
                std::string::npos)
          << e.what();
    }
  }
}

namespace fs = std::filesystem;

namespace {

// A copy of the tiny benchmark whose labeled images `unlabel` lose every label: keypoint
// confidences 0 (2D and 3D) and no SMPL parameters.
std::unique_ptr<motioncue::testing::TempDir> benchmark_without_labels(
    const std::vector<std::int64_t>& unlabel) {
  auto dir = std::make_unique<motioncue::testing::TempDir>();
  fs::copy(motioncue::testing::tiny_benchmark(), dir->path(), fs::copy_options::recursive);
  const fs::path file = dir->path() / "labeled" / "annotations.npz";
  motioncue::Npz npz = motioncue::read_npz(file);
  const auto& part_array = npz.at("part");
  std::vector<float> part = part_array.to_f32(), s = npz.at("S").to_f32(),
                     has_smpl = npz.at("has_smpl").to_f32();
  const auto part_shape = part_array.shape, s_shape = npz.at("S").shape,
             has_shape = npz.at("has_smpl").shape;
  for (const std::int64_t i : unlabel) {
    for (int j = 0; j < 24; ++j) {
      part[static_cast<size_t>((i * 24 + j) * 3 + 2)] = 0.f;
      s[static_cast<size_t>((i * 24 + j) * 4 + 3)] = 0.f;
    }
    has_smpl[static_cast<size_t>(i)] = 0.f;
  }
  npz.set("part", motioncue::NpyArray::from_f32(part_shape, part));
  npz.set("S", motioncue::NpyArray::from_f32(s_shape, s));
  npz.set("has_smpl", motioncue::NpyArray::from_f32(has_shape, has_smpl));
  motioncue::write_npz(file, npz);
  return dir;
}

std::string training_error(const fs::path& data, const std::string& count) {
  motioncue::testing::TempDir out;
  motioncue::Config config = motioncue::testing::small_training_config(data);
  config.set("labeled.count=" + count);
  config.set("train.steps=1");
  try {
    motioncue::train::run_training(config, motioncue::RunDir(out / "run"));
  } catch (const motioncue::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

// Labels whose confidences are all 0 (and no SMPL parameters) give every supervised term 0: a run
// on them trained on the priors alone and said nothing. The file is refused when it opens, and a
// subset of a usable file that holds no label is refused when the run sets up, naming the key.
TEST(LabeledSubset, LabelsWithNothingToTrainOnAreRefusedNamingTheFileAndKey) {
  const auto all = benchmark_without_labels({0, 1, 2, 3});
  const fs::path file = all->path() / "labeled" / "annotations.npz";
  std::string message = training_error(all->path(), "-1");
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("part, S, has_smpl"), std::string::npos) << message;
  EXPECT_NE(message.find("nothing to train on"), std::string::npos) << message;

  // The one image a run of one label would use has none; the other three still have theirs.
  const auto chosen = motioncue::data::LabeledDataset::open(motioncue::testing::tiny_benchmark() /
                                                            "labeled" / "annotations.npz")
                          .subset(1, 0);
  const auto one = benchmark_without_labels(chosen);
  message = training_error(one->path(), "1");
  EXPECT_NE(message.find((one->path() / "labeled" / "annotations.npz").string()), std::string::npos)
      << message;
  EXPECT_NE(message.find("labeled.count"), std::string::npos) << message;
  EXPECT_EQ(training_error(one->path(), "-1"), "(no error)");  // three labeled images: trains
}

// An archive as the validation set names what it lacks before any training starts.
TEST(OpenValidation, AnArchiveNeedsItsProtocolAndRegressor) {
  const auto& body = motioncue::testing::body_model();
  auto error_for = [&](const std::vector<std::string>& settings) {
    motioncue::Config config(motioncue::train::kTrainDefaults, "train defaults");
    config.set("validation.split=/nowhere/held_out.npz");
    for (const auto& s : settings) config.set(s);
    try {
      motioncue::train::open_validation(
          motioncue::train::BaselineOptions::from_config(config).run.validation, "/nowhere", body,
          32, c10::kCPU);
    } catch (const motioncue::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_for({}).find("validation.protocol"), std::string::npos) << error_for({});
  EXPECT_NE(error_for({"validation.protocol=h36m"}).find("mpi-inf-3dhp"), std::string::npos);
  EXPECT_NE(error_for({"validation.protocol=h36m-p1"}).find("validation.h36m_regressor"),
            std::string::npos);
  const auto missing =
      error_for({"validation.protocol=h36m-p1", "validation.h36m_regressor=/nowhere/r.npy"});
  EXPECT_NE(missing.find("held_out.npz"), std::string::npos) << missing;
}
