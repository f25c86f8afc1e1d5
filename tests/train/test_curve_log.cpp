// curves.csv: what CurveLog writes reads back; a damaged file names itself and the line.
#include <gtest/gtest.h>

#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/train/curve_log.h"

namespace mt = motioncue::train;

TEST(CurveLog, WrittenRowsReadBackWithGaps) {
  motioncue::testing::TempDir tmp;
  mt::CurveLog log(tmp / "curves.csv");
  log.add(0, {{"val", 120.5}});
  log.add(50, {{"loss", 2.25}, {"val", 119.0}});
  log.flush();
  const auto table = mt::read_curve_table(tmp / "curves.csv");
  ASSERT_EQ(table.columns, (std::vector<std::string>{"val", "loss"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0].step, 0);
  EXPECT_EQ(table.rows[0].values.count("loss"), 0u);
  EXPECT_EQ(table.rows[1].values.at("loss"), 2.25);
  EXPECT_EQ(table.rows[1].values.at("val"), 119.0);
}

TEST(CurveLog, DamagedFilesNameTheFileAndLine) {
  motioncue::testing::TempDir tmp;
  const auto file = tmp / "curves.csv";
  for (const std::string& text : {std::string("loss\n1\n"), std::string("step,loss\n1,2\n3\n"),
                                  std::string("step,loss\n1,2\n3,x\n")}) {
    motioncue::write_file_atomic(file, text);
    try {
      mt::read_curve_table(file);
      FAIL() << "accepted: " << text;
    } catch (const motioncue::Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("curves.csv"), std::string::npos) << what;
      if (text.front() == 's') {
        EXPECT_NE(what.find("line 3"), std::string::npos) << what;
      }
    }
  }
}
