// One pool of worker threads for LibTorch's intra-op work. Debian's LibTorch uses OpenMP for its
// own parallel loops and OpenBLAS (the pthread build) for matrix products, and OpenBLAS keeps a
// second pool of its own: on a small machine the two pools busy-wait against each other, so the
// body layer and a training step ran slower on two threads than on one (docs/RESULTS.md,
// "Threads").
#pragma once

namespace motioncue {

// Makes OpenBLAS run on the calling thread (LibTorch's parallel loops then are the only pool),
// unless OPENBLAS_NUM_THREADS is set; with `intra_op_threads` > 0 also sets LibTorch's thread
// count. Harmless where LibTorch links another BLAS. Call once, at start-up.
void configure_threads(int intra_op_threads = 0);

// The OpenBLAS thread count now, or -1 where OpenBLAS is not loaded (for tests and reports).
int blas_threads();

}  // namespace motioncue
