// The ranks of a data-parallel run as one group, on LibTorch's own c10d: a TCPStore (rank 0
// serves it at MASTER_ADDR:MASTER_PORT) or a FileStore for the rendezvous, and ProcessGroupGloo
// for the collectives (CPU tensors; a CUDA build would add NCCL here). c10d stays inside the .cpp:
// this header pulls in no LibTorch beyond ATen's Tensor.
#pragma once

#include <ATen/core/Tensor.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "motioncue/distributed/launch_env.h"

namespace motioncue::distributed {

class Group {
 public:
  // Joins the group `env` describes; every collective after this fails (an Error, not a hang)
  // when the other ranks do not answer within `timeout`. Throws Error when the rendezvous does
  // not complete in that time (a rank that never started, a wrong address or port).
  Group(const LaunchEnv& env, std::chrono::milliseconds timeout);
  ~Group();
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  const std::string& backend() const;

  // Every rank's tensors replaced by rank 0's (same shapes on every rank), in place.
  void broadcast(const std::vector<at::Tensor>& tensors);
  // Every tensor replaced by its mean over the ranks, in place. The tensors are packed into
  // buckets of about `bucket_bytes`, whose all-reduces are all started before any is waited on,
  // so the transfers of one bucket overlap the packing of the next.
  void all_reduce_mean(const std::vector<at::Tensor>& tensors, std::size_t bucket_bytes = 25 << 20);
  // One data-parallel step: the gradients of `parameters` (those that have one) and the loss
  // `value` averaged over the ranks, in place; returns the mean loss.
  double all_reduce_gradients(const std::vector<at::Tensor>& parameters, double value);
  void barrier();

 private:
  struct Impl;
  LaunchEnv env_;
  std::unique_ptr<Impl> impl_;
};

// The group torchrun's environment describes (launch_env.h), or nullptr for a process alone.
// MOTIONCUE_DIST_TIMEOUT (seconds, default 600) bounds the rendezvous and every collective.
std::unique_ptr<Group> join_from_environment();

}  // namespace motioncue::distributed
