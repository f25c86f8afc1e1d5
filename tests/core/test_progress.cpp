// Progress lines on a non-terminal stderr (log files, CI): one line per tenth and one at the end,
// never the last line twice.
#include <gtest/gtest.h>

#include <string>

#include "motioncue/core/progress.h"

namespace {

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST(Progress, ALogFileGetsTheFinalLineOnce) {
  motioncue::Progress::set_enabled(true);
  testing::internal::CaptureStderr();  // stderr is a file now, not a terminal
  {
    motioncue::Progress progress("work", 20, "items");
    for (int i = 0; i < 20; ++i) progress.advance();
    progress.finish();
  }
  const auto text = testing::internal::GetCapturedStderr();
  EXPECT_EQ(count(text, "20/20"), 1) << text;
  EXPECT_EQ(count(text, "10/20"), 1) << text;
}

TEST(Progress, FinishingEarlyStillPrintsWhereItStopped) {
  motioncue::Progress::set_enabled(true);
  testing::internal::CaptureStderr();
  {
    motioncue::Progress progress("work", 20, "items");
    for (int i = 0; i < 7; ++i) progress.advance();
  }  // the destructor finishes it
  const auto text = testing::internal::GetCapturedStderr();
  EXPECT_EQ(count(text, "7/20"), 1) << text;
}
