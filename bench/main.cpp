// The benchmarks' main: the thread set-up the motioncue tool uses (core/threads.h), then Google
// Benchmark. OPENBLAS_NUM_THREADS, when set, is left as given (for side-by-side runs).
#include <benchmark/benchmark.h>

#include "motioncue/core/threads.h"

int main(int argc, char** argv) {
  motioncue::configure_threads();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
