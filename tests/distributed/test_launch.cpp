// `motioncue launch` starts ranks that find each other through c10d and run Gloo collectives; a
// rank that dies makes the launch fail in bounded time, naming the rank, instead of hanging.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "../support/run_cli.h"
#include "../support/temp_dir.h"
#include "motioncue/core/files.h"

using motioncue::testing::run_cli;

TEST(Launch, TwoRanksAllReduceBroadcastAndMeetAtABarrier) {
  const auto r = run_cli("launch --nproc 2 --master-port 0 -- check-distributed --timeout 60");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* rank : {"rank 0 of 2 (gloo): all-reduce mean 1.5", "rank 1 of 2 (gloo)"})
    EXPECT_NE(r.output.find(rank), std::string::npos) << r.output;
}

TEST(Launch, FileRendezvousWorksToo) {
  motioncue::testing::TempDir tmp;
  const auto r = run_cli("launch --nproc 3 --rendezvous file:" + (tmp / "store").string() +
                         " -- check-distributed --timeout 60");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rank 2 of 3 (gloo): all-reduce mean 2"), std::string::npos) << r.output;
}

TEST(Launch, ADeadRankFailsTheLaunchInBoundedTimeNamingIt) {
  const auto start = std::chrono::steady_clock::now();
  const auto r =
      run_cli("launch --nproc 2 --master-port 0 -- check-distributed --timeout 10 --fail-rank 1");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rank 1 of 2 exited with status 3"), std::string::npos) << r.output;
  EXPECT_LT(seconds, 60) << r.output;
}

TEST(Launch, BadOptionsAreOneLineErrors) {
  for (const std::string args : {"launch --nproc 0 -- check-distributed",
                                 "launch --nproc 2 --rendezvous tcp:x -- check-distributed",
                                 "launch --nproc 2 -- launch --nproc 2 -- check-distributed"}) {
    const auto r = run_cli(args);
    EXPECT_NE(r.exit_code, 0) << args << ": " << r.output;
    EXPECT_EQ(motioncue::testing::output_lines(r.output), 1) << args << ": " << r.output;
  }
}

// Under another launcher (torchrun) nothing stops the survivors: a rank whose peer died fails on
// its own, within the timeout, with one line naming itself.
TEST(Launch, WithoutTheLauncherASurvivorFailsWithinTheTimeout) {
  motioncue::testing::TempDir tmp;
  const std::string cli = MOTIONCUE_CLI;
  const std::string env =
      "WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MOTIONCUE_RENDEZVOUS=file:" + (tmp / "store").string();
  const std::string command = "(" + env + " RANK=0 " + cli + " check-distributed --timeout 5 > " +
                              (tmp / "rank0.txt").string() + " 2>&1; echo $? > " +
                              (tmp / "rank0.rc").string() + ") & " + env + " RANK=1 " + cli +
                              " check-distributed --timeout 5 --fail-rank 1; wait";
  const auto start = std::chrono::steady_clock::now();
  (void)std::system(command.c_str());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(motioncue::read_file_text(tmp / "rank0.rc"), "1\n");
  const auto output = motioncue::read_file_text(tmp / "rank0.txt");
  EXPECT_NE(output.find("rank 0 of 2"), std::string::npos) << output;
  EXPECT_NE(output.find("failed"), std::string::npos) << output;
  EXPECT_EQ(motioncue::testing::output_lines(output), 1) << output;
  EXPECT_LT(seconds, 60);
}
