// Tensor argument checks shared by the modules: each failure names the argument, the shape it
// needs and the shape it got.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <initializer_list>
#include <string>

namespace motioncue {

// "[2, 24, 3]", or "undefined tensor".
std::string shape_string(const at::Tensor& t);

// Throws motioncue::Error unless `t` is defined and has `dims.size()` dimensions whose sizes
// match `dims`; -1 in `dims` matches any size. `context` names the function, `name` the argument.
void check_shape(const at::Tensor& t, std::initializer_list<int64_t> dims, const char* context,
                 const char* name);

// Throws unless `t` is a floating-point tensor.
void check_floating(const at::Tensor& t, const char* context, const char* name);

}  // namespace motioncue
