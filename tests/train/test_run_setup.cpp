// How many labeled images a run uses: a count or a fraction, checked.
#include <gtest/gtest.h>

#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/train/defaults.h"
#include "motioncue/train/run_setup.h"

namespace {

std::int64_t size_for(const std::vector<std::string>& settings, std::int64_t available) {
  motioncue::Config config(motioncue::train::kTrainDefaults, "train defaults");
  for (const auto& s : settings) config.set(s);
  return motioncue::train::labeled_subset_size(config, available);
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
