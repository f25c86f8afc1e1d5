#include "motioncue/body/skinning.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <vector>

#include "motioncue/core/error.h"
#include "motioncue/core/tensor_checks.h"

namespace motioncue::body {
namespace {

constexpr int64_t kTransformSize = 12;  // a 3 x 4 [R | t], row-major
// Vertices per task of the backward pass; each task keeps its own gradient of the transforms.
constexpr int64_t kBackwardChunk = 512;

// The views of one skinning problem; every array is contiguous.
template <typename T>
struct Problem {
  const T* transforms;   // N x J x 12
  const T* points;       // N x V x 3
  const int64_t* joint;  // V x K
  const T* weight;       // V x K
  int64_t n, v, k, j;
};

// The blended [R | t] of vertex vi of body b.
template <typename T>
inline void blend(const Problem<T>& p, int64_t b, int64_t vi, T m[kTransformSize]) {
  const T* a = p.transforms + b * p.j * kTransformSize;
  std::fill(m, m + kTransformSize, T(0));
  for (int64_t q = 0; q < p.k; ++q) {
    const T w = p.weight[vi * p.k + q];
    const T* aj = a + p.joint[vi * p.k + q] * kTransformSize;
    for (int r = 0; r < kTransformSize; ++r) m[r] += w * aj[r];
  }
}

template <typename T>
void skin_forward(const Problem<T>& p, T* out) {
  at::parallel_for(0, p.n * p.v, 2048, [&](int64_t begin, int64_t end) {
    T m[kTransformSize];
    for (int64_t i = begin; i < end; ++i) {
      blend(p, i / p.v, i % p.v, m);
      const T* x = p.points + i * 3;
      T* y = out + i * 3;
      for (int r = 0; r < 3; ++r)
        y[r] = m[4 * r] * x[0] + m[4 * r + 1] * x[1] + m[4 * r + 2] * x[2] + m[4 * r + 3];
    }
  });
}

// Gradients of sum(out * grad) with respect to the transforms and the points. Each task (a body
// and a run of its vertices) sums into its own buffer, and the buffers are added in task order, so
// the result is the same for any number of threads.
template <typename T>
void skin_backward(const Problem<T>& p, const T* grad, T* grad_transforms, T* grad_points) {
  const int64_t chunks = (p.v + kBackwardChunk - 1) / kBackwardChunk;
  const int64_t per_task = p.j * kTransformSize;
  std::vector<T> partial(static_cast<std::size_t>(p.n * chunks * per_task), T(0));
  at::parallel_for(0, p.n * chunks, 1, [&](int64_t begin, int64_t end) {
    T m[kTransformSize], outer[kTransformSize];
    for (int64_t task = begin; task < end; ++task) {
      const int64_t b = task / chunks;
      const int64_t first = (task % chunks) * kBackwardChunk;
      const int64_t last = std::min(p.v, first + kBackwardChunk);
      T* acc = partial.data() + task * per_task;
      for (int64_t vi = first; vi < last; ++vi) {
        const int64_t i = b * p.v + vi;
        blend(p, b, vi, m);
        const T* g = grad + i * 3;
        const T* x = p.points + i * 3;
        T* gx = grad_points + i * 3;
        for (int c = 0; c < 3; ++c) gx[c] = m[c] * g[0] + m[4 + c] * g[1] + m[8 + c] * g[2];
        for (int r = 0; r < 3; ++r) {
          outer[4 * r] = g[r] * x[0];
          outer[4 * r + 1] = g[r] * x[1];
          outer[4 * r + 2] = g[r] * x[2];
          outer[4 * r + 3] = g[r];
        }
        for (int64_t q = 0; q < p.k; ++q) {
          const T w = p.weight[vi * p.k + q];
          T* aj = acc + p.joint[vi * p.k + q] * kTransformSize;
          for (int r = 0; r < kTransformSize; ++r) aj[r] += w * outer[r];
        }
      }
    }
  });
  at::parallel_for(0, p.n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      T* out = grad_transforms + b * per_task;
      std::fill(out, out + per_task, T(0));
      for (int64_t c = 0; c < chunks; ++c) {
        const T* src = partial.data() + (b * chunks + c) * per_task;
        for (int64_t r = 0; r < per_task; ++r) out[r] += src[r];
      }
    }
  });
}

template <typename T>
Problem<T> problem(const at::Tensor& transforms, const at::Tensor& points, const at::Tensor& joints,
                   const at::Tensor& weights) {
  return {transforms.data_ptr<T>(), points.data_ptr<T>(), joints.data_ptr<int64_t>(),
          weights.data_ptr<T>(),    points.size(0),       points.size(1),
          joints.size(1),           transforms.size(1)};
}

class SkinningFunction : public torch::autograd::Function<SkinningFunction> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& transforms,
                            const at::Tensor& points, const at::Tensor& joints,
                            const at::Tensor& weights) {
    ctx->save_for_backward({transforms, points, joints, weights});
    auto out = at::empty_like(points);
    AT_DISPATCH_FLOATING_TYPES(points.scalar_type(), "blend_skinning", [&] {
      skin_forward(problem<scalar_t>(transforms, points, joints, weights),
                   out.data_ptr<scalar_t>());
    });
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    if (at::GradMode::is_enabled()) {
      throw Error("the CPU skinning kernel has no second derivative")
          .key("blend_skinning")
          .expected("backward without create_graph");
    }
    const auto saved = ctx->get_saved_variables();
    const auto& transforms = saved[0];
    const auto& points = saved[1];
    const auto grad = grads[0].contiguous();
    auto grad_transforms = at::empty_like(transforms);
    auto grad_points = at::empty_like(points);
    AT_DISPATCH_FLOATING_TYPES(points.scalar_type(), "blend_skinning_backward", [&] {
      skin_backward(problem<scalar_t>(transforms, points, saved[2], saved[3]),
                    grad.data_ptr<scalar_t>(), grad_transforms.data_ptr<scalar_t>(),
                    grad_points.data_ptr<scalar_t>());
    });
    return {grad_transforms, grad_points, at::Tensor(), at::Tensor()};
  }
};

void check_inputs(const at::Tensor& transforms, const at::Tensor& points, int64_t v, int64_t j) {
  if (!transforms.defined() || transforms.dim() != 4 || transforms.size(1) != j ||
      transforms.size(2) != 3 || transforms.size(3) != 4) {
    throw Error("wrong skinning-transform shape")
        .key("transforms")
        .expected("(N, " + std::to_string(j) + ", 3, 4)")
        .found(shape_string(transforms));
  }
  if (!points.defined() || points.dim() != 3 || points.size(0) != transforms.size(0) ||
      points.size(1) != v || points.size(2) != 3) {
    throw Error("wrong rest-point shape")
        .key("points")
        .expected("(" + std::to_string(transforms.size(0)) + ", " + std::to_string(v) + ", 3)")
        .found(shape_string(points));
  }
  if (points.scalar_type() != transforms.scalar_type() || points.device() != transforms.device()) {
    throw Error("skinning inputs differ in dtype or device")
        .key("transforms/points")
        .expected(std::string(c10::toString(transforms.scalar_type())) + " on " +
                  c10::str(transforms.device()))
        .found(std::string(c10::toString(points.scalar_type())) + " on " +
               c10::str(points.device()));
  }
}

}  // namespace

SkinningWeights SkinningWeights::from_dense(const at::Tensor& dense) {
  torch::NoGradGuard no_grad;
  const int64_t k = std::max<int64_t>(1, (dense != 0).sum(1).max().item<int64_t>());
  auto top = torch::topk(dense.abs(), k, 1);
  auto joints = std::get<1>(top);
  auto weights = dense.gather(1, joints);
  joints = joints.masked_fill(weights == 0, 0);
  return {dense, joints.contiguous(), weights.contiguous()};
}

at::Tensor blend_skinning(const at::Tensor& transforms, const at::Tensor& points,
                          const SkinningWeights& w) {
  check_inputs(transforms, points, w.dense.size(0), w.dense.size(1));
  const auto dtype = transforms.scalar_type();
  if (!transforms.device().is_cpu() || (dtype != at::kFloat && dtype != at::kDouble)) {
    return blend_skinning_dense(transforms, points, w.dense.to(transforms.options()));
  }
  return SkinningFunction::apply(transforms.contiguous(), points.contiguous(), w.joints,
                                 w.weights.to(dtype).contiguous());
}

at::Tensor blend_skinning_dense(const at::Tensor& transforms, const at::Tensor& points,
                                const at::Tensor& dense_weights) {
  const int64_t v = dense_weights.size(0);
  check_inputs(transforms, points, v, dense_weights.size(1));
  const int64_t n = points.size(0);
  // Vertex-major: (V x J) * (J x N*12) matrix products give every vertex's blended [R | t], then
  // x' = R x + t as fused multiply-adds, in blocks of vertices so that the blended transforms stay
  // in cache.
  auto a_flat = transforms.permute({1, 0, 2, 3}).reshape({transforms.size(1), n * 12});
  auto points_vn = points.transpose(0, 1);  // V, N, 3
  const int64_t block = std::max<int64_t>(256, (1 << 16) / std::max<int64_t>(n, 1));
  std::vector<at::Tensor> blocks;
  for (int64_t start = 0; start < v; start += block) {
    const int64_t len = std::min(block, v - start);
    auto t = torch::mm(dense_weights.narrow(0, start, len), a_flat).view({len, n, 3, 4});
    auto x = points_vn.narrow(0, start, len);
    blocks.push_back(t.select(3, 3)
                         .addcmul(t.select(3, 0), x.narrow(2, 0, 1))
                         .addcmul(t.select(3, 1), x.narrow(2, 1, 1))
                         .addcmul(t.select(3, 2), x.narrow(2, 2, 1)));
  }
  auto out_vn = blocks.size() == 1 ? blocks[0] : torch::cat(blocks, 0);  // V, N, 3
  return out_vn.transpose(0, 1).contiguous();
}

}  // namespace motioncue::body

namespace motioncue::body {

KeypointSkinning KeypointSkinning::build(const at::Tensor& regressor, const at::Tensor& weights,
                                         const at::Tensor& template_vertices,
                                         const at::Tensor& shape_directions,
                                         const at::Tensor& pose_directions) {
  torch::NoGradGuard no_grad;
  const int64_t k = regressor.size(0), v = regressor.size(1), j = weights.size(1);
  // Only the vertices some keypoint uses contribute.
  const auto used = (regressor != 0).any(0).nonzero().squeeze(1);
  const int64_t u = used.size(0);
  const auto ku = regressor.index_select(1, used);  // K x U
  const auto wu = weights.index_select(0, used);    // U x J
  const auto kw = (ku.unsqueeze(1) * wu.t().unsqueeze(0)).reshape({k * j, u});
  KeypointSkinning s;
  s.joint_weights = torch::mm(ku, wu);
  s.rest = torch::mm(kw, template_vertices.index_select(0, used)).view({k, j, 3});
  const int64_t b = shape_directions.size(1);
  s.shape = torch::mm(kw, shape_directions.reshape({v, 3 * b}).index_select(0, used))
                .view({k * j * 3, b});
  if (pose_directions.defined()) {
    const int64_t p = pose_directions.size(0);
    const auto pu = pose_directions.reshape({p, v, 3}).index_select(1, used);  // P x U x 3
    s.pose = torch::mm(kw, pu.permute({1, 0, 2}).reshape({u, p * 3}))
                 .view({k * j, p, 3})
                 .permute({1, 0, 2})
                 .reshape({p, k * j * 3});
  }
  return s;
}

at::Tensor KeypointSkinning::keypoints(const at::Tensor& transforms, const at::Tensor& betas,
                                       const at::Tensor& pose_features) const {
  const int64_t n = transforms.size(0), k = joint_weights.size(0), j = joint_weights.size(1);
  const int64_t b = betas.size(1);
  at::Tensor c = rest.unsqueeze(0);
  if (b > 0) {
    c = c + torch::mm(betas, shape.narrow(1, 0, b).t()).view({n, k, j, 3});
  } else {
    c = c.expand({n, k, j, 3});
  }
  if (pose.defined() && pose_features.defined()) {
    c = c + torch::mm(pose_features, pose).view({n, k, j, 3});
  }
  const auto rotations = transforms.narrow(3, 0, 3);  // N, J, 3, 3
  const auto translations = transforms.select(3, 3);  // N, J, 3
  return torch::einsum("njab,nkjb->nka", {rotations, c}) +
         torch::matmul(joint_weights, translations);
}

}  // namespace motioncue::body
