// Where a process stands in a data-parallel run, read from the environment torchrun (and
// `motioncue launch`) set: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT, and
// motioncue's MOTIONCUE_RENDEZVOUS=file:PATH for a shared file system instead of a TCP store.
// Without RANK and WORLD_SIZE a process is the only one (rank 0 of 1).
#pragma once

#include <functional>
#include <string>

namespace motioncue::distributed {

struct LaunchEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::string rendezvous_file;  // non-empty: FileStore at this path instead of TCPStore

  bool distributed() const { return world_size > 1; }
};

// `lookup(name)` returns the variable's value or nullptr. Throws Error naming the variable for a
// value that is not a number, out of range (RANK outside [0, WORLD_SIZE), a port outside
// 1..65535), or for one of RANK / WORLD_SIZE without the other.
LaunchEnv launch_env_from(const std::function<const char*(const char*)>& lookup);
// From the process's own environment.
LaunchEnv launch_env();

}  // namespace motioncue::distributed
