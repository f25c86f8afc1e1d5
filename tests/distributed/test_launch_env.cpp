#include <gtest/gtest.h>

#include <map>
#include <string>

#include "../support/error_text.h"
#include "motioncue/distributed/launch_env.h"

namespace {

namespace md = motioncue::distributed;
using motioncue::testing::message_of;

md::LaunchEnv from(const std::map<std::string, std::string>& vars) {
  return md::launch_env_from([&](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

}  // namespace

TEST(LaunchEnv, TorchrunVariablesAreRead) {
  const auto single = from({});
  EXPECT_FALSE(single.distributed());
  EXPECT_EQ(single.rank, 0);
  const auto env = from({{"RANK", "3"},
                         {"WORLD_SIZE", "4"},
                         {"LOCAL_RANK", "1"},
                         {"MASTER_ADDR", "10.0.0.2"},
                         {"MASTER_PORT", "29511"}});
  EXPECT_TRUE(env.distributed());
  EXPECT_EQ(env.rank, 3);
  EXPECT_EQ(env.world_size, 4);
  EXPECT_EQ(env.local_rank, 1);
  EXPECT_EQ(env.master_addr, "10.0.0.2");
  EXPECT_EQ(env.master_port, 29511);
  EXPECT_EQ(from({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MOTIONCUE_RENDEZVOUS", "file:/nfs/r"}})
                .rendezvous_file,
            "/nfs/r");
}

TEST(LaunchEnv, BadValuesNameTheVariable) {
  const std::vector<std::pair<std::map<std::string, std::string>, std::string>> cases = {
      {{{"RANK", "0"}}, "WORLD_SIZE"},
      {{{"WORLD_SIZE", "2"}}, "RANK"},
      {{{"RANK", "x"}, {"WORLD_SIZE", "2"}}, "RANK"},
      {{{"RANK", "2"}, {"WORLD_SIZE", "2"}}, "RANK"},
      {{{"RANK", "-1"}, {"WORLD_SIZE", "2"}}, "RANK"},
      {{{"RANK", "0"}, {"WORLD_SIZE", "0"}}, "WORLD_SIZE"},
      {{{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "70000"}}, "MASTER_PORT"},
      {{{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", ""}}, "MASTER_ADDR"},
      {{{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MOTIONCUE_RENDEZVOUS", "tcp:x"}},
       "MOTIONCUE_RENDEZVOUS"}};
  for (const auto& [vars, name] : cases) {
    const auto msg = message_of([&] { from(vars); });
    EXPECT_NE(msg.find(name), std::string::npos) << msg;
  }
}
