#include "motioncue/core/threads.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>

#include <cstdlib>

namespace motioncue {

namespace {

// Looked up at run time: OpenBLAS arrives as a dependency of LibTorch, not of motioncue.
template <class Fn>
Fn openblas_function(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace

void configure_threads(int intra_op_threads) {
  // A user's OPENBLAS_NUM_THREADS stands (side-by-side measurements use it).
  if (!std::getenv("OPENBLAS_NUM_THREADS"))
    if (auto set = openblas_function<void (*)(int)>("openblas_set_num_threads")) set(1);
  if (intra_op_threads > 0) at::set_num_threads(intra_op_threads);
}

int blas_threads() {
  auto get = openblas_function<int (*)()>("openblas_get_num_threads");
  return get ? get() : -1;
}

}  // namespace motioncue
