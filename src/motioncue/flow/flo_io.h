// Middlebury .flo files: "PIEH" (the float 202021.25), int32 width, int32 height, then
// height x width (u, v) float32 pairs, row-major, little-endian. Unknown flow is stored as 1e10
// (the Middlebury convention) and read back as NaN.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace motioncue::flow {

// CV_32FC2. Throws Error naming the file when it is missing, has a wrong tag, implausible
// dimensions, or a size that does not match its header.
cv::Mat read_flo(const std::filesystem::path& file);
// The same from bytes already in memory; `origin` names them in errors.
cv::Mat parse_flo(const std::vector<std::uint8_t>& bytes, const std::string& origin);
// `flow` must be CV_32FC2; NaN/inf are written as unknown (1e10). Written atomically.
void write_flo(const std::filesystem::path& file, const cv::Mat& flow);

}  // namespace motioncue::flow
