#include <iostream>
#include "motioncue/core/npy.h"
int main() {
  auto a = motioncue::NpyArray::from_f32({2}, {1.f, 2.f});
  std::cout << a.shape_string() << "\n";
}
