#include "motioncue/distributed/launch_env.h"

#include <cstdlib>

#include "motioncue/core/error.h"
#include "motioncue/core/parse.h"

namespace motioncue::distributed {
namespace {

int integer(const char* name, const char* value, long long lo, long long hi) {
  const auto parsed = parse_integer(value);
  if (!parsed) throw Error("environment variable is not an integer").key(name).found(value);
  const long long v = *parsed;
  if (v < lo || v > hi)
    throw Error("environment variable out of range")
        .key(name)
        .expected(std::to_string(lo) + ".." + std::to_string(hi))
        .found(value);
  return static_cast<int>(v);
}

}  // namespace

LaunchEnv launch_env_from(const std::function<const char*(const char*)>& lookup) {
  LaunchEnv env;
  const char* rank = lookup("RANK");
  const char* world = lookup("WORLD_SIZE");
  if (!rank && !world) return env;
  if (!rank || !world)
    throw Error("a distributed launch sets both RANK and WORLD_SIZE")
        .key(rank ? "WORLD_SIZE" : "RANK");
  env.world_size = integer("WORLD_SIZE", world, 1, 65536);
  env.rank = integer("RANK", rank, 0, env.world_size - 1);
  if (const char* local = lookup("LOCAL_RANK"))
    env.local_rank = integer("LOCAL_RANK", local, 0, env.world_size - 1);
  if (const char* addr = lookup("MASTER_ADDR")) {
    if (!*addr) throw Error("environment variable is empty").key("MASTER_ADDR");
    env.master_addr = addr;
  }
  if (const char* port = lookup("MASTER_PORT"))
    env.master_port = integer("MASTER_PORT", port, 1, 65535);
  if (const char* rdv = lookup("MOTIONCUE_RENDEZVOUS")) {
    const std::string value = rdv;
    if (value.rfind("file:", 0) != 0 || value.size() == 5)
      throw Error("unknown rendezvous")
          .key("MOTIONCUE_RENDEZVOUS")
          .expected("file:PATH")
          .found(value);
    env.rendezvous_file = value.substr(5);
  }
  return env;
}

LaunchEnv launch_env() {
  return launch_env_from([](const char* name) { return std::getenv(name); });
}

}  // namespace motioncue::distributed
