#include "motioncue/distributed/process_group.h"

#include <torch/torch.h>
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <cmath>
#include <cstdlib>

#include "motioncue/core/error.h"
#include "motioncue/core/parse.h"

namespace motioncue::distributed {

struct Group::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  std::string backend = "gloo";
  std::chrono::milliseconds timeout;
};

namespace {

// The first line of a c10d error (the rest is a C++ backtrace).
std::string first_line(const std::exception& e) {
  const std::string what = e.what();
  return what.substr(0, what.find('\n'));
}

// c10d reports a dead or missing peer as a c10::Error ("Connection closed by peer", "Timed out
// waiting ..."): one line naming this rank and what it was doing.
[[noreturn]] void collective_failed(const LaunchEnv& env, const char* what, const std::exception& e,
                                    std::chrono::milliseconds timeout) {
  throw Error(std::string(what) + " failed: another rank died or did not answer within " +
              std::to_string(timeout.count() / 1000) + " s (" + first_line(e) + ")")
      .key("rank " + std::to_string(env.rank) + " of " + std::to_string(env.world_size));
}

}  // namespace

Group::Group(const LaunchEnv& env, std::chrono::milliseconds timeout)
    : env_(env), impl_(std::make_unique<Impl>()) {
  impl_->timeout = timeout;
  try {
    if (!env.rendezvous_file.empty()) {
      impl_->store = c10::make_intrusive<c10d::FileStore>(env.rendezvous_file, env.world_size);
      impl_->store->setTimeout(timeout);
    } else {
      c10d::TCPStoreOptions options;
      options.port = static_cast<std::uint16_t>(env.master_port);
      options.isServer = env.rank == 0;
      options.numWorkers = env.world_size;
      options.timeout = timeout;
      impl_->store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, options);
    }
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    // Loopback launches (one machine) bind to loopback; otherwise Gloo's default: this host's
    // address (GLOO_SOCKET_IFNAME picks an interface, as with torchrun).
    const bool local = env.master_addr == "127.0.0.1" || env.master_addr == "localhost";
    options->devices.push_back(local ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                     : c10d::ProcessGroupGloo::createDefaultDevice());
    impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, env.rank,
                                                               env.world_size, options);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error("could not join the distributed group (" + first_line(e) + ")")
        .key("rank " + std::to_string(env.rank) + " of " + std::to_string(env.world_size))
        .expected(env.rendezvous_file.empty() ? "every rank reaching " + env.master_addr + ":" +
                                                    std::to_string(env.master_port) + " within " +
                                                    std::to_string(timeout.count() / 1000) + " s"
                                              : "every rank sharing " + env.rendezvous_file);
  }
}

Group::~Group() = default;

const std::string& Group::backend() const { return impl_->backend; }

void Group::broadcast(const std::vector<at::Tensor>& tensors) {
  if (env_.world_size == 1) return;
  torch::NoGradGuard no_grad;
  try {
    for (const auto& t : tensors) {
      std::vector<at::Tensor> one{t.is_contiguous() ? t : t.contiguous()};
      impl_->group->broadcast(one, c10d::BroadcastOptions{})->wait();
      if (!t.is_contiguous()) t.copy_(one[0]);
    }
  } catch (const std::exception& e) {
    collective_failed(env_, "broadcast", e, impl_->timeout);
  }
}

double Group::all_reduce_gradients(const std::vector<at::Tensor>& parameters, double value) {
  std::vector<at::Tensor> tensors;
  for (const auto& p : parameters)
    if (p.grad().defined()) tensors.push_back(p.grad());
  const at::Tensor loss = torch::full(
      {1}, value, tensors.empty() ? at::TensorOptions(torch::kDouble) : tensors.front().options());
  tensors.push_back(loss);
  all_reduce_mean(tensors);
  return loss.item<double>();
}

void Group::all_reduce_mean(const std::vector<at::Tensor>& tensors, std::size_t bucket_bytes) {
  if (env_.world_size == 1) return;
  torch::NoGradGuard no_grad;
  // Buckets of tensors of one dtype and device, flattened into one buffer each.
  struct Bucket {
    std::vector<at::Tensor> members;
    std::vector<at::Tensor> flat;
    c10::intrusive_ptr<c10d::Work> work;
  };
  std::vector<Bucket> buckets;
  std::size_t bytes = 0;
  for (const auto& t : tensors) {
    if (!t.defined()) continue;
    const bool fits = !buckets.empty() && bytes + t.nbytes() <= bucket_bytes &&
                      buckets.back().members.front().scalar_type() == t.scalar_type() &&
                      buckets.back().members.front().device() == t.device();
    if (!fits) {
      buckets.emplace_back();
      bytes = 0;
    }
    buckets.back().members.push_back(t);
    bytes += t.nbytes();
  }
  try {
    for (auto& b : buckets) {
      std::vector<at::Tensor> flats;
      for (const auto& m : b.members) flats.push_back(m.reshape(-1));
      b.flat = {torch::cat(flats)};
      b.work = impl_->group->allreduce(b.flat, c10d::AllreduceOptions{});
    }
    for (auto& b : buckets) {
      b.work->wait();
      auto flat = b.flat[0].div_(env_.world_size);
      int64_t offset = 0;
      for (const auto& m : b.members) {
        m.copy_(flat.narrow(0, offset, m.numel()).view(m.sizes()));
        offset += m.numel();
      }
    }
  } catch (const std::exception& e) {
    collective_failed(env_, "all-reduce", e, impl_->timeout);
  }
}

void Group::barrier() {
  if (env_.world_size == 1) return;
  try {
    impl_->group->barrier(c10d::BarrierOptions{})->wait();
  } catch (const std::exception& e) {
    collective_failed(env_, "barrier", e, impl_->timeout);
  }
}

std::unique_ptr<Group> join_from_environment() {
  const LaunchEnv env = launch_env();
  if (!env.distributed()) return nullptr;
  double seconds = 600;
  if (const char* t = std::getenv("MOTIONCUE_DIST_TIMEOUT")) {
    const auto v = parse_double(t);
    if (!v || !(*v > 0) || !std::isfinite(*v))
      throw Error("the timeout must be a positive number of seconds")
          .key("MOTIONCUE_DIST_TIMEOUT")
          .found(t);
    seconds = *v;
  }
  return std::make_unique<Group>(env,
                                 std::chrono::milliseconds(static_cast<long long>(seconds * 1000)));
}

}  // namespace motioncue::distributed
