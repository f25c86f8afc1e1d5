#include <gtest/gtest.h>

#include "../support/run_cli.h"
#include "../support/temp_dir.h"

using motioncue::testing::run_cli;

TEST(Cli, HelpListsUsage) {
  const auto r = run_cli("--help");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("motioncue"), std::string::npos) << r.output;
}

TEST(Cli, VersionPrintsVersionAndLibraries) {
  const auto r = run_cli("--version");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("LibTorch"), std::string::npos) << r.output;
}

TEST(Cli, UnknownVerbFails) {
  const auto r = run_cli("frobnicate");
  EXPECT_NE(r.exit_code, 0) << r.output;
}
