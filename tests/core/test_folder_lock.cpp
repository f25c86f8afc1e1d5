// One writer per output folder: a second claim on a claimed folder is a clear Error naming it,
// and the claim ends with its owner.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/core/folder_lock.h"
#include "motioncue/core/run_dir.h"

namespace fs = std::filesystem;
using motioncue::testing::TempDir;

namespace {

std::string claim_error(const fs::path& dir) {
  try {
    motioncue::FolderLock second(dir);
  } catch (const motioncue::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(FolderLock, ASecondWriterIsRefusedUntilTheFirstIsDone) {
  TempDir tmp;
  {
    const motioncue::FolderLock first(tmp.path());
    const auto error = claim_error(tmp.path());
    EXPECT_NE(error.find("another motioncue process is writing"), std::string::npos) << error;
    EXPECT_NE(error.find(tmp.path().string()), std::string::npos) << error;
  }
  EXPECT_EQ(claim_error(tmp.path()), "");
  EXPECT_TRUE(fs::is_empty(tmp.path())) << "the claim leaves no file behind";
}

TEST(FolderLock, AMissingFolderIsAnErrorNamingIt) {
  TempDir tmp;
  const auto error = claim_error(tmp / "nosuch");
  EXPECT_NE(error.find("nosuch"), std::string::npos) << error;
}

TEST(FolderLock, ARunFolderIsClaimedForAsLongAsItsRunDirLives) {
  TempDir tmp;
  auto run = std::make_unique<motioncue::RunDir>(tmp / "run");
  EXPECT_THROW(motioncue::RunDir(tmp / "run", motioncue::ExistingRun::kReuse), motioncue::Error);
  const motioncue::RunDir copy = *run;  // copies share the claim
  run.reset();
  EXPECT_NE(claim_error(tmp / "run"), "");
}
