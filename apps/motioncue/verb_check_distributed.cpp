// motioncue check-distributed: join the group the launch environment describes and check that
// its collectives work, before spending hours on a distributed run.
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "motioncue/core/error.h"
#include "motioncue/distributed/process_group.h"
#include "verb.h"

namespace {

namespace mc = motioncue;
namespace md = motioncue::distributed;

struct CheckOptions {
  double timeout = 60;
  int fail_rank = -1;
  double megabytes = 0;  // > 0: also time all-reduces of this many MB of float32
  int repeat = 10;
};

// Mean wall time of `repeat` mean all-reduces of `megabytes` MB, after one untimed warm-up.
double time_all_reduce(md::Group& group, double megabytes, int repeat) {
  const auto n = static_cast<int64_t>(megabytes * 1e6 / sizeof(float));
  const auto t = torch::ones({n});
  group.all_reduce_mean({t});
  group.barrier();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) group.all_reduce_mean({t});
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / repeat;
}

void check(const CheckOptions& o) {
  if (!(o.timeout > 0)) throw mc::Error("timeout must be positive").key("--timeout");
  if (!(o.megabytes >= 0) || o.megabytes > 4096)
    throw mc::Error("all-reduce size out of range").key("--time-all-reduce").expected("0..4096 MB");
  if (o.repeat < 1) throw mc::Error("repeat count must be positive").key("--repeat");
  const auto env = md::launch_env();
  md::Group group(env, std::chrono::milliseconds(static_cast<long long>(o.timeout * 1000)));
  if (env.rank == o.fail_rank) std::_Exit(3);  // a crash after joining, for the others to detect

  const auto mean = torch::full({1000}, static_cast<float>(env.rank + 1));
  group.all_reduce_mean({mean});
  const float want = (env.world_size + 1) / 2.0f;
  if (!torch::allclose(mean, torch::full_like(mean, want)))
    throw mc::Error("all-reduce gave a wrong mean")
        .expected(std::to_string(want))
        .found(std::to_string(mean[0].item<float>()));
  const auto value = torch::full({10}, env.rank == 0 ? 42.0f : -1.0f);
  group.broadcast({value});
  if (!torch::equal(value, torch::full_like(value, 42.0f)))
    throw mc::Error("broadcast did not deliver rank 0's values");
  group.barrier();
  std::cout << "rank " << env.rank << " of " << env.world_size << " (" << group.backend()
            << "): all-reduce mean " << mean[0].item<float>() << ", broadcast and barrier ok\n";
  if (o.megabytes > 0) {
    const double seconds = time_all_reduce(group, o.megabytes, o.repeat);
    if (env.rank == 0)
      std::cout << "all-reduce of " << o.megabytes << " MB over " << env.world_size
                << " ranks: " << seconds * 1000 << " ms (mean of " << o.repeat << ")\n";
  }
}

mc::cli::VerbRegistration register_check(
    "check-distributed", "Check that the ranks of a launch can reach each other",
    [](CLI::App& app) {
      auto o = std::make_shared<CheckOptions>();
      app.add_option("--timeout", o->timeout, "seconds to wait for the other ranks");
      app.add_option(
          "--fail-rank", o->fail_rank,
          "this rank exits abruptly after joining (checks that the others fail in time)");
      app.add_option("--time-all-reduce", o->megabytes,
                     "also time all-reduces of this many MB of float32 gradients (bench/)");
      app.add_option("--repeat", o->repeat, "timed all-reduces");
      app.callback([o] { check(*o); });
    });

}  // namespace
