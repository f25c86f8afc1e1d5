// Runs the quick demo end to end through the CLI: every stage must write its outputs, the report
// must refer only to files that exist, and report.json must hold every arm's test metrics.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/run_cli.h"
#include "../support/temp_dir.h"
#include "motioncue/core/files.h"

namespace fs = std::filesystem;

TEST(Demo, QuickRunWritesEveryStageAndAConsistentReport) {
  motioncue::testing::TempDir dir;
  const fs::path out = dir / "demo";
  const auto r = motioncue::testing::run_cli("demo --quick --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;

  EXPECT_TRUE(fs::exists(out / "benchmark" / "benchmark.json"));
  for (const char* arm : {"baseline", "control", "flow", "texture", "both"}) {
    const fs::path run = out / "runs" / "labeled_12" / "seed_0" / arm;
    for (const char* f : {"config.yaml", "log.txt", "curves.csv", "best.ckpt", "test.json"})
      EXPECT_TRUE(fs::exists(run / f)) << run / f;
    EXPECT_TRUE(fs::exists(out / "predictions" / (std::string(arm) + ".npz"))) << arm;
  }
  const auto report = nlohmann::json::parse(motioncue::read_file_text(out / "report.json"));
  for (const char* arm : {"baseline", "control", "flow", "texture", "both"}) {
    ASSERT_TRUE(report["arms"].contains(arm)) << arm;
    for (const char* m : {"pa_mpjpe", "mpjpe", "pve", "accel"}) {
      const double v = report["arms"][arm][m];
      EXPECT_TRUE(std::isfinite(v) && v >= 0) << arm << " " << m;
    }
    EXPECT_GT(report["arms"][arm]["pa_mpjpe"].get<double>(), 0.0);
  }
  for (const auto& f : report["report_files"])
    EXPECT_TRUE(fs::exists(out / f.get<std::string>())) << f;
  const std::string html = motioncue::read_file_text(out / "report.html");
  EXPECT_NE(html.find("<table>"), std::string::npos);
  EXPECT_NE(html.find("data:image/png;base64,"), std::string::npos);
  EXPECT_TRUE(fs::exists(out / "report.md"));
}
