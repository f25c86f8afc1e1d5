#include "motioncue/core/tensor_checks.h"

#include <torch/torch.h>

#include "motioncue/core/error.h"

namespace motioncue {

std::string shape_string(const at::Tensor& t) {
  if (!t.defined()) return "undefined tensor";
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

void check_shape(const at::Tensor& t, std::initializer_list<int64_t> dims, const char* context,
                 const char* name) {
  std::string expected = "[";
  bool first = true;
  for (const int64_t d : dims) {
    expected += (first ? "" : ", ") + (d < 0 ? std::string("*") : std::to_string(d));
    first = false;
  }
  expected += "]";
  bool ok = t.defined() && t.dim() == static_cast<int64_t>(dims.size());
  if (ok) {
    int64_t i = 0;
    for (const int64_t d : dims) {
      if (d >= 0 && t.size(i) != d) ok = false;
      ++i;
    }
  }
  if (!ok)
    throw Error(std::string(context) + ": wrong tensor shape")
        .key(name)
        .expected(expected)
        .found(shape_string(t));
}

void check_floating(const at::Tensor& t, const char* context, const char* name) {
  if (!t.defined() || !at::isFloatingType(t.scalar_type()))
    throw Error(std::string(context) + ": expected a floating-point tensor")
        .key(name)
        .found(t.defined() ? std::string(c10::toString(t.scalar_type())) : "undefined tensor");
}

}  // namespace motioncue
