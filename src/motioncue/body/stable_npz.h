// Writes an .npz whose bytes depend only on its arrays: fixed entry timestamps (1980-01-01), key
// order, deflate level. The open body model is written this way so that builds are byte-for-byte
// reproducible (core's write_npz stamps entries with the current time).
#pragma once

#include <filesystem>

#include "motioncue/core/npz.h"

namespace motioncue::body {

void write_npz_reproducible(const std::filesystem::path& file, const Npz& npz);

}  // namespace motioncue::body
