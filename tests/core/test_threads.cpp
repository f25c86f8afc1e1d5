#include <gtest/gtest.h>

#include <cstdlib>

#include "motioncue/core/threads.h"

// After the set-up every motioncue program runs, OpenBLAS no longer keeps its own pool beside
// LibTorch's (where OpenBLAS is the BLAS at all: Debian's LibTorch links it).
TEST(Threads, OpenBlasRunsOnTheCallingThreadAfterSetUp) {
  if (std::getenv("OPENBLAS_NUM_THREADS")) GTEST_SKIP() << "OPENBLAS_NUM_THREADS is set";
  motioncue::configure_threads();
  const int n = motioncue::blas_threads();
  if (n == -1) GTEST_SKIP() << "LibTorch does not use OpenBLAS here";
  EXPECT_EQ(n, 1);
}
